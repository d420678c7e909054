"""The shipped bundle is reproducible from the official files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from regionatlas.bundle.build import build_bundle
from regionatlas.region import load_region
from regionatlas.settings import BUNDLE_DIR, DEFAULT_REGION


@pytest.mark.realdata
def test_bundle_rebuilds_byte_identical(shared_data: Path, tmp_path: Path) -> None:
    summary = build_bundle(shared_data, load_region(DEFAULT_REGION), tmp_path / "bundle")
    fresh = json.loads((tmp_path / "bundle" / "MANIFEST.json").read_text(encoding="utf-8"))
    shipped = json.loads((BUNDLE_DIR / "MANIFEST.json").read_text(encoding="utf-8"))
    assert fresh["outputs"] == shipped["outputs"]
    assert fresh["inputs"] == shipped["inputs"]
    # the region and its ring: every municipality of the 25 districts, nothing else
    assert summary.municipalities > 400


def test_bundle_manifest_matches_files() -> None:
    from regionatlas.model.fingerprint import sha256_of

    manifest = json.loads((BUNDLE_DIR / "MANIFEST.json").read_text(encoding="utf-8"))
    for rel, digest in manifest["outputs"].items():
        assert sha256_of(BUNDLE_DIR / rel) == digest, rel
    assert len([k for k in manifest["outputs"] if k.endswith(".csv.gz")]) == 32
