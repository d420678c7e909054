"""Deterministic SYNTHETIC survey responses drawn from the region's own data with noise –
for demos, tests and benchmarks, never for conclusions. Same inputs and seed, same answers.

Firms sit in municipalities in proportion to the jobs there (measured inflows incl. own
residents; population where no flows are known); the staff catchment is the measured
origin distribution into that municipality with Dirichlet noise, rounded to 5 %; cross-border
partners are mostly places with the strongest measured commuter links across the state
border. Municipalities name their strongest measured destinations (with a chance of a
swap). Sector, size, scales and interests are drawn from flat or fixed synthetic weights
(``SECTOR_WEIGHTS``: a modelling assumption of this generator, not a statistic).

Every response's meta carries ``seed = "synthetic"`` and ids ``synth-…``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from regionatlas.platform.surveys.questionnaire import Questionnaire

# synthetic weights for the WZ sections (assumption of the generator, not data)
SECTOR_WEIGHTS = {"C": 4, "F": 3, "G": 4, "H": 2, "I": 2, "J": 1, "M": 2, "N": 1, "Q": 3, "S": 1}
SYNTH_COMMENT = {"de": "Synthetische Antwort Nr. {i}", "en": "Synthetic response no. {i}"}


def _pick(rng: np.random.Generator, items: list[str], weights: np.ndarray) -> str:
    w = np.asarray(weights, dtype=float)
    w = w / w.sum() if w.sum() > 0 else np.full(len(items), 1 / len(items))
    return items[int(rng.choice(len(items), p=w))]


class _Region:
    """The region's places and flows as lookups (built once per call)."""

    def __init__(self, places: pd.DataFrame, flows: pd.DataFrame) -> None:
        self.ags = [str(a) for a in places.index]
        known = set(self.ags)
        f = flows[flows["persons"].notna()]
        f = pd.DataFrame(
            {
                "o": f["origin"].astype(str).to_numpy(),
                "d": f["destination"].astype(str).to_numpy(),
                "p": f["persons"].astype(float).to_numpy(),
            }
        )
        f = f[f["o"].isin(known) & f["d"].isin(known) & (f["p"] > 0)]
        f = f.groupby(["o", "d"], as_index=False)["p"].sum()
        self.pop = places["population"].fillna(0).to_numpy(dtype=float)
        jobs = f.groupby("d")["p"].sum().reindex(self.ags, fill_value=0.0).to_numpy()
        self.job_weight = np.where(jobs > 0, jobs, self.pop) if jobs.sum() > 0 else self.pop
        self.cum_pop = np.cumsum(self.pop) / self.pop.sum()
        self.state = dict(zip(self.ags, places["state"].astype(str), strict=True))
        self.inflow_total = f.groupby("d")["p"].sum().to_dict()
        ins = f.sort_values(["d", "p", "o"], ascending=[True, False, True])
        self.ins = {d: (list(g["o"]), g["p"].to_numpy()) for d, g in ins.groupby("d", sort=False)}
        outs = f[f["o"] != f["d"]].sort_values(["o", "p", "d"], ascending=[True, False, True])
        self.outs = {o: list(g["d"]) for o, g in outs.groupby("o", sort=False)}
        both = pd.concat([f, f.rename(columns={"o": "d", "d": "o"})], ignore_index=True)
        both = both[both["o"] != both["d"]].groupby(["o", "d"], as_index=False)["p"].sum()
        both["cross"] = [
            self.state[o] != self.state[d] for o, d in zip(both["o"], both["d"], strict=True)
        ]
        both = both[both["cross"]].sort_values(["o", "p", "d"], ascending=[True, False, True])
        self.cross = {o: list(g["d"]) for o, g in both.groupby("o", sort=False)}

    def top_in(self, d: str, k: int) -> tuple[list[str], np.ndarray]:
        origins, persons = self.ins.get(d, ([], np.zeros(0)))
        return origins[:k], persons[:k]

    def top_out(self, o: str, k: int) -> list[str]:
        return list(self.outs.get(o, [])[:k])

    def cross_border(self, o: str, k: int) -> list[str]:
        return list(self.cross.get(o, [])[:k])

    def by_population(self, rng: np.random.Generator) -> str:
        return self.ags[
            int(
                np.searchsorted(self.cum_pop, rng.random(), side="right").clip(0, len(self.ags) - 1)
            )
        ]


def _places(rng: np.random.Generator, reg: _Region, k: int) -> list[dict[str, Any]]:
    chosen: list[str] = []
    while len(chosen) < k:
        a = reg.by_population(rng)
        if a not in chosen:
            chosen.append(a)
    return [{"ags": a, "share": None} for a in chosen]


