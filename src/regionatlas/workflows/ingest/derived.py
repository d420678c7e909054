"""Derived observations as one batch: aggregates of additive indicators and catalogue formulas.

* Additive base indicators (population, area, …) published for municipalities are summed to
  districts, states and Germany (the Gemeindeverzeichnis has no district figures); a group
  with any suppressed member keeps the marker instead of a number.
* Every indicator with a formula in the catalogue is computed for every unit and period
  whose inputs exist (density, commuter balance, shares, …).

Values are flagged ``derived`` (or carry the marker of a suppressed input). The batch's
fingerprint depends on the source batches and the catalogue, so a re-build is a no-op and
a changed input replaces the old derived batch.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from regionatlas.indicators.catalogue import CATALOGUE_FILE, catalogue
from regionatlas.indicators.derive import aggregate_observations, derive_indicators
from regionatlas.model.fingerprint import derived_fingerprint, sha256_of
from regionatlas.model.schema import OBSERVATION_COLUMNS
from regionatlas.model.source_data import SourceData
from regionatlas.store.base import ImportResult, Store

FORMAT_ID = "regionatlas-derived"


def derived_observations(observations: pd.DataFrame, units: pd.DataFrame) -> pd.DataFrame:
    """Aggregates to kreis/land/DE of municipal additive indicators, then formulas (pure)."""
    cat = catalogue()
    obs = observations[OBSERVATION_COLUMNS]
    gem = units.loc[units["level"] == "gemeinde", "ags"].astype(str)
    frames = [obs]
    for width in (5, 2, 0):
        mapping = pd.Series(gem.str[:width].to_numpy() if width else "DE", index=gem.to_numpy())
        frames.append(aggregate_observations(obs[obs["ags"].isin(gem)], mapping, cat))
    combined = pd.concat(frames, ignore_index=True)
    # published figures win over our sums
    combined = combined.drop_duplicates(["ags", "indicator", "period"], keep="first")
    aggregated = combined.iloc[len(obs) :]
    formulas = derive_indicators(combined, cat)
    out = pd.concat([aggregated, formulas], ignore_index=True)
    out = out.drop_duplicates(["ags", "indicator", "period"], keep="first")
    return out.reset_index(drop=True)[OBSERVATION_COLUMNS]


def derive_into(store: Store) -> ImportResult | None:
    """Compute the derived batch for the store's current data and import it (or no-op)."""
    sources = [b for b in store.batches() if b.source != FORMAT_ID]
    if not sources:
        return None
    digest = derived_fingerprint(
        FORMAT_ID, "v1", sha256_of(CATALOGUE_FILE), inputs=[b.file_sha256 for b in sources]
    )
    current = [b for b in store.batches() if b.source == FORMAT_ID and b.file_sha256 == digest]
    if current:
        return ImportResult(batch=current[0], created=False)
    stale = [b for b in store.batches() if b.source == FORMAT_ID and b.file_sha256 != digest]
    observations = store.observations()
    observations = observations[~observations["batch_id"].isin([b.id for b in stale])]
    frame = derived_observations(observations, store.units())
    if frame.empty:
        return None
    data = SourceData(
        source=FORMAT_ID,
        file=Path("derived-indicators"),
        sha256=digest,
        publisher="regionatlas (eigene Berechnungen / own calculations)",
        licence="as the source data (see the batches it is derived from)",
        attribution="Eigene Berechnungen (abgeleitete Indikatoren) auf Grundlage der Quellen",
        vintage=str(frame["period"].max()),
        observations=frame,
    )
    result = store.import_source(data)
    if result.created:
        for b in stale:
            store.rollback(b.id)
    return result
