"""The installed package works outside the checkout: a wheel, installed into a fresh venv,
builds the region database and serves the atlas from a directory that is not the checkout.

The fresh venv gets the wheel only; the pinned dependencies come from the test's own
environment through a plain path entry (a ``.pth`` line), which adds their folder to
``sys.path`` without processing the editable install of the checkout found there.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import sysconfig
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def _run(*args: str | Path, cwd: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=900
    )
    assert done.returncode == 0, f"{args}: {done.stdout}\n{done.stderr}"
    return done.stdout


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    tmp = tmp_path_factory.mktemp("wheel")
    _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", tmp / "dist", ROOT, cwd=tmp)
    (wheel,) = (tmp / "dist").glob("regionatlas-*.whl")
    venv = tmp / "venv"
    _run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=tmp)
    py = venv / "bin" / "python"
    pip = (sys.executable, "-m", "pip", "--python", py, "install", "-q", "--no-deps")
    _run(*pip, wheel, cwd=tmp)
    site = Path(
        _run(py, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])", cwd=tmp).strip()
    )
    (site / "zz-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("REGIONATLAS_", "PYTHON"))}
    env["REGIONATLAS_SHARED_DATA"] = str(tmp / "no-shared-data")
    return venv, env


def test_wheel_builds_and_serves_outside_the_checkout(installed, tmp_path: Path) -> None:
    venv, env = installed
    work = tmp_path / "elsewhere"
    work.mkdir()
    where = _run(
        venv / "bin" / "python",
        "-c",
        "import regionatlas; print(regionatlas.__file__)",
        cwd=work,
        env=env,
    )
    assert Path(where.strip()).is_relative_to(venv), where
    assert not Path(where.strip()).is_relative_to(ROOT)

    cli = venv / "bin" / "regionatlas"
    _run(cli, "build", "--quiet", cwd=work, env=env)
    db = work / "var" / "regionatlas.gpkg"
    assert db.is_file()
    batches = json.loads(_run(cli, "batches", "--json", cwd=work, env=env))
    assert {b["source"] for b in batches} >= {"bkg-vg", "destatis-gv100ad", "ba-pendleratlas-csv"}

    port = _free_port()
    server = subprocess.Popen(
        [str(cli), "serve", "--port", str(port)],
        cwd=work, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        meta = None
        deadline = time.monotonic() + 120
        while meta is None and time.monotonic() < deadline:
            assert server.poll() is None, server.stdout.read() if server.stdout else ""
            try:
                url = f"http://127.0.0.1:{port}/api/v1/meta.json"
                with urllib.request.urlopen(url, timeout=5) as answer:
                    assert answer.status == 200
                    meta = json.loads(answer.read())
            except OSError:
                time.sleep(0.5)
        assert meta is not None, "the server did not answer"
        assert "Region der Mitte" in json.dumps(meta, ensure_ascii=False)
    finally:
        server.terminate()
        server.communicate(timeout=30)
