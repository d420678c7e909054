"""The Werkzeugkasten (toolbox) pages: the filterable catalogue and one page per entry."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

from fastapi import APIRouter, Path, Query

from regionatlas.errors import NotFoundError
from regionatlas.web.api.deps import AtlasDep
from regionatlas.web.pages.render import check_lang, html, page
from regionatlas.workflows.toolkit import EFFORTS, STAGES, filter_entries, load_toolkit

if TYPE_CHECKING:
    from regionatlas.web.atlas import Atlas

router = APIRouter()
ToolId = Annotated[str, Path(pattern=r"^[a-z0-9-]{1,60}$")]


def toolkit_page_body(
    atlas: Atlas, lang: str, stage: str = "", effort: str = "", legal: str = ""
) -> str:
    tk = load_toolkit()
    entries = filter_entries(tk, lang, stage or None, effort or None, legal or None)
    return page(
        None, "toolkit.html", lang, "toolkit/", atlas, entries=entries, stages=STAGES,
        efforts=EFFORTS, sel={"stage": stage, "effort": effort, "legal": legal},
    )  # fmt: skip


def toolkit_entry_body(atlas: Atlas, lang: str, tool_id: str) -> str:
    tk = load_toolkit()
    if tool_id not in tk:
        raise NotFoundError(
            f"unknown toolbox entry {tool_id!r}", value=tool_id, expected=", ".join(sorted(tk))
        )
    e = tk[tool_id][lang]
    titles = {k: v[lang].meta["title"] for k, v in tk.items()}
    return page(
        None, "toolkit_entry.html", lang, f"toolkit/{tool_id}/", atlas, e=e, m=e.meta,
        titles=titles,
    )  # fmt: skip


@router.get("/{lang}/toolkit/")
def toolkit_page(
    lang: str,
    atlas: AtlasDep,
    stage: Annotated[str, Query(pattern=r"^[a-z]*$", max_length=20)] = "",
    effort: Annotated[str, Query(pattern=r"^[a-z]*$", max_length=10)] = "",
    legal: Annotated[str, Query(max_length=40)] = "",
):
    return html(toolkit_page_body(atlas, check_lang(lang), stage, effort, legal))


@router.get("/{lang}/toolkit/{tool_id}/")
def toolkit_entry_page(lang: str, tool_id: ToolId, atlas: AtlasDep):
    return html(toolkit_entry_body(atlas, check_lang(lang), tool_id))
