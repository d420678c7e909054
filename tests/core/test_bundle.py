"""The shipped bundle is reproducible from the official files."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from regionatlas.bundle.build import build_bundle, copy_dbf_update_date
from regionatlas.errors import InputError
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


# A day far from any build day, in a timezone on the other side of the date line, and a
# locale other than C: a clock-, zone- or locale-dependent byte shows up as a hash change.
OTHER_DAY = "2031-02-28 23:59:30"
OTHER_ENV = {"TZ": "Pacific/Kiritimati", "LC_ALL": "de_DE.UTF-8", "LANG": "de_DE.UTF-8"}


def _faketime() -> str:
    found = shutil.which("faketime")
    if found is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("faketime missing (CI=true: scripts/test.sh installs it)")
        pytest.skip("faketime (Debian package) not installed")
    return found


@pytest.mark.realdata
@pytest.mark.slow
def test_bundle_is_independent_of_clock_timezone_and_locale(
    shared_data: Path, tmp_path: Path
) -> None:
    """Build the bundle in a child process whose whole clock (C library included, where GDAL
    reads it) says another day, in another timezone and locale; the bytes must not move."""
    out = tmp_path / "bundle"
    code = (
        "import sys, time; from pathlib import Path;"
        "from regionatlas.bundle.build import build_bundle;"
        "from regionatlas.region import load_region;"
        "from regionatlas.settings import DEFAULT_REGION;"
        "print(time.strftime('%Y-%m-%d %Z'));"
        "build_bundle(Path(sys.argv[1]), load_region(DEFAULT_REGION), Path(sys.argv[2]))"
    )
    env = {**os.environ, **OTHER_ENV}
    cmd = [_faketime(), "-f", f"@{OTHER_DAY}", sys.executable, "-c", code]
    done = subprocess.run(
        [*cmd, str(shared_data), str(out)],
        env=env, capture_output=True, text=True, check=False, cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("2031-0"), done.stdout  # the child really saw another day
    fresh = json.loads((out / "MANIFEST.json").read_text(encoding="utf-8"))
    shipped = json.loads((BUNDLE_DIR / "MANIFEST.json").read_text(encoding="utf-8"))
    assert fresh["outputs"] == shipped["outputs"]


def test_dbf_update_date_is_copied_from_the_source(tmp_path: Path) -> None:
    src, dst = tmp_path / "src.dbf", tmp_path / "dst.dbf"
    src.write_bytes(bytes([3, 121, 9, 13]) + b"rest-of-source")
    dst.write_bytes(bytes([3, 131, 2, 28]) + b"rest-of-copy")
    copy_dbf_update_date(src, dst)
    assert dst.read_bytes() == bytes([3, 121, 9, 13]) + b"rest-of-copy"
    (tmp_path / "short.dbf").write_bytes(b"\x03")
    with pytest.raises(InputError, match=r"short\.dbf"):
        copy_dbf_update_date(tmp_path / "short.dbf", dst)
