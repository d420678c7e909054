"""User text: Markdown → HTML (markdown-it-py, raw HTML off) sanitised with nh3 (allow-list),
mentions (@handle)."""

from __future__ import annotations

import re

import nh3
from markdown_it import MarkdownIt

_md = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")
TAGS = {
    "p", "br", "strong", "em", "code", "pre", "blockquote", "ul", "ol", "li", "a",
    "h3", "h4", "h5", "h6", "hr", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}
MENTION = re.compile(r"(?<![\w@])@([a-z0-9][a-z0-9_.-]{1,39})", re.IGNORECASE)


def render_markdown(text: str) -> str:
    """Safe HTML for user Markdown: no raw HTML, no scripts, only http(s)/mailto links."""
    html = _md.render(text or "")
    # headings of posts sit below the page's h1/h2
    html = re.sub(r"<(/?)h[12]>", r"<\1h3>", html)
    return nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener noreferrer",
    )


def mentions(text: str) -> set[str]:
    """Handles mentioned as @handle (outside code is not distinguished; harmless)."""
    return {m.lower().rstrip(".") for m in MENTION.findall(text or "")}
