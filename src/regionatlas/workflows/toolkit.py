"""The Werkzeugkasten (toolbox): participation and planning instruments as Markdown files
with YAML front matter (``regionatlas/data/toolkit/<id>.<lang>.md``, package data).

``load_toolkit()`` reads and checks every file: a file without front matter, front matter
that is not YAML, a missing or mistyped key, or an instrument without both languages is an
InputError naming the file and the line. The body is rendered with markdown-it-py and
sanitised with nh3 (no scripts, no event handlers, no inline styles, only http(s)/mailto
links); the front matter's text is escaped by the templates.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import nh3
import yaml  # type: ignore[import-untyped]
from markdown_it import MarkdownIt

from regionatlas.errors import InputError

CONTENT = "regionatlas.data"
LANGS = ("de", "en")
KINDS = ("instrument", "guide")
STAGES = ("initiative", "analysis", "concept", "early", "formal", "implementation", "evaluation")
EFFORTS = ("low", "medium", "high")
REQUIRED: dict[str, type | tuple[type, ...]] = {
    "id": str,
    "lang": str,
    "kind": str,
    "title": str,
    "summary": str,
    "purpose": str,
    "stages": list,
    "participants": str,
    "effort": str,
    "duration": str,
    "legal": list,
    "examples": list,
    "sources": list,
}
_NAME = re.compile(r"^(?P<id>[a-z0-9-]+)\.(?P<lang>de|en)\.md$")
ALLOWED_TAGS = {
    "p", "h2", "h3", "h4", "ul", "ol", "li", "a", "em", "strong", "code", "pre",
    "blockquote", "table", "thead", "tbody", "tr", "th", "td", "br", "hr",
}  # fmt: skip


@dataclass(frozen=True)
class Entry:
    id: str
    lang: str
    kind: str
    meta: dict[str, Any]
    html: str  # sanitised body
    file: str
    steps: tuple[dict[str, Any], ...] = field(default_factory=tuple)

    @property
    def legal_refs(self) -> list[str]:
        return [str(x.get("ref", "")) for x in self.meta.get("legal", [])]


def _md() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")


def render_markdown(text: str) -> str:
    """Markdown -> sanitised HTML (raw HTML in the source is not rendered, and whatever
    gets through is cleaned by nh3)."""
    html = _md().render(text)
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href", "title"}, "th": {"scope"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )


def split_front_matter(name: str, text: str) -> tuple[dict[str, Any], str, int]:
    """(front matter, body, line where the body starts); InputError with file and line."""
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        raise InputError(
            f"{name}, line 1: no front matter", file=name, line=1, expected="'---' on line 1"
        )
    end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
    if end is None:
        raise InputError(
            f"{name}, line 1: front matter is not closed",
            file=name,
            line=1,
            expected="a second '---' line",
        )
    try:
        meta = yaml.safe_load("\n".join(lines[1:end])) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1
        problem = getattr(exc, "problem", None) or str(exc)
        raise InputError(
            f"{name}, line {line}: front matter is not valid YAML: {problem}",
            file=name,
            line=line,
            expected="YAML key: value lines",
        ) from None
    if not isinstance(meta, dict):
        raise InputError(f"{name}, line 2: front matter must be a mapping", file=name, line=2)
    return meta, "\n".join(lines[end + 1 :]), end + 2


def _key_line(text: str, key: str) -> int:
    for i, line in enumerate(text.splitlines(), 1):
        if line.startswith(f"{key}:"):
            return i
    return 1


def parse_entry(name: str, text: str) -> Entry:
    """One toolkit file -> Entry (checked)."""
    meta, body, _ = split_front_matter(name, text)

    def fail(key: str, problem: str, expected: str) -> InputError:
        line = _key_line(text, key)
        return InputError(
            f"{name}, line {line}: {problem}", file=name, line=line, expected=expected
        )

    for key, kind in REQUIRED.items():
        if key not in meta:
            raise fail(key, f"'{key}' is missing", f"{key}: …")
        if not isinstance(meta[key], kind) or (kind is str and not meta[key].strip()):
            names = kind.__name__ if isinstance(kind, type) else "value"
            raise fail(key, f"'{key}' = {meta[key]!r}", f"a non-empty {names}")
    m = _NAME.match(name.rsplit("/", 1)[-1])
    if m and (m["id"] != meta["id"] or m["lang"] != meta["lang"]):
        raise fail("id", "id/lang differ from the file name", f"{m['id']} / {m['lang']}")
    if meta["lang"] not in LANGS:
        raise fail("lang", f"lang {meta['lang']!r}", " | ".join(LANGS))
    if meta["kind"] not in KINDS:
        raise fail("kind", f"kind {meta['kind']!r}", " | ".join(KINDS))
    if meta["effort"] not in EFFORTS:
        raise fail("effort", f"effort {meta['effort']!r}", " | ".join(EFFORTS))
    bad = [s for s in meta["stages"] if s not in STAGES]
    if bad:
        raise fail("stages", f"unknown stages {bad}", " | ".join(STAGES))
    for item in meta["legal"]:
        if not isinstance(item, dict) or not item.get("ref"):
            raise fail("legal", f"legal entry {item!r}", "ref: … (url: …)")
    for item in meta["sources"]:
        if not isinstance(item, dict) or not item.get("url") or not item.get("what"):
            raise fail("sources", f"source {item!r}", "url: … and what: …")
    for item in meta["examples"]:
        if not isinstance(item, dict) or not item.get("source") or not item.get("source_what"):
            raise fail("examples", "an example without its source", "source: … and source_what: …")
    if not meta["examples"] and not meta.get("examples_note"):
        raise fail("examples", "no examples and no examples_note", "examples_note: why none")
    steps = meta.get("steps", [])
    if meta["kind"] == "guide" and not steps:
        raise fail("steps", "a guide needs steps", "steps: - id, title, text, legal")
    return Entry(
        id=meta["id"],
        lang=meta["lang"],
        kind=meta["kind"],
        meta=meta,
        html=render_markdown(body),
        file=name,
        steps=tuple(steps),
    )


def read_toolkit(files: list[tuple[str, str]]) -> dict[str, dict[str, Entry]]:
    """{id: {lang: Entry}}; every id in both languages, guide steps naming known ids."""
    out: dict[str, dict[str, Entry]] = {}
    for name, text in files:
        e = parse_entry(name, text)
        if e.lang in out.get(e.id, {}):
            raise InputError(f"{name}: {e.id!r} ({e.lang}) defined twice", file=name)
        out.setdefault(e.id, {})[e.lang] = e
    for tid, langs in out.items():
        missing = [lang for lang in LANGS if lang not in langs]
        if missing:
            f = next(iter(langs.values())).file
            raise InputError(
                f"{f}: {tid!r} has no {missing} version", file=f, expected="<id>.de.md and .en.md"
            )
        for e in langs.values():
            for step in e.steps:
                unknown = [i for i in step.get("instruments", []) if i not in out]
                if unknown:
                    raise InputError(
                        f"{e.file}: step {step.get('id')!r} names unknown instruments {unknown}",
                        file=e.file,
                    )
    return out


def packaged_files() -> list[tuple[str, str]]:
    root = resources.files(CONTENT).joinpath("toolkit")
    items = sorted((e for e in root.iterdir() if _NAME.match(e.name)), key=lambda e: e.name)
    return [(f"data/toolkit/{e.name}", e.read_text(encoding="utf-8")) for e in items]


@cache
def load_toolkit() -> dict[str, dict[str, Entry]]:
    """The packaged toolbox (cached)."""
    return read_toolkit(packaged_files())


def filter_entries(
    toolkit: dict[str, dict[str, Entry]],
    lang: str,
    stage: str | None = None,
    effort: str | None = None,
    legal: str | None = None,
    kind: str | None = None,
) -> list[Entry]:
    """Entries of one language matching every given filter (legal: substring of a ref)."""
    out = []
    for langs in toolkit.values():
        e = langs[lang]
        if stage and stage not in e.meta["stages"]:
            continue
        if effort and e.meta["effort"] != effort:
            continue
        if legal and not any(legal.lower() in r.lower() for r in e.legal_refs):
            continue
        if kind and e.kind != kind:
            continue
        out.append(e)
    return sorted(out, key=lambda e: (e.kind != "guide", e.meta["title"].lower()))


def entry_payload(e: Entry) -> dict[str, Any]:
    """JSON for the API: front matter plus the sanitised HTML body."""
    meta = {k: v for k, v in e.meta.items()}
    return {**meta, "html": e.html, "file": e.file}
