"""Survey workflows: the region's places and measured flows for checking and comparing
answers, synthetic responses, LimeSurvey imports, results with downloads.

The measured side of "perceived vs measured" is the region's municipal commuter flows
(``municipal.municipal_flows``: official where imported, else the labelled modelled
estimate) and, where they can be computed, its labour-market areas
(``functional.functional_regions``).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd

from regionatlas.analysis import surveys as sa
from regionatlas.analysis.lma_params import DEFAULT_LMA
from regionatlas.errors import RegionAtlasError
from regionatlas.platform.db import Database
from regionatlas.platform.surveys import limesurvey, service, synth
from regionatlas.platform.surveys.questionnaire import Questionnaire, shipped
from regionatlas.region import Region
from regionatlas.workflows.basis import Provenance
from regionatlas.workflows.loading import municipalities
from regionatlas.workflows.municipal import municipal_flows

SURVEY_ATTRIBUTION = "Befragung im Rahmen von regionatlas (eigene Erhebung)"
SYNTHETIC_NOTE = "SYNTHETIC responses (generated, not collected): for demonstration only"
SUPPRESSED = "x"  # shown for every cell of fewer than 5 responses


@dataclass
class RegionContext:
    places: pd.DataFrame  # index ags: name, district, state, population
    flows: pd.DataFrame  # origin, destination, persons
    basis: str
    note: str
    attribution: tuple[str, ...]
    lma: pd.Series | None = None
    notes: list[str] = field(default_factory=list)

    @cached_property
    def index(self) -> sa.FlowIndex:
        return sa.FlowIndex.of(self.flows)

    @cached_property
    def pindex(self) -> sa.PlaceIndex:
        return sa.PlaceIndex.of(self.places)


def region_places(store: Any, region: Region) -> pd.DataFrame:
    mun = municipalities(store, region, Provenance())
    return mun[["name", "district", "state", "population"]]


def region_context(store: Any, region: Region, *, with_lma: bool = True) -> RegionContext:
    """The measured side: municipal flows as the web atlas uses them (official where
    imported; else the modelled estimate, with flows within districts from the cited national
    employment rate, ``assumptions.toml``), and the labour-market areas on them."""
    from regionatlas.workflows.assumptions import default_employment_rate

    fb = municipal_flows(store, region, employment_rate=default_employment_rate())
    flows = (
        fb.flows[fb.flows["partner_level"].eq("gemeinde")]
        if "partner_level" in fb.flows
        else fb.flows
    )
    ctx = RegionContext(
        places=fb.municipalities[["name", "district", "state", "population"]],
        flows=flows[["origin", "destination", "persons"]],
        basis=fb.basis,
        note=fb.note,
        attribution=fb.attribution,
    )
    if with_lma:
        try:
            from regionatlas.workflows.functional import functional_regions

            fr = functional_regions(store, region, DEFAULT_LMA, flows=fb)
            ctx.lma = fr.assignment["lma"].astype("float")
        except RegionAtlasError as exc:
            ctx.notes.append(f"labour-market areas not available: {exc.message}")
    return ctx


# ------------------------------------------------------------------------------ synthetic
def synthetic_csv(qn: Questionnaire, ctx: RegionContext, n: int, seed: int) -> str:
    rows = synth.responses(qn, ctx.places, ctx.flows, n, seed)
    return limesurvey.write_csv(qn, rows)


# --------------------------------------------------------------------------------- import
@dataclass
class ImportReport:
    survey: str
    rows: int
    complete: int


def import_limesurvey(
    db: Database,
    places: set[str],
    questionnaire: str,
    data: bytes,
    file: str,
    *,
    survey_slug: str | None = None,
    structure: bytes | None = None,
    structure_file: str = "survey.lss",
    actor_id: int | None = None,
) -> ImportReport:
    """Check the whole file, then import it in one transaction (nothing on any problem).
    The survey ``survey_slug`` (default: the questionnaire id) is created when missing."""
    slug = survey_slug or questionnaire
    with db.session(actor_id=actor_id, note=f"survey import {file}") as s:
        try:
            survey = service.get(s, slug)
        except RegionAtlasError:
            survey = service.create_survey(s, slug, questionnaire)
        qn = service.questionnaire_of(survey)
        if qn.id != questionnaire:
            raise limesurvey.ImportRefused(
                file, [f"survey {slug!r} uses questionnaire {qn.id!r}, not {questionnaire!r}"]
            )
        if structure is not None:
            limesurvey.check_structure(
                limesurvey.read_lss(structure, structure_file), qn, structure_file
            )
        rows = limesurvey.read_csv(data, qn, places, file, service.known_external_ids(s, survey))
        synthetic = bool(rows) and all(r.external_id.startswith("synth-") for r in rows)
        if synthetic:
            survey.synthetic = True
        service.import_rows(s, survey, rows, "synthetic" if synthetic else "import", file)
        return ImportReport(slug, len(rows), sum(r.complete for r in rows))


# -------------------------------------------------------------------------------- results
@dataclass
class SurveyResults:
    survey: str
    title: dict[str, str]
    questionnaire: Questionnaire
    responses: int
    synthetic: bool
    questions: pd.DataFrame
    comparisons: dict[str, sa.Comparison]
    attribution: tuple[str, ...]
    basis: str
    notes: list[str]


def _groupings(qn: Questionnaire, places: pd.DataFrame) -> dict[str, Any]:
    loc = qn.roles.get("location")
    out: dict[str, Any] = {}
    if loc:
        district = places["district"].to_dict()
        state = places["state"].to_dict()

        def where(table: dict[str, str]):
            def key(a: dict[str, Any]) -> str | None:
                v = a.get(loc)
                return table.get(v[0]["ags"]) if v else None

            return key

        out["kreis"] = where(district)
        out["land"] = where(state)
    sector = qn.roles.get("sector")
    if sector:
        out["sector"] = lambda a: a.get(sector)
    return out


def analyse(responses: service.Responses, ctx: RegionContext) -> SurveyResults:
    """All results of one survey (pure apart from the frames handed in)."""
    qn = responses.questionnaire
    answers = responses.answers
    table = sa.tabulate(qn.questions, answers, _groupings(qn, ctx.places))
    comps: dict[str, sa.Comparison] = {}
    roles = qn.roles
    if "location" in roles and "staff" in roles:
        comps["staff_catchment"] = sa.staff_catchment(
            answers, roles["location"], roles["staff"], ctx.index, ctx.pindex
        )
    if "location" in roles and "work" in roles:
        comps.update(
            sa.orientation(
                answers, roles["location"], roles["work"], ctx.index, ctx.pindex, ctx.lma
            )
        )
    if "location" in roles and "partners" in roles:
        comps["cooperation"] = sa.cooperation(
            answers, roles["location"], roles["partners"], ctx.index, ctx.pindex
        )
    for c in comps.values():
        c.basis = ctx.basis
    notes = [f"measured flows: {ctx.basis} – {ctx.note}", *ctx.notes]
    if responses.synthetic:
        notes.insert(0, SYNTHETIC_NOTE)
    return SurveyResults(
        survey=responses.survey.slug,
        title={"de": responses.survey.title_de, "en": responses.survey.title_en},
        questionnaire=qn,
        responses=len(answers),
        synthetic=responses.synthetic,
        questions=table,
        comparisons=comps,
        attribution=(
            SURVEY_ATTRIBUTION + (" – SYNTHETIC" if responses.synthetic else ""),
            *ctx.attribution,
        ),
        basis=ctx.basis,
        notes=notes,
    )


def results_for(db: Database, slug: str, ctx: RegionContext) -> SurveyResults:
    with db.session() as s:
        responses = service.complete_answers(s, service.get(s, slug))
    return analyse(responses, ctx)


# ------------------------------------------------------------------------------ downloads
def _marked(frame: pd.DataFrame, cols: list[str]) -> pd.DataFrame:
    """Suppressed cells as the marker ``x`` (never 0, never empty)."""
    out = frame.astype(object).copy()
    mask = frame["suppressed"].astype(bool)
    for c in cols:
        out.loc[mask, c] = SUPPRESSED
    # the group's size stays where only a cell is suppressed; a group under 5 has none
    out.loc[mask & frame["n"].notna(), "n"] = frame.loc[mask & frame["n"].notna(), "n"]
    return out


def question_frame(res: SurveyResults) -> pd.DataFrame:
    return _marked(res.questions, ["count", "n", "share", "ci_low", "ci_high", "mean"])


def comparison_frame(res: SurveyResults) -> pd.DataFrame:
    parts = []
    for name, c in res.comparisons.items():
        summary = pd.DataFrame([{"area": "all", "level": "all", **c.summary}])
        frame = pd.concat([summary, c.per_area], ignore_index=True)
        frame.insert(0, "comparison", name)
        frame["measure"] = c.measure
        frame["measured_basis"] = c.basis
        parts.append(frame)
    if not parts:
        return pd.DataFrame(columns=["comparison", "area", "level", "n", "agreement", "suppressed"])
    return _marked(pd.concat(parts, ignore_index=True), ["n", "agreement", "ci_low", "ci_high"])


def download(res: SurveyResults, fmt: str) -> bytes:
    """CSV (results then comparisons, each row with attribution) or XLSX (sheets results,
    comparisons, sources)."""
    attribution = "; ".join(res.attribution)
    q = question_frame(res).assign(attribution=attribution)
    c = comparison_frame(res).assign(attribution=attribution)
    if res.synthetic:
        q["note"] = SYNTHETIC_NOTE
        c["note"] = SYNTHETIC_NOTE
    if fmt == "csv":
        buf = io.StringIO()
        q.to_csv(buf, index=False, lineterminator="\n")
        buf.write("\n")
        c.to_csv(buf, index=False, lineterminator="\n")
        return buf.getvalue().encode("utf-8")
    if fmt == "xlsx":
        out = io.BytesIO()
        with pd.ExcelWriter(out, engine="xlsxwriter") as xw:
            q.to_excel(xw, sheet_name="results", index=False)
            c.to_excel(xw, sheet_name="comparisons", index=False)
            sources = pd.DataFrame(
                {"attribution": list(res.attribution), "note": [""] * len(res.attribution)}
            )
            notes = pd.DataFrame({"attribution": [""] * len(res.notes), "note": res.notes})
            pd.concat([sources, notes]).to_excel(xw, sheet_name="sources", index=False)
        return out.getvalue()
    raise limesurvey.ImportRefused(fmt, [f"unknown format {fmt!r}; expected csv or xlsx"])


def write_results(res: SurveyResults, path: Path) -> None:
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in ("csv", "xlsx"):
        from regionatlas.errors import ParameterError

        raise ParameterError(f"unknown output format {path.suffix!r}", expected=".csv or .xlsx")
    path.write_bytes(download(res, fmt))


def shipped_questionnaire(qid: str) -> Questionnaire:
    return shipped(qid)
