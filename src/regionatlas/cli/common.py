"""Shared CLI plumbing: store options, option groups, error printing, exit codes."""

from __future__ import annotations

import dataclasses
import inspect
import sys
import typing
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console

from regionatlas.errors import RegionAtlasError

console = Console(stderr=True)
out = Console()

DbOption = Annotated[
    Path | None, typer.Option("--db", help="GeoPackage file (default var/regionatlas.gpkg)")
]
DatabaseUrlOption = Annotated[
    str | None,
    typer.Option("--database-url", help="PostgreSQL URL, e.g. postgresql://user@host/db"),
]
QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="Print only results")]
RegionFileOption = Annotated[
    Path | None,
    typer.Option("--region", help="Region definition (default: the shipped Region der Mitte)"),
]

# the four parameters of the labour-market-area method (defaults: analysis.lma_params)
MinSizeOption = Annotated[float, typer.Option("--min-size", help="minimum size (residents), minSZ")]
MinScOption = Annotated[float, typer.Option("--min-sc", help="minimum self-containment, minSC")]
TargetSizeOption = Annotated[
    float, typer.Option("--target-size", help="target size (residents), tarSZ")
]
TargetScOption = Annotated[
    float, typer.Option("--target-sc", help="target self-containment, tarSC")
]

F = TypeVar("F", bound=Callable[..., Any])


def option_group(group: type, **defaults: Any) -> Callable[[F], F]:
    """Give a command the options of ``group`` (a dataclass whose fields are annotated with
    typer options and have defaults) as one object, its parameter ``opts``.

    The options follow the command's own parameters, in the order of the fields, so
    ``--help`` lists them as if they were written out; ``defaults`` overrides a field's
    default for this command (e.g. ``limit=10``)."""
    hints = typing.get_type_hints(group, include_extras=True)
    fields = dataclasses.fields(group)
    unknown = set(defaults) - {f.name for f in fields}
    assert not unknown, f"{group.__name__} has no options {sorted(unknown)}"
    extra = [
        inspect.Parameter(
            f.name,
            inspect.Parameter.KEYWORD_ONLY,
            annotation=hints[f.name],
            default=defaults.get(f.name, f.default),
        )
        for f in fields
    ]

    def decorate(func: F) -> F:
        signature = inspect.signature(func, eval_str=True)
        own = [p for p in signature.parameters.values() if p.name != "opts"]
        names = [f.name for f in fields]

        @wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            opts = group(**{name: kwargs.pop(name) for name in names})
            return func(*args, opts=opts, **kwargs)

        wrapper.__signature__ = inspect.Signature(own + extra)  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorate


def user_errors(func: F) -> F:
    """Print RegionAtlasError without a traceback and exit with its exit code."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except RegionAtlasError as exc:
            console.print(f"[bold red]Fehler / error:[/] {exc.message}", highlight=False)
            sys.exit(exc.exit_code)

    return wrapper  # type: ignore[return-value]


@contextmanager
def opened_store(db: Path | None, database_url: str | None) -> Iterator[Any]:
    """Open the store chosen by --db/--database-url/REGIONATLAS_DATABASE_URL."""
    from regionatlas.settings import load_settings
    from regionatlas.store import open_store

    settings = load_settings(db=db, database_url=database_url)
    store = open_store(settings.database_url)
    try:
        yield store
    finally:
        store.close()
