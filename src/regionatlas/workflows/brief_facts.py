"""The region-wide inputs of every Argumentationshilfe, computed once per store state (#14).

A brief needs a few region-wide analyses — municipal flows, labour-market areas, central
places, the example scenarios — that take seconds of CPU, while the brief itself is a few
lookups. ``compute_facts`` runs them and keeps only what the brief sections read (the
region's units, the key indicators' latest values, the district flows that touch the region,
LMA membership and statistics, central-place rows, scenario changes per municipality) as
one JSON payload. ``refresh_facts`` saves it next to the store (``cache/brief-facts.json``)
after every build and import; ``load_or_compute_facts`` reads that file when it belongs to
the store's batches, the region and this code (milliseconds), else recomputes and writes it
back. Every brief is built from the payload read back from JSON, so a fresh and a saved
payload give the same brief, byte for byte.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from dataclasses import asdict, dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd

from regionatlas.analysis.monitoring import OFFICIAL, SYNTHETIC
from regionatlas.errors import NotFoundError, ParameterError, RegionAtlasError
from regionatlas.region import Region
from regionatlas.workflows.monitoring import batch_bases, cache_path, write_cache

FACTS_NAME = "brief-facts.json"
FACTS_VERSION = 1  # bump when the payload changes shape
KEY_INDICATORS = (
    "population",
    "density",
    "share_female",
    "employed_residents",
    "jobs",
    "out_commuters",
    "in_commuters",
    "commuter_balance",
    "in_out_ratio",
    "job_centrality",
)
# the packages whose code shapes the facts: a change there makes saved facts stale
_CODE_PACKAGES = ("regionatlas.analysis", "regionatlas.workflows", "regionatlas.indicators")
_DATA_DIRS = ("scenarios", "central-places")
_DATA_FILES = ("scenario-parameters.toml", "indicator-catalogue.toml")


@dataclass
class LmaFacts:
    """Labour-market areas of the region's municipalities (default parameters)."""

    assignment: pd.DataFrame  # index ags: lma, lma_status
    stats: pd.DataFrame  # cluster, main_centre, residents, jobs, sc_supply_side, sc_demand_side
    basis: str
    note: str
    period: str | None
    attribution: list[str]


@dataclass
class CentralFacts:
    """Designated vs functional central places of the region's municipalities."""

    places: pd.DataFrame
    basis: str
    note: str
    period: str | None
    attribution: list[str]


@dataclass
class BriefFacts:
    units: pd.DataFrame  # index ags: ags, name, level, as_of
    observations: pd.DataFrame  # index (ags, indicator): period, value, flag, batch_id
    flow_period: str | None
    kreis_flows: pd.DataFrame  # district flows with an end in the region
    flow_source: tuple[str, str, str | None]  # attribution, basis, vintage of those flows
    functional: LmaFacts | None
    central: CentralFacts | None
    scenarios: list[dict[str, Any]] | None  # None: not computed (briefs without scenarios)


# ------------------------------------------------------------------ frames as JSON


def _plain(v: Any) -> Any:
    if v is None or v is pd.NA or (isinstance(v, float) and v != v):
        return None
    return v


def frame_json(df: pd.DataFrame) -> dict[str, Any]:
    """A frame as JSON types (missing values null) with its dtypes, exactly restorable."""
    cols = [str(c) for c in df.columns]
    data = [[_plain(v) for v in df[c].tolist()] for c in df.columns]
    return {"columns": cols, "dtypes": [str(t) for t in df.dtypes], "data": data}


def json_frame(d: dict[str, Any]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            c: pd.Series(v, dtype=t)
            for c, v, t in zip(d["columns"], d["data"], d["dtypes"], strict=True)
        }
    )


# ------------------------------------------------------------------ computing


def _flow_basis(store: Any, region: Region):
    from regionatlas.workflows import municipal_flows
    from regionatlas.workflows.assumptions import national_employment_rate

    return municipal_flows(store, region, employment_rate=national_employment_rate().value)


def _functional(store: Any, region: Region, fb: Any) -> dict[str, Any] | None:
    from regionatlas.analysis.lma_params import DEFAULT_LMA
    from regionatlas.workflows import functional_regions

    try:
        fr = functional_regions(store, region, DEFAULT_LMA, flows=fb)
    except (NotFoundError, ParameterError):
        return None
    a = fr.assignment[["lma", "lma_status"]]
    a = a.assign(ags=[str(x) for x in a.index])[["ags", "lma", "lma_status"]]
    cols = ["cluster", "main_centre", "residents", "jobs", "sc_supply_side", "sc_demand_side"]
    return {"assignment": frame_json(a), "stats": frame_json(fr.lma.stats[cols]),
            "basis": fr.basis, "note": fr.note, "period": fr.period,
            "attribution": list(fr.attribution)}  # fmt: skip


