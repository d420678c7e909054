"""Every error a user can see, in one tree.

    RegionAtlasError                 base; ``status`` is the HTTP status, ``exit_code`` the CLI's
    ├── InputError                   bad input of any kind (422 / exit 2)
    │   ├── SourceFormatError        a file cannot be read: file, line, column, value, expected
    │   ├── UnknownFormatError       no reader recognises a file
    │   ├── RegionDefinitionError    a region TOML is wrong
    │   ├── ParameterError           a bad parameter (negative share, k > candidates, ...)
    │   └── ScenarioError            a scenario file or its parameters are wrong
    ├── NotFoundError                unknown AGS, indicator, period, batch, scenario (404 / exit 3)
    ├── AuthenticationError          platform: not logged in, wrong password, bad token (401)
    │   └── ThrottledError           platform: too many attempts, account locked (429)
    ├── ForbiddenError               platform: logged in but not allowed; bad CSRF token (403)
    ├── StoreError                   the store cannot do what was asked (500 / exit 4)
    │   └── ConflictError            e.g. rolling back a batch others depend on (409 / exit 4)
    └── DependencyError              an optional component (PostGIS, chromium) is missing (503 / 5)

Errors carry their context as fields, so the CLI prints them without a traceback and the
API answers them in one JSON shape: ``{"error": {"type", "message", "details"}}``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any


class RegionAtlasError(Exception):
    """Base of all errors meant for users."""

    status: int = 500
    exit_code: int = 1

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.details = {k: v for k, v in details.items() if v is not None}

    def to_dict(self) -> dict[str, Any]:
        return {
            "type": type(self).__name__,
            "message": self.message,
            "details": {k: str(v) if isinstance(v, Path) else v for k, v in self.details.items()},
        }


class InputError(RegionAtlasError):
    """Bad input: a file, a parameter, a request."""

    status = 422
    exit_code = 2


class SourceFormatError(InputError):
    """A source file cannot be read as its format.

    The message names the file, the line (1-based) and column (1-based or a column name)
    where the problem is, the value found and what was expected.
    """

    def __init__(
        self,
        file: str | Path,
        problem: str,
        *,
        line: int | None = None,
        column: int | str | None = None,
        value: Any = None,
        expected: str | None = None,
    ) -> None:
        where = str(file)
        if line is not None:
            where += f", line {line}"
        if column is not None:
            where += f", column {column}"
        msg = f"{where}: {problem}"
        if value is not None:
            msg += f" (found {value!r})"
        if expected:
            msg += f"; expected {expected}"
        super().__init__(
            msg,
            file=str(file),
            line=line,
            column=column,
            value=None if value is None else str(value),
            expected=expected,
        )
        self.file = str(file)
        self.line = line
        self.column = column
        self.value = value
        self.expected = expected


class UnknownFormatError(InputError):
    """No reader recognises the file."""


class RegionDefinitionError(InputError):
    """A region definition file is invalid."""


class ParameterError(InputError):
    """A parameter is out of range or inconsistent."""


class ScenarioError(InputError):
    """A scenario definition is invalid."""


class NotFoundError(RegionAtlasError):
    """Something named by the user does not exist."""

    status = 404
    exit_code = 3


class AuthenticationError(RegionAtlasError):
    """Not logged in, wrong credentials, an invalid/expired/used token."""

    status = 401
    exit_code = 2


class ThrottledError(AuthenticationError):
    """Too many attempts; ``retry_after`` seconds."""

    status = 429


class ForbiddenError(RegionAtlasError):
    """The person may not do this (role, group, owner) or the CSRF check failed."""

    status = 403
    exit_code = 2


class StoreError(RegionAtlasError):
    """The store cannot do what was asked."""

    status = 500
    exit_code = 4


class ConflictError(StoreError):
    """The request conflicts with the store's state."""

    status = 409


class DependencyError(RegionAtlasError):
    """A required external component is not available."""

    status = 503
    exit_code = 5
