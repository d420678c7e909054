"""The store's batches (imports) and the attributions of their sources."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from regionatlas.web.atlas import Atlas


def batches(atlas: Atlas) -> list[dict[str, Any]]:
    from dataclasses import asdict

    return [asdict(b) for b in atlas.store.batches()]


def attributions(atlas: Atlas) -> list[str]:
    def compute() -> list[str]:
        seen: list[str] = []
        for b in atlas.store.batches():
            if b.attribution and b.attribution not in seen:
                seen.append(b.attribution)
        return seen

    return atlas.cache.get("attributions", compute)
