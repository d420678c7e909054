"""The modelled municipal flows as a batch the store can hold (so the web atlas and the
scenario lab, which read municipal flows from the store, can use them).

The batch is labelled everywhere: source ``regionatlas-municipal-estimate``, every row
flagged ``estimated``, an attribution that says "modelled estimate, not official". Official
municipal tables imported later replace it in ``workflows.municipal_flows`` (rows flagged
``estimated`` are dropped once official tables cover the region); roll the batch back with
``regionatlas rollback ID`` to remove it.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd

from regionatlas.errors import ParameterError
from regionatlas.model.schema import FLAG_ESTIMATED, FLOW_COLUMNS
from regionatlas.model.source_data import SourceData
from regionatlas.region import Region
from regionatlas.workflows.basis import ESTIMATE
from regionatlas.workflows.municipal import FlowBasis

SOURCE_ID = "regionatlas-municipal-estimate"
PUBLISHER = "regionatlas (modelled estimate from official district flows)"
LICENCE = (
    "own calculation on data of the Statistik der Bundesagentur für Arbeit (use and "
    "redistribution allowed with source; own calculations marked as such)"
)


def estimate_as_source(fb: FlowBasis, region: Region) -> SourceData:
    """A ``SourceData`` holding the estimated municipal flows of ``fb`` (level gemeinde)."""
    if fb.basis != ESTIMATE or not (fb.flows["flag"] == FLAG_ESTIMATED).all():
        raise ParameterError(
            "only a modelled estimate can be stored this way; these flows are " + fb.basis,
            value=fb.basis,
            expected=ESTIMATE,
        )
    f = fb.flows
    flows = pd.DataFrame(
        {
            "origin": f["origin"].astype(str).to_numpy(),
            "destination": f["destination"].astype(str).to_numpy(),
            "period": fb.period,
            "grp": "total",
            "reported_by": "residence",
            "level": "gemeinde",
            "persons": f["persons"].astype(float).to_numpy(),
            "flag": FLAG_ESTIMATED,
        }
    )
    flows = flows.groupby(
        ["origin", "destination", "period", "grp", "reported_by", "level", "flag"],
        as_index=False,
        sort=True,
    )["persons"].sum()[FLOW_COLUMNS]
    payload = flows.to_csv(index=False, float_format="%.6f").encode("utf-8")
    digest = hashlib.sha256(payload + fb.note.encode("utf-8")).hexdigest()
    attribution = (
        "Modellschätzung regionatlas: Pendlerströme zwischen Gemeinden, berechnet aus den "
        "Kreisdaten der Statistik der Bundesagentur für Arbeit (Stichtag "
        f"{fb.period}) – eigene Berechnungen, keine amtlichen Zahlen / modelled estimate, "
        "not official"
    )
    return SourceData(
        source=SOURCE_ID,
        file=Path(f"municipal-estimate-{region.id}-{fb.period}.csv"),
        sha256=digest,
        publisher=PUBLISHER,
        licence=LICENCE,
        attribution=attribution,
        vintage=fb.period,
        flows=flows,
        notes=[fb.note],
    )