def _central(store: Any, region: Region, fb: Any) -> dict[str, Any] | None:
    from regionatlas.workflows import central_places

    try:
        cp = central_places(store, region, flows=fb)
    except (NotFoundError, ParameterError):
        return None
    cols = ["ags", "name", "category", "source", "designated_level", "functional_level",
            "deviation", "assessable", "assessment"]  # fmt: skip
    return {"places": frame_json(cp.comparison.places[cols]), "basis": cp.basis,
            "note": cp.note, "period": cp.period, "attribution": list(cp.attribution)}  # fmt: skip


def _scenarios(store: Any, region: Region) -> list[dict[str, Any]]:
    """Each example scenario run once: name, file, basis, period, changes per municipality."""
    from regionatlas.analysis.scenarios.engine import run_scenario
    from regionatlas.workflows.scenarios import (
        context_from_store,
        load_definition,
        load_parameters,
    )
    from regionatlas.workflows.scenarios.files import EXAMPLES_DIR

    files = sorted(EXAMPLES_DIR.glob("*.toml"))
    if not files:
        return []
    try:
        ctx = context_from_store(store, region)
    except RegionAtlasError:  # e.g. a store without flows: no scenario results
        return []
    params = load_parameters(None)
    out = []
    for f in files:
        try:
            definition = load_definition(f)
            if definition.region not in (None, region.id):
                continue
            res = run_scenario(definition, ctx, params)
        except RegionAtlasError:
            continue
        bm = res.by_municipality[["ags", "commuter_km_day_change", "co2_t_year_change"]]
        out.append({"name": res.definition.name, "file": f.name, "basis": res.estimate_basis,
                    "period": res.period, "by_municipality": frame_json(bm)})  # fmt: skip
    return out


def _flow_source(flows: pd.DataFrame, batches: dict[int, Any], bases: dict[int, str]):
    ids = flows["batch_id"].dropna().astype(int).unique()
    basis = SYNTHETIC if SYNTHETIC in {bases.get(int(i), OFFICIAL) for i in ids} else OFFICIAL
    attr = next((batches[int(i)].attribution for i in ids if int(i) in batches), "")
    vintage = next((batches[int(i)].vintage for i in ids if int(i) in batches), None)
    return [attr, basis, vintage]


def compute_facts(store: Any, region: Region, with_scenarios: bool = True) -> dict[str, Any]:
    """The region-wide brief inputs as one JSON-able payload (seconds of CPU)."""
    inside = region.all_district_codes
    u = store.units()
    u = u.assign(ags=u["ags"].astype(str))
    u = u[(u["level"] != "gemeinde") | u["ags"].str[:5].isin(inside)]
    o = store.observations(indicators=list(KEY_INDICATORS))
    o = o.assign(ags=o["ags"].astype(str)).sort_values("period", kind="stable")
    o = o.drop_duplicates(["ags", "indicator"], keep="last")
    o = o[(o["ags"].str.len() <= 2) | o["ags"].str[:5].isin(inside)]
    periods = store.periods("flow")
    flow_period = periods[-1] if periods else None
    batches = {b.id: b for b in store.batches()}
    bases = batch_bases(store)
    fcols = ["origin", "destination", "persons", "flag", "batch_id"]
    if flow_period is None:
        kf = pd.DataFrame({c: pd.Series(dtype="object") for c in fcols})
    else:
        kf = store.flows(level="kreis", period=flow_period)
        kf = kf.assign(origin=kf["origin"].astype(str), destination=kf["destination"].astype(str))
    source = _flow_source(kf, batches, bases)
    kf = kf[kf["origin"].isin(inside) | kf["destination"].isin(inside)][fcols]
    fb = _flow_basis(store, region)
    return {
        "facts_version": FACTS_VERSION,
        "store_version": sorted(batches),
        "region": region.id,
        "digest": inputs_digest(region),
        "units": frame_json(u[["ags", "name", "level", "as_of"]]),
        "observations": frame_json(o[["ags", "indicator", "period", "value", "flag", "batch_id"]]),
        "flow_period": flow_period,
        "kreis_flows": frame_json(kf),
        "flow_source": source,
        "functional": _functional(store, region, fb),
        "central": _central(store, region, fb),
        "scenarios": _scenarios(store, region) if with_scenarios else None,
    }


