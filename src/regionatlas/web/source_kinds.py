"""What kind of source each import batch is, as the about page states it: official files as
their publishers ship them, secondary sources (lists curated from plans and publications),
own derivations from official data, modelled estimates, or synthetic test data."""

from __future__ import annotations

from typing import Any

KINDS = ("official", "secondary", "derived", "modelled", "synthetic")
# the project's own batches by source id; every other source is a publisher's official file
OWN_SOURCES = {
    "regionatlas-central-places": "secondary",
    "regionatlas-unit-changes": "secondary",
    "regionatlas-harmonised-boundaries": "derived",
    "regionatlas-derived": "derived",
    "regionatlas-municipal-estimate": "modelled",
}


def source_kind(batch: dict[str, Any]) -> str:
    """official / secondary / derived / modelled / synthetic for one batch (``Batch`` as dict)."""
    if batch.get("synthetic"):
        return "synthetic"
    return OWN_SOURCES.get(str(batch.get("source", "")), "official")


def kinds_present(batches: list[dict[str, Any]]) -> list[str]:
    """The kinds the store holds, in the order of ``KINDS``."""
    seen = {source_kind(b) for b in batches}
    return [k for k in KINDS if k in seen]
