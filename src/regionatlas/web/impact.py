"""The atlas' read model for issue #14 (goals, interventions, toolbox, briefs): the
workflows' results cached in the Atlas per store state (a new import drops them)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from regionatlas.errors import NotFoundError

if TYPE_CHECKING:
    from regionatlas.web.atlas import Atlas


def region(atlas: Atlas):
    """The Region of the atlas (NotFoundError when it runs without one)."""
    path = getattr(atlas, "region_file", None)
    if path is None:
        raise NotFoundError("the atlas runs without a region: no goals and no briefs")

    def compute():
        from regionatlas.region import load_region

        return load_region(path)

    return atlas.cached(("impact", "region"), compute)


def content(atlas: Atlas):
    """The goals and interventions: the reviewed files, and when the platform is mounted,
    those edited there with the forum's evaluations (read per request: a few small rows)."""
    from regionatlas.workflows.monitoring import load_content

    db = getattr(atlas, "platform_db", None)
    if db is None:
        return atlas.cached(("impact", "content"), load_content)
    with db.session() as s:
        return load_content(session=s)


def monitoring(atlas: Atlas) -> dict[str, Any]:
    """Goals and interventions with their computed progress (saved next to the store by the
    build/import hook; recomputed here when that file belongs to another store state or
    other content)."""
    c = content(atlas)

    def compute() -> dict[str, Any]:
        from regionatlas.workflows.monitoring import load_or_recompute

        return load_or_recompute(atlas.store, region(atlas), atlas.cache_dir, c)

    return atlas.cached(("impact", "monitoring", c.digest), compute)


def goal(atlas: Atlas, goal_id: str) -> dict[str, Any]:
    for g in monitoring(atlas)["goals"]:
        if g["id"] == goal_id:
            return g
    raise NotFoundError(f"unknown goal {goal_id!r}", value=goal_id, expected="an id of goals.json")


def brief_context(atlas: Atlas):
    def compute():
        from regionatlas.workflows.briefs import BriefContext

        ctx = BriefContext(atlas.store, region(atlas), cache_dir=atlas.cache_dir)
        ctx.__dict__["monitoring"] = monitoring(atlas)  # share the cached payload
        return ctx

    return atlas.cached(("impact", "brief_context", content(atlas).digest), compute)


def unit_brief(atlas: Atlas, ags: str) -> dict[str, Any]:
    from regionatlas.workflows import briefs

    return atlas.cached(
        ("impact", "brief", ags, content(atlas).digest),
        lambda: briefs.unit_brief(brief_context(atlas), ags),
    )


def corridor_brief(atlas: Atlas, a: str, b: str) -> dict[str, Any]:
    from regionatlas.workflows import briefs

    return atlas.cached(
        ("impact", "corridor", a, b, content(atlas).digest),
        lambda: briefs.corridor_brief(brief_context(atlas), a, b),
    )


def lma_brief(atlas: Atlas, lma_id: int) -> dict[str, Any]:
    from regionatlas.workflows import briefs

    return atlas.cached(
        ("impact", "lma", lma_id, content(atlas).digest),
        lambda: briefs.lma_brief(brief_context(atlas), lma_id),
    )