def facts_from_payload(p: dict[str, Any]) -> BriefFacts:
    units = json_frame(p["units"])
    kf = json_frame(p["kreis_flows"])
    kf = kf.assign(o_state=kf["origin"].str[:2], d_state=kf["destination"].str[:2])
    fn = p["functional"]
    functional = None
    if fn is not None:
        assignment = json_frame(fn["assignment"]).set_index("ags")
        functional = LmaFacts(assignment, json_frame(fn["stats"]), fn["basis"], fn["note"],
                              fn["period"], fn["attribution"])  # fmt: skip
    cp = p["central"]
    central = None if cp is None else CentralFacts(
        json_frame(cp["places"]), cp["basis"], cp["note"], cp["period"], cp["attribution"]
    )  # fmt: skip
    scenarios = None
    if p["scenarios"] is not None:
        scenarios = [
            {**s, "by_municipality": json_frame(s["by_municipality"]).set_index("ags")}
            for s in p["scenarios"]
        ]
    return BriefFacts(
        units=units.set_index("ags", drop=False),
        observations=json_frame(p["observations"]).set_index(["ags", "indicator"]),
        flow_period=p["flow_period"],
        kreis_flows=kf,
        flow_source=(p["flow_source"][0], p["flow_source"][1], p["flow_source"][2]),
        functional=functional,
        central=central,
        scenarios=scenarios,
    )


# ------------------------------------------------------------------ saved next to the store


@lru_cache(maxsize=1)
def _code_digest() -> str:
    h = hashlib.sha256()
    for pkg in _CODE_PACKAGES:
        root = resources.files(pkg)
        for f in sorted(Path(str(root)).rglob("*.py")):
            h.update(f.name.encode() + b"\0" + f.read_bytes())
    data = resources.files("regionatlas.data")
    for name in _DATA_DIRS:
        for f in sorted(Path(str(data / name)).rglob("*")):
            if f.is_file():
                h.update(f.name.encode() + b"\0" + f.read_bytes())
    for name in _DATA_FILES:
        h.update((data / name).read_bytes())
    return h.hexdigest()


def inputs_digest(region: Region) -> str:
    """What besides the store's batches decides the facts: the region (without file paths)
    and the code and shipped data of the analyses."""
    reg = {k: v for k, v in asdict(region).items() if k not in ("file", "source_files")}
    text = json.dumps(reg, sort_keys=True, default=str)
    return hashlib.sha256((text + _code_digest()).encode()).hexdigest()[:16]


def facts_path(store_url: str, cache_dir: Path | None = None) -> Path:
    return cache_path(store_url, cache_dir).with_name(FACTS_NAME)


def _fits(saved: dict[str, Any], store: Any, region: Region, with_scenarios: bool) -> bool:
    return (
        saved.get("facts_version") == FACTS_VERSION
        and saved.get("store_version") == sorted(b.id for b in store.batches())
        and saved.get("region") == region.id
        and saved.get("digest") == inputs_digest(region)
        and (saved.get("scenarios") is not None or not with_scenarios)
    )


def _roundtrip(payload: dict[str, Any]) -> dict[str, Any]:
    return json.loads(json.dumps(payload, ensure_ascii=False, allow_nan=False))


def refresh_facts(store: Any, region: Region, cache_dir: Path | None = None) -> dict[str, Any]:
    """The build/import hook: recompute the facts unless the saved ones still fit, and save."""
    return load_or_compute_facts(store, region, cache_dir)


def load_or_compute_facts(
    store: Any, region: Region, cache_dir: Path | None = None, with_scenarios: bool = True
) -> dict[str, Any]:
    """The saved payload when it belongs to the store's batches, the region and this code,
    else a fresh one (written back; a read-only cache folder is no error)."""
    path = facts_path(store.url, cache_dir)
    try:
        saved = json.loads(path.read_text(encoding="utf-8"))
        if _fits(saved, store, region, with_scenarios):
            return saved
    except (OSError, ValueError):
        pass
    payload = _roundtrip(compute_facts(store, region, with_scenarios))
    with contextlib.suppress(OSError):
        write_cache(payload, path)
    return payload
