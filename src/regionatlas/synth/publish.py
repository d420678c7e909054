"""BA-style publication of commuter flows (pure): what a ``krpend`` sheet shows.

Rules (as the Statistik der Bundesagentur für Arbeit publishes, see docs/formats/krpend.md):

- per block unit (residence on Auspendler sheets, workplace on Einpendler sheets): one
  ``Insgesamt`` row (all flows across the block's border), the self-flow row (partner key =
  block key), one row per partner with at least ``THRESHOLD`` commuters, and ``Übrige …``
  rows pooling the partners below the threshold (per partner Kreis on Gemeinden sheets, per
  partner Regierungsbezirk on Kreise sheets), so that Insgesamt = partners + pooled rows;
- sub-group cells (Männer … Auszubildende) of 1 or 2 persons are shown as ``*``; the
  complementary cell of the pair (Männer/Frauen, Deutsche/Ausländer) is then hidden too;
  ``-`` means none. The Insgesamt column is always a number.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from regionatlas.synth.flows import GROUP_COLUMNS

THRESHOLD = 10  # partners with fewer commuters are pooled
SMALL_CELL = 3  # sub-group cells below this (and above 0) become "*"
VALUE_COLUMNS = ("total", *GROUP_COLUMNS)
SELF_NAME = "Wohnort = Arbeitsort"
TOTAL_NAME = "Insgesamt"

# row kinds, in the order they appear within a block
KIND_TOTAL, KIND_SELF, KIND_PARTNER, KIND_POOLED = 0, 1, 2, 3


@dataclass(frozen=True)
class Sheet:
    """One published sheet: rows in order, values as int (>= 0) plus a marker mask."""

    name: str  # e.g. "Auspendler Gemeinden"
    block_label: str  # "Wohnort" or "Arbeitsort"
    partner_label: str
    rows: pd.DataFrame  # block_key, block_name, partner_key, partner_name, kind, VALUE_COLUMNS
    star: pd.DataFrame  # bool per VALUE_COLUMNS: cell shown as "*"


def kreis_flows(flows: pd.DataFrame) -> pd.DataFrame:
    """Municipal flows summed to district pairs (first five AGS digits)."""
    agg = flows.assign(origin=flows["origin"].str[:5], destination=flows["destination"].str[:5])
    return agg.groupby(["origin", "destination"], as_index=False, sort=True)[
        list(VALUE_COLUMNS)
    ].sum()


def _pool_key(partner: pd.Series, level: str) -> pd.Series:
    if level == "gemeinde":
        return partner.str[:5] + "xxx"
    return partner.str[:3] + "xx"


def _pool_name(pool_key: pd.Series, level: str, kreis_names: dict[str, str]) -> pd.Series:
    if level == "gemeinde":
        return "Übrige Gemeinden des Kreises " + pool_key.str[:5].map(kreis_names)
    return pd.Series("Übrige Kreise (Regierungsbezirk)", index=pool_key.index)


def publish_sheet(
    flows: pd.DataFrame,
    names: dict[str, str],
    kreis_names: dict[str, str],
    *,
    level: str,
    outgoing: bool,
) -> Sheet:
    """The full published sheet for all blocks (callers pick blocks by Land).

    ``flows`` has origin, destination and VALUE_COLUMNS at the sheet's level; ``names``
    maps the level's keys to names.
    """
    block_col, partner_col = ("origin", "destination") if outgoing else ("destination", "origin")
    f = flows.rename(columns={block_col: "block_key", partner_col: "partner_key"})
    cols = list(VALUE_COLUMNS)
    is_self = f["block_key"] == f["partner_key"]
    cross = f[~is_self]
    big = cross["total"] >= THRESHOLD

    total = cross.groupby("block_key", sort=True)[cols].sum()
    all_blocks = pd.Index(sorted(set(f["block_key"])), name="block_key")
    total = total.reindex(all_blocks, fill_value=0).reset_index()
    total["partner_key"] = ""
    total["partner_name"] = TOTAL_NAME
    total["kind"] = KIND_TOTAL

    selfrows = f[is_self].copy()
    selfrows["partner_name"] = SELF_NAME
    selfrows["kind"] = KIND_SELF

    partners = cross[big].copy()
    partners["partner_name"] = partners["partner_key"].map(names)
    partners["kind"] = KIND_PARTNER

    small = cross[~big]
    pooled = (
        small.assign(partner_key=_pool_key(small["partner_key"], level))
        .groupby(["block_key", "partner_key"], as_index=False, sort=True)[cols]
        .sum()
    )
    pooled["partner_name"] = _pool_name(pooled["partner_key"], level, kreis_names)
    pooled["kind"] = KIND_POOLED

    keep = ["block_key", "partner_key", "partner_name", "kind", *cols]
    rows = pd.concat([t[keep] for t in (total, selfrows, partners, pooled)], ignore_index=True)
    rows = rows.sort_values(["block_key", "kind", "partner_key"], ignore_index=True, kind="stable")
    rows.insert(1, "block_name", rows["block_key"].map(names))
    for c in cols:
        rows[c] = rows[c].astype(np.int64)

    star = pd.DataFrame(False, index=rows.index, columns=cols)
    for c in GROUP_COLUMNS:
        star[c] = (rows[c] > 0) & (rows[c] < SMALL_CELL)
    for a, b in (("men", "women"), ("german", "foreign")):
        either = star[a] | star[b]
        star[a] = either & (rows[a] > 0)
        star[b] = either & (rows[b] > 0)
    place = "Gemeinden" if level == "gemeinde" else "Kreise"
    return Sheet(
        name=f"{'Auspendler' if outgoing else 'Einpendler'} {place}",
        block_label="Wohnort" if outgoing else "Arbeitsort",
        partner_label="Arbeitsort" if outgoing else "Wohnort",
        rows=rows,
        star=star,
    )


def suppressed_share(sheet: Sheet) -> float:
    """Share of cross-border commuters (by Insgesamt) that sit in pooled rows."""
    r = sheet.rows
    pooled = r.loc[r["kind"] == KIND_POOLED, "total"].sum()
    crossing = r.loc[r["kind"] == KIND_TOTAL, "total"].sum()
    return float(pooled / crossing) if crossing else 0.0
