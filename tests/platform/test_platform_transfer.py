"""Export of all platform content (JSON, CSV zip) and import into an empty instance; the
CLI commands; the static export leaves the platform out."""

from __future__ import annotations

import json
import zipfile

import pytest
from platform_helpers import PASSWORD
from sqlalchemy import func, select
from typer.testing import CliRunner

from regionatlas.cli.main import app as cli
from regionatlas.errors import ConflictError, SourceFormatError
from regionatlas.platform import accounts, forum, transfer
from regionatlas.platform.db import Database
from regionatlas.platform.models import Account, Post, Thread

runner = CliRunner()


@pytest.fixture
def filled(pdb, tmp_path):
    uploads = tmp_path / "up"
    from regionatlas.platform import documents

    with pdb.session() as s:
        a = accounts.create_account(s, "a@example.org", "Anna", role="admin", password=PASSWORD)
        g = forum.group_by_slug(s, "regionalplanung")
        forum.set_member(s, g, a, "editor")
        t = forum.create_thread(s, a, g, "Thema; DROP TABLE x", "Text mit **fett** & <b>")
        forum.reply(s, a, t, "Antwort")
        documents.add_document(s, a, g, "Bericht", "b.pdf", b"%PDF-1.4 test", uploads, 1000)
    return pdb, uploads


def _snapshot(db) -> dict:
    data = transfer.export_data(db)
    tables = data["tables"]
    tables.pop("audit_entry")  # the import adds its own entry
    return tables


@pytest.mark.parametrize("suffix", [".json", ".zip"])
def test_export_import_round_trip(filled, tmp_path, suffix):
    db, uploads = filled
    path = tmp_path / f"export{suffix}"
    transfer.write_export(transfer.export_data(db, uploads), path)
    if suffix == ".zip":
        names = zipfile.ZipFile(path).namelist()
        assert "post.csv" in names and "manifest.json" in names
        assert any(n.startswith("files/") for n in names)
    fresh = Database(f"sqlite:///{tmp_path / 'fresh.sqlite'}")
    fresh.upgrade()
    new_uploads = tmp_path / "up2"
    counts = transfer.import_data(fresh, transfer.read_export(path), new_uploads)
    assert counts["post"] == 2 and counts["account"] == 1
    assert _snapshot(fresh) == _snapshot(db)
    assert sorted(p.name for p in new_uploads.iterdir()) == sorted(
        p.name for p in uploads.iterdir()
    )
    with fresh.session() as s:  # the imported instance works: login with the old password
        assert accounts.authenticate(s, "a@example.org", PASSWORD, "1.1.1.1")
        t = s.scalar(select(Thread))
        forum.reply(s, s.scalar(select(Account)), t, "neu nach dem Import")  # ids continue
    with fresh.session() as s:
        assert s.scalar(select(func.count()).select_from(Post)) == 3


def test_import_refuses_non_empty_instance(filled, tmp_path):
    db, _ = filled
    data = transfer.export_data(db)
    with pytest.raises(ConflictError):
        transfer.import_data(db, data, None)


def test_bad_import_file_names_the_place_and_writes_nothing(filled, tmp_path):
    db, _ = filled
    data = transfer.export_data(db)
    data["tables"]["post"][1]["created_at"] = "yesterday"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data))
    fresh = Database(f"sqlite:///{tmp_path / 'f.sqlite'}")
    fresh.upgrade()
    with pytest.raises(SourceFormatError, match=r"bad\.json, line 2, column created_at"):
        transfer.import_data(fresh, transfer.read_export(bad), None, str(bad))
    with fresh.session() as s:
        assert s.scalar(select(func.count()).select_from(Account)) == 0
    (tmp_path / "junk.json").write_text("{not json")
    with pytest.raises(SourceFormatError, match="line 1"):
        transfer.read_export(tmp_path / "junk.json")
    (tmp_path / "other.json").write_text('{"format": "something-else"}')
    with pytest.raises(SourceFormatError, match="regionatlas-platform"):
        transfer.read_export(tmp_path / "other.json")


def test_cli_upgrade_create_user_export_import(tmp_path, monkeypatch):
    monkeypatch.setenv("REGIONATLAS_UPLOADS_DIR", str(tmp_path / "uploads"))
    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    r = runner.invoke(cli, ["db", "upgrade", "--platform-url", url])
    assert r.exit_code == 0, r.output
    assert "-> p003" in r.output  # head: request_log after impact (#14) after surveys (#13)
    r = runner.invoke(
        cli,
        [
            "admin",
            "create-user",
            "--email",
            "root@example.org",
            "--role",
            "admin",
            "--password-stdin",
            "--platform-url",
            url,
        ],
        input=PASSWORD + "\n",
    )
    assert r.exit_code == 0, r.output
    r = runner.invoke(
        cli,
        [
            "admin",
            "create-user",
            "--email",
            "root@example.org",
            "--password-stdin",
            "--platform-url",
            url,
        ],
        input=PASSWORD + "\n",
    )
    assert r.exit_code == 4 and "exists" in r.output  # clear error, no traceback
    r = runner.invoke(
        cli,
        [
            "admin",
            "create-user",
            "--email",
            "x@example.org",
            "--role",
            "god",
            "--password-stdin",
            "--platform-url",
            url,
        ],
        input=PASSWORD + "\n",
    )
    assert r.exit_code == 2 and "unknown role" in r.output
    runner.invoke(cli, ["platform", "seed", "--platform-url", url])
    out = tmp_path / "all.json"
    r = runner.invoke(cli, ["platform", "export", "-o", str(out), "--platform-url", url])
    assert r.exit_code == 0, r.output
    url2 = f"sqlite:///{tmp_path / 'cli2.sqlite'}"
    r = runner.invoke(cli, ["platform", "import", str(out), "--platform-url", url2])
    assert r.exit_code == 0, r.output
    db2 = Database(url2)
    with db2.session() as s:
        acc = accounts.by_email(s, "root@example.org")
        assert acc.role == "admin" and acc.password_hash.startswith("$argon2id$")
    r = runner.invoke(cli, ["platform", "import", str(out), "--platform-url", url2])
    assert r.exit_code == 4 and "not empty" in r.output


def test_static_export_leaves_the_platform_out(filled, web_store, region_file, tmp_path):
    from regionatlas.web.export import export_static

    out = tmp_path / "site"
    export_static(str(web_store), out, region_file)
    files = [p for p in out.rglob("*") if p.is_file()]
    assert files
    assert not any("platform" in p.relative_to(out).parts for p in files)
    for p in files:
        if p.suffix in (".html", ".json", ".csv", ".geojson"):
            text = p.read_text(encoding="utf-8", errors="ignore")
            assert "a@example.org" not in text and "/platform/" not in text, p


@pytest.mark.postgis
def test_export_from_sqlite_import_into_postgres(filled, tmp_path, pg_database_url):
    import uuid

    db, uploads = filled
    schema = f"p_{uuid.uuid4().hex[:10]}"
    pg = Database(pg_database_url, schema=schema)
    try:
        pg.upgrade()
        data = transfer.export_data(db, uploads)
        data["tables"]["post"][0]["body_html"] = "<script>alert(1)</script>"  # tampered file
        transfer.import_data(pg, data, tmp_path / "pgup")
        assert _snapshot(pg) == _snapshot(db)
        with pg.session() as s:  # sequences continue after the imported ids
            t = s.scalar(select(Thread))
            post = forum.reply(s, s.scalar(select(Account)), t, "weiter")
            assert post.id == 3
    finally:
        with pg.engine.begin() as con:
            con.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        pg.dispose()
