"""Message catalogues and the translator the templates use.

One TOML file per language (``de.toml``, ``en.toml``) plus any number of area files
``de.<area>.toml`` / ``en.<area>.toml`` (e.g. ``de.platform.toml``) merged into it; a key
defined twice is an error.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path

from regionatlas.errors import NotFoundError

LANGUAGES = ("de", "en")
DEFAULT_LANGUAGE = "de"
_DIR = Path(__file__).resolve().parent


def _flatten(doc: Mapping, prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in doc.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            out.update(_flatten(value, name + "."))
        else:
            out[name] = str(value)
    return out


@lru_cache(maxsize=len(LANGUAGES))
def catalogue(lang: str) -> dict[str, str]:
    """All messages of one language as ``{"section.key": text}``."""
    if lang not in LANGUAGES:
        raise NotFoundError(f"unknown language {lang!r}", value=lang, expected=", ".join(LANGUAGES))
    out: dict[str, str] = {}
    for path in [_DIR / f"{lang}.toml", *sorted(_DIR.glob(f"{lang}.*.toml"))]:
        with open(path, "rb") as fh:
            part = _flatten(tomllib.load(fh))
        twice = set(out) & set(part)
        if twice:
            raise KeyError(f"{path.name} defines keys again: {sorted(twice)[:5]}")
        out.update(part)
    return out


@lru_cache(maxsize=len(LANGUAGES))
def catalogue_json(lang: str) -> str:
    """The whole catalogue as HTML-safe JSON (as Jinja's ``tojson``), serialised once per
    language: every page embeds it for the scripts, and dumping 50 kB of messages per page
    was a tenth of a forum page's rendering time."""
    from jinja2.utils import htmlsafe_json_dumps

    return htmlsafe_json_dumps(catalogue(lang), sort_keys=True)


class _KeepMissing(dict):
    """Format arguments that leave an unknown ``{placeholder}`` as it is."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


class Translator:
    """``t("nav.map")`` -> text; ``t("x", n=3)`` formats ``{n}``. Unknown keys raise KeyError."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.messages = catalogue(lang)

    def __call__(self, key: str, **kwargs: object) -> str:
        text = self.messages[key]
        return text.format(**kwargs) if kwargs else text

    @property
    def messages_json(self) -> str:
        """``messages`` as HTML-safe JSON for a ``<script type="application/json">``."""
        return catalogue_json(self.lang)

    def error(self, error: Mapping) -> str:
        """An error's message in this language: the catalogue text named by its ``i18n``
        detail, filled from its other details (``{field}`` as the form's label), else the
        English message."""
        details = dict(error.get("details") or {})
        key = details.pop("i18n", None)
        if not isinstance(key, str) or key not in self.messages:
            return str(error.get("message", ""))
        if "field" in details:
            name = str(details["field"])
            details["field"] = self.messages.get(f"platform.fields.{name}", name)
        return self.messages[key].format_map(_KeepMissing(details))

    def name(self, row: Mapping, field: str = "name") -> str:
        """The language's variant of a bilingual field (``name_de``/``name_en``)."""
        return str(row.get(f"{field}_{self.lang}") or row.get(f"{field}_de") or row.get(field))
