"""Shipped data: package data, read through ``importlib.resources`` so an installed wheel
works outside the checkout.

    bundle/                    the compact derived bundle of official data (``regionatlas
                               bundle`` rebuilds it; README.md there names sources, licences)
    central-places/            the curated, cited central-place designations
    unit-changes/              territorial reforms of the region (harmonisation)
    regions/*.toml             region definitions; source files resolve against this folder
    scenarios/*.toml           example scenarios of the scenario lab
    scenario-parameters.toml   the scenario lab's cited default parameters
    goals/*.toml               goals with success indicators (examples; issue #14)
    interventions/*.toml       interventions and the forum's evaluations (examples)
    toolkit/<id>.<lang>.md     the Werkzeugkasten: instruments and the Bauleitplanung guide
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from regionatlas.errors import DependencyError


def shipped(*parts: str) -> Path:
    """A shipped file or folder as a filesystem path (readers need real paths)."""
    resource = files(__name__).joinpath(*parts)
    if not isinstance(resource, Path):
        raise DependencyError(
            f"shipped data {'/'.join(parts)} is not on the file system ({resource!r}); "
            "install regionatlas unzipped (pip install)"
        )
    return resource
