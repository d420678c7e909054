"""Every artefact the project writes from data is independent of the clock, the timezone and
the locale: the same store gives the same bytes on another day, in another zone.

Each command runs twice as a child process: once as the machine is, once under ``faketime``
(which moves the C library's clock too, where GDAL, SQLite and WeasyPrint read it) on a day
years away, on the other side of the date line, with a German locale. Every file written must
be byte-identical. (The bundle has its own such test in ``test_bundle.py``.)
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

OTHER_DAY = "2031-02-28 23:59:30"
OTHER_ENV = {"TZ": "Pacific/Kiritimati", "LC_ALL": "de_DE.UTF-8", "LANG": "de_DE.UTF-8"}
CLI = [sys.executable, "-m", "regionatlas"]

pytestmark = [pytest.mark.slow, pytest.mark.realdata]


def _faketime() -> str:
    found = shutil.which("faketime")
    if found is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("faketime missing (CI=true: scripts/test.sh installs it)")
        pytest.skip("faketime (Debian package) not installed")
    return found


def _digests(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _run(args: list[str], cwd: Path, shifted: bool) -> None:
    env = dict(os.environ)
    cmd = [*CLI, *args]
    if shifted:
        env.update(OTHER_ENV)
        cmd = [_faketime(), "-f", f"@{OTHER_DAY}", *cmd]
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, f"{' '.join(args)}\n{done.stdout}\n{done.stderr}"


@pytest.fixture(scope="module")
def built_store(tmp_path_factory: pytest.TempPathFactory, shared_data: Path) -> Path:
    work = tmp_path_factory.mktemp("repro-store")
    _run(["build", "--quiet", "--db", str(work / "atlas.gpkg")], work, shifted=False)
    return work / "atlas.gpkg"


def _both(tmp_path: Path, commands: list[list[str]]) -> tuple[dict[str, str], dict[str, str]]:
    """Run ``commands`` (with ``{out}`` for the output folder) as now and on the other day."""
    results = []
    for shifted in (False, True):
        out = tmp_path / ("shifted" if shifted else "now")
        out.mkdir()
        for args in commands:
            _run([a.replace("{out}", str(out)) for a in args], tmp_path, shifted)
        results.append(_digests(out))
    return results[0], results[1]


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "geojson", "gpkg"])
def test_exports_do_not_depend_on_the_clock(built_store: Path, tmp_path: Path, fmt: str) -> None:
    db = ["--db", str(built_store)]
    now, shifted = _both(
        tmp_path,
        [
            ["export", "observations", "-o", f"{{out}}/observations.{fmt}", *db],
            ["export", "flows", "-o", f"{{out}}/flows.{fmt}", *db],
        ],
    )
    assert now and now == shifted


@pytest.fixture(scope="module")
def platform_beside(built_store: Path) -> Path:
    """The platform database beside the store (where ``export-static`` finds it): seeded by
    the CLI, plus a discussion, a hidden post and news written now (their times are data)."""
    from regionatlas.platform import accounts, forum
    from regionatlas.platform.db import Database
    from regionatlas.platform.models import NewsItem

    path = built_store.with_name("platform.sqlite")
    url = ["--platform-url", f"sqlite:///{path}"]
    _run(["platform", "seed", "--quiet", *url], built_store.parent, shifted=False)
    db = Database(f"sqlite:///{path}")
    with db.session() as s:
        bea = accounts.create_account(s, "bea@example.org", "Bea", password="x" * 14)
        group = forum.group_by_slug(s, "regionalplanung")
        forum.set_member(s, group, bea, "editor")
        thread = forum.create_thread(s, bea, group, "Pendeln im Korridor", "Erster Beitrag")
        hidden = forum.reply(s, bea, thread, "ausgeblendet")
        forum.set_post_hidden(s, bea, hidden, True)
        s.add(NewsItem(title_de="Auftakt", title_en="Kick-off", author_id=bea.id))
    db.dispose()
    return path


def test_static_export_does_not_depend_on_the_clock(
    built_store: Path, platform_beside: Path, tmp_path: Path
) -> None:
    now, shifted = _both(
        tmp_path, [["export-static", "{out}/site", "--quiet", "--db", str(built_store)]]
    )
    assert len(now) > 50
    # the platform's public pages are in it (found beside the store), feeds included
    for rel in ("site/de/platform/threads/1/index.html", "site/en/platform/events.ics",
                "site/de/platform/news.atom", "site/en/platform/actors/map.geojson"):  # fmt: skip
        assert rel in now, rel
    assert now == shifted, sorted(k for k in now if now[k] != shifted.get(k))[:20]


def test_synthetic_files_do_not_depend_on_the_clock(tmp_path: Path) -> None:
    now, shifted = _both(
        tmp_path, [["synth", "--municipalities", "120", "--seed", "3", "--out", "{out}/de", "-q"]]
    )
    assert any(k.endswith(".xlsx") for k in now) and any(k.endswith(".dbf") for k in now)
    assert now == shifted, sorted(k for k in now if now[k] != shifted.get(k))