def _firm(rng: np.random.Generator, reg: _Region, qn: Questionnaire, i: int) -> tuple[dict, dict]:
    loc = _pick(rng, reg.ags, reg.job_weight)
    sectors = list(SECTOR_WEIGHTS)
    a: dict[str, Any] = {
        "LOC": [{"ags": loc, "share": None}],
        "SECTOR": _pick(rng, sectors, np.array(list(SECTOR_WEIGHTS.values()), float)),
        "SIZE": _pick(rng, ["S1", "S2", "S3", "S4"], np.array([6, 3, 1.5, 0.5])),
        "HANDW": "Y" if rng.random() < 0.3 else "N",
        "SHORT": int(rng.integers(1, 6)),
        "REMOTE": int(rng.integers(0, 13)) * 5,
    }
    origins, persons = reg.top_in(loc, 5)
    if len(origins):
        noisy = rng.dirichlet(persons / persons.sum() * 20 + 0.5)
        covered = persons.sum() / reg.inflow_total[loc] + rng.normal(0, 0.05)
        covered = float(min(0.95, max(0.05, covered)))
        shares = [round(s * covered * 100 / 5) * 5 for s in noisy]
        staff = [{"ags": o, "share": s} for o, s in zip(origins, shares, strict=True) if s > 0]
        if staff and sum(s["share"] for s in staff) <= 100:
            a["STAFF"] = staff
    a["CUST"] = _places(rng, reg, int(rng.integers(1, 4)))
    a["SUPPL"] = _places(rng, reg, int(rng.integers(0, 3))) or None
    if a["SHORT"] >= 4:
        a["SHORTWHO"] = sorted(
            set(str(x) for x in rng.choice(["CRAFT", "IT", "ENG", "CARE", "LOG"], 2))
        )
    interest = [c for c in ("CW", "SAT", "RIDE") if rng.random() < 0.35]
    if interest:
        a["INTEREST"] = interest
    partners = reg.cross_border(loc, 3)
    if partners and rng.random() < 0.6:
        a["COOP"] = "Y"
        chosen = partners[: int(rng.integers(1, len(partners) + 1))]
        if rng.random() < 0.2:  # noise: a place without a measured link
            other = [x for x in reg.ags if reg.state[x] != reg.state[loc] and x not in chosen]
            if other:
                chosen = [*chosen, other[int(rng.integers(len(other)))]]
        a["COOPWHO"] = [{"ags": x, "share": None} for x in chosen]
    else:
        a["COOP"] = "N"
    texts = {"COMMENT": SYNTH_COMMENT["de"].format(i=i)} if i % 10 == 0 else {}
    return {k: v for k, v in a.items() if v is not None}, texts


def _municipality(
    rng: np.random.Generator, reg: _Region, qn: Questionnaire, i: int
) -> tuple[dict, dict]:
    muni = reg.ags[(i - 1) % len(reg.ags)] if i <= len(reg.ags) else reg.by_population(rng)
    a: dict[str, Any] = {"MUNI": [{"ags": muni, "share": None}]}
    work = reg.top_out(muni, 3) or [x["ags"] for x in _places(rng, reg, 1) if x["ags"] != muni]
    if len(work) > 1 and rng.random() < 0.25:
        work[0], work[1] = work[1], work[0]
    if rng.random() < 0.15:
        work = work[:-1] + [x["ags"] for x in _places(rng, reg, 1)]
    work = list(dict.fromkeys(w for w in work if w != muni))[:3]
    if not work:
        work = [a for a in reg.ags if a != muni][:1]
    a["WORK"] = [{"ags": w, "share": None} for w in work]
    a["SHOP"] = [{"ags": w, "share": None} for w in work[:2]]
    a["SERV"] = [{"ags": w, "share": None} for w in work[:1]]
    partners = reg.cross_border(muni, 2)
    if partners:
        a["PARTNER"] = [{"ags": p, "share": None} for p in partners]
    a["SITES"] = "Y" if rng.random() < 0.4 else "N"
    if a["SITES"] == "Y":
        a["SITEHA"] = float(int(rng.integers(1, 40)))
    needs = ["NET", "PT", "HOUSE", "STAFF", "CHILD", "HEAL"]
    a["NEEDS"] = [str(x) for x in rng.permutation(needs)[:3]]
    a["CPVIEW"] = _pick(rng, ["FIT", "LOW", "HIGH", "NONE"], np.array([5, 3, 1, 1]))
    return a, {}


def responses(
    qn: Questionnaire,
    places: pd.DataFrame,
    flows: pd.DataFrame,
    n: int,
    seed: int,
) -> list[tuple[dict[str, str], dict[str, Any], dict[str, str]]]:
    """``n`` synthetic (meta, answers, texts) for the firms or municipalities questionnaire.

    ``places``: index ags with columns state, population; ``flows``: origin, destination,
    persons (the region's municipal flows, official or modelled)."""
    if qn.id not in ("firms", "municipalities"):
        raise ValueError(f"no synthetic generator for questionnaire {qn.id!r}")
    rng = np.random.default_rng(seed)
    reg = _Region(places, flows)
    make = _firm if qn.id == "firms" else _municipality
    out = []
    for i in range(1, n + 1):
        answers, texts = make(rng, reg, qn, i)
        meta = {
            "id": f"synth-{i}",
            "token": "",
            "submitdate": "1980-01-01 00:00:00",
            "lastpage": "1",
            "startlanguage": "de",
            "seed": "synthetic",
        }
        out.append((meta, answers, texts))
    return out
