"""DKZ portal: offers, the map of co-working spaces and satellite offices (existing ones
entered by editors; proposed ones from the scenario lab's site choice, modelled), contact."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from regionatlas.platform import dkz
from regionatlas.platform.models import OFFER_KINDS, SITE_KINDS, Offer, Site
from regionatlas.web.platform.deps import CtxDep
from regionatlas.web.platform.maps import feature_collection, known_unit, point_feature, unit_point

if TYPE_CHECKING:
    from regionatlas.web.atlas import Atlas

router = APIRouter()
P = "/{lang}/platform/dkz"
SITE_SCENARIO = "satellite-offices-hubs"  # example scenario of the scenario lab (scenarios/)
log = logging.getLogger("regionatlas.platform")


def proposed_sites(atlas: Atlas) -> dict[str, Any]:
    """The site choice of the scenario lab's example scenario (modelled), or why there is none."""
    try:
        from regionatlas.web.api.scenarios import ScenarioRequest, run, scenario_context

        # the example chooses 10 sites; a small region (or test store) has fewer places
        places = len(scenario_context(atlas).units)
        k = max(1, min(10, places // 2))
        req = ScenarioRequest(id=SITE_SCENARIO, levers={"satellite_offices": {"k": k}})
        result = run(atlas, req)
    except Exception as exc:  # no region, no flows, unknown scenario: say so on the page
        log.info("no proposed DKZ sites: %s", exc)
        return {"sites": [], "basis": None, "error": str(getattr(exc, "message", exc))}
    table = result.tables.get("satellite_offices.sites")
    rows = [] if table is None else table.to_dict("records")
    return {
        "sites": [
            {
                "ags": str(r["ags"]),
                "name": str(r["name"]),
                "persons_per_day": float(r["persons_per_day"]),
                "saved_km_day": float(r["saved_km_day"]),
            }
            for r in rows
        ],
        "basis": result.estimate_basis,
        "k": k,
        "period": result.period,
        "error": None,
    }


def _proposed(ctx) -> dict[str, Any]:
    atlas = ctx.request.app.state.atlas
    return atlas.cached("dkz_proposed_sites", lambda: proposed_sites(atlas))


@router.get(P + "/")
def dkz_home(ctx: CtxDep, kind: str = ""):
    offers = dkz.offers(ctx.s)
    if kind in OFFER_KINDS:
        offers = [o for o in offers if o.kind == kind]
    return ctx.render(
        "dkz.html",
        "platform/dkz/",
        offers=offers,
        kinds=OFFER_KINDS,
        kind=kind,
        editor=_is_editor(ctx),
    )


def _is_editor(ctx) -> bool:
    try:
        dkz.require_dkz_editor(ctx.s, ctx.account)
        return True
    except Exception:
        return False


@router.get(P + "/sites/")
def sites_page(ctx: CtxDep):
    atlas = ctx.request.app.state.atlas
    return ctx.render(
        "dkz_sites.html",
        "platform/dkz/sites/",
        sites=dkz.sites(ctx.s),
        proposed=_proposed(ctx),
        names=atlas.names(),
        kinds=SITE_KINDS,
        editor=_is_editor(ctx),
        config={"points": "../sites.geojson"},  # relative (sub-path, static export)
    )


@router.get(P + "/sites.geojson")
def sites_points(ctx: CtxDep):
    atlas = ctx.request.app.state.atlas
    features = []
    for site in dkz.sites(ctx.s):
        pt = (
            (site.lon, site.lat)
            if site.lon is not None and site.lat is not None
            else unit_point(atlas, site.ags)
        )
        if pt:
            features.append(point_feature(pt, label=site.name, kind=site.kind, status="existing"))
    for p in _proposed(ctx)["sites"]:
        pt = unit_point(atlas, p["ags"])
        if pt:
            label = (
                f"{p['name']}: {p['saved_km_day']:.0f} km/day saved (modelled)"
                if ctx.lang == "en"
                else f"{p['name']}: {p['saved_km_day']:.0f} Pendel-km/Tag gespart (modelliert)"
            )
            features.append(
                point_feature(
                    pt,
                    label=label,
                    status="proposed",
                    modelled=True,
                    saved_km_day=round(p["saved_km_day"], 1),
                )
            )
    return ctx.finish(JSONResponse(feature_collection(features)))


@router.post(P + "/offers")
def add_offer(ctx: CtxDep):
    dkz.require_dkz_editor(ctx.s, ctx.account)
    fields = {
        f: ctx.field(f, required=False, max_len=5000)
        for f in ("kind", "title", "provider", "audience", "dates", "description", "contact")
    }
    ctx.s.add(Offer(**dkz.validate_offer(fields)))
    return ctx.redirect("dkz/")


@router.post(P + "/offers/{offer_id}/delete")
def delete_offer(offer_id: int, ctx: CtxDep):
    dkz.require_dkz_editor(ctx.s, ctx.account)
    ctx.s.delete(dkz.get_offer(ctx.s, offer_id))
    return ctx.redirect("dkz/")


@router.post(P + "/sites")
def add_site(ctx: CtxDep):
    dkz.require_dkz_editor(ctx.s, ctx.account)
    fields = {
        f: ctx.field(f, required=False, max_len=300)
        for f in ("kind", "name", "ags", "address", "website")
    }
    clean = dkz.validate_site(fields, known_unit(ctx.request.app.state.atlas))
    ctx.s.add(Site(**clean))
    return ctx.redirect("dkz/sites/")


@router.get(P + "/contact/")
def contact(ctx: CtxDep):
    return ctx.render("dkz_contact.html", "platform/dkz/contact/")


@router.post(P + "/contact/")
def contact_send(ctx: CtxDep):
    """A message to the DKZ team (the platform's administrators), by e-mail."""
    from sqlalchemy import select

    from regionatlas.platform.accounts import normal_email
    from regionatlas.platform.models import Account

    name = ctx.field("name", max_len=120)
    email = normal_email(ctx.field("email", max_len=254))
    message = ctx.field("message", max_len=5000)
    from regionatlas.platform import throttle

    throttle.check_and_record(ctx.s, "contact", email, ctx.ip)  # 429 before any mail
    admins = list(
        ctx.s.scalars(select(Account).where(Account.role == "admin", Account.active.is_(True)))
    )
    for admin in admins:
        ctx.platform.mailer.send(
            admin.email,
            f"DKZ-Kontakt / contact: {name}",
            f"Von / from: {name} <{email}>\n\n{message}\n",
        )
    return ctx.render("dkz_contact.html", "platform/dkz/contact/", sent=True)
