"""Actors: the public directory (filters, map, table), an organisation's page, registering and
editing organisations, adding members."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from regionatlas.platform import actors
from regionatlas.platform.models import ORGANISATION_KINDS
from regionatlas.web.platform.deps import CtxDep
from regionatlas.web.platform.maps import feature_collection, known_unit, point_feature, unit_point

router = APIRouter()
P = "/{lang}/platform/actors"
FIELDS = ("name", "kind", "ags", "website", "contact_email", "contact_phone", "description")


def _fields(ctx) -> dict[str, str]:
    return {
        f: ctx.field(f, required=False, max_len=5000 if f == "description" else 300) for f in FIELDS
    }


@router.get(P + "/")
def directory(ctx: CtxDep, kind: str = "", district: str = "", q: str = ""):
    if (hit := ctx.cached()) is not None:
        return hit
    atlas = ctx.request.app.state.atlas
    orgs = actors.directory(
        ctx.s, kind=kind[:40] or None, district=district[:5] or None, q=q[:100] or None
    )
    names = atlas.names()
    districts = sorted(
        (a, n) for a, n in names.items() if len(a) == 5 and atlas.unit(a).get("level") == "kreis"
    )
    query = "&".join(f"{k}={v}" for k, v in (("kind", kind), ("district", district)) if v)
    return ctx.render(
        "actors.html",
        "platform/actors/",
        cache=True,
        orgs=orgs,
        names=names,
        kinds=ORGANISATION_KINDS,
        kind=kind,
        district=district,
        q=q,
        districts=districts,
        # relative: the page also works below a sub-path and in the static export
        config={"points": f"map.geojson?{query}" if query else "map.geojson"},
    )


@router.get(P + "/map.geojson")
def directory_points(ctx: CtxDep, kind: str = "", district: str = ""):
    atlas = ctx.request.app.state.atlas
    features = []
    for org in actors.directory(ctx.s, kind=kind[:40] or None, district=district[:5] or None):
        pt = unit_point(atlas, org.ags)
        if pt:
            features.append(
                point_feature(pt, label=org.name, kind=org.kind, id=org.id, status="organisation")
            )
    return ctx.finish(JSONResponse(feature_collection(features)))


@router.get(P + "/new")
def new_form(ctx: CtxDep):
    ctx.require_login()
    return ctx.render("actor_form.html", "platform/actors/new", org=None, kinds=ORGANISATION_KINDS)


@router.post(P + "/new")
def create(ctx: CtxDep):
    account = ctx.require_login()
    clean = actors.validate(_fields(ctx), known_unit(ctx.request.app.state.atlas))
    org = actors.create(ctx.s, account, clean)
    return ctx.redirect(f"actors/{org.id}/")


@router.get(P + "/{org_id}/")
def organisation(org_id: int, ctx: CtxDep):
    if (hit := ctx.cached()) is not None:
        return hit
    org = actors.get(ctx.s, org_id)
    atlas = ctx.request.app.state.atlas
    members = actors.members(ctx.s, org.id)
    can_edit = ctx.account is not None and (
        ctx.account.is_admin or any(m.id == ctx.account.id for m in members)
    )
    return ctx.render(
        "actor.html",
        f"platform/actors/{org.id}/",
        cache=True,
        org=org,
        members=members,
        unit_name=atlas.names().get(org.ags, org.ags),
        can_edit=can_edit,
        kinds=ORGANISATION_KINDS,
    )


@router.post(P + "/{org_id}/")
def edit(org_id: int, ctx: CtxDep):
    account = ctx.require_login()
    org = actors.get(ctx.s, org_id)
    from regionatlas.platform import permissions

    permissions.require_edit_organisation(ctx.s, account, org.id)
    clean = actors.validate(_fields(ctx), known_unit(ctx.request.app.state.atlas))
    actors.update(ctx.s, account, org, clean)
    return ctx.redirect(f"actors/{org.id}/")


@router.post(P + "/{org_id}/members")
def add_member(org_id: int, ctx: CtxDep):
    account = ctx.require_login()
    org = actors.get(ctx.s, org_id)
    actors.add_member(ctx.s, account, org, ctx.field("email", max_len=254))
    return ctx.redirect(f"actors/{org.id}/")
