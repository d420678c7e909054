"""Document uploads over HTTP: type by content, size, path names, safe download headers;
refused uploads change nothing."""

from __future__ import annotations

import io
import zipfile

import pytest
from platform_helpers import login, token_of
from sqlalchemy import func, select

from regionatlas.platform.documents import detect_type, safe_name
from regionatlas.platform.models import AuditEntry, Document

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _odt() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        zf.writestr("content.xml", "<office:document-content/>")
    return buf.getvalue()


def _xlsx() -> bytes:
    import openpyxl

    buf = io.BytesIO()
    wb = openpyxl.Workbook()
    wb.active["A1"] = 1
    wb.save(buf)
    return buf.getvalue()


def _zip_other() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("evil.html", "<script>alert(1)</script>")
    return buf.getvalue()


def test_detect_type_by_content():
    assert detect_type(PDF) == "pdf"
    assert detect_type(_odt()) == "odt"
    assert detect_type(_xlsx()) == "xlsx"
    for bad in (b"<html><script>alert(1)</script>", _zip_other(), b"MZ\x90\x00", b""):
        with pytest.raises(Exception, match="unsupported file type"):
            detect_type(bad)


def test_safe_names():
    assert safe_name("../../etc/passwd.pdf", "pdf") == "passwd.pdf"
    assert safe_name("C:\\Users\\x\\Bericht 2023.PDF", "pdf") == "Bericht 2023.pdf"
    assert safe_name("<img src=x onerror=alert(1)>.pdf", "pdf") == "img srcx onerroralert1.pdf"
    assert safe_name("report.exe", "xlsx") == "report.xlsx"  # extension of the real type
    assert safe_name("....", "odt") == "document.odt"


@pytest.fixture
def editor(client, make_user):
    make_user("ed@example.org", groups={"regionalplanung": "editor"})
    make_user("mem@example.org", groups={"regionalplanung": "member"})
    login(client, "ed@example.org")
    return client


def _upload(client, name, data, title="Bericht", slug="regionalplanung", token=None):
    return client.post(
        f"/de/platform/groups/{slug}/documents",
        data={"title": title, "csrf_token": token or token_of(client)},
        files={"file": (name, data, "application/pdf")},
        follow_redirects=False,
    )


def _count(pdb):
    with pdb.session() as s:
        return (
            s.scalar(select(func.count()).select_from(Document)),
            s.scalar(select(func.count()).select_from(AuditEntry)),
        )


def test_upload_and_download_as_attachment(editor, pdb, platform_config):
    r = _upload(editor, "../../../Bericht <Ä>.pdf", PDF, title="<script>alert(1)</script>")
    assert r.status_code == 303
    with pdb.session() as s:
        doc = s.scalar(select(Document))
    assert doc.file_name == "Bericht Ä.pdf" and doc.media_type == "application/pdf"
    stored = list(platform_config.uploads_dir.iterdir())
    assert [p.name for p in stored] == [doc.sha256]  # under its hash, outside the web root
    page = editor.get("/de/platform/groups/regionalplanung/")
    assert "&lt;script&gt;" in page.text and "<script>alert" not in page.text
    r = editor.get(f"/de/platform/documents/{doc.id}/download")
    assert r.content == PDF
    cd = r.headers["content-disposition"]
    assert cd.startswith("attachment;") and "filename*=UTF-8''Bericht%20%C3%84.pdf" in cd
    assert r.headers["x-content-type-options"] == "nosniff"
    assert editor.get("/static/../var/uploads/" + doc.sha256).status_code == 404


def test_bad_uploads_refused_and_nothing_changed(editor, pdb, platform_config):
    before = _count(pdb)
    r = _upload(editor, "x.pdf", b"<html><script>alert(1)</script></html>")
    assert r.status_code == 422 and "unsupported file type" in r.text
    r = _upload(editor, "x.pdf", _zip_other())
    assert r.status_code == 422
    r = _upload(editor, "big.pdf", PDF + b"0" * platform_config.max_upload)
    assert r.status_code == 422 and "too large" in r.text
    r = _upload(editor, "empty.pdf", b"")
    assert r.status_code == 422
    assert _count(pdb) == before
    assert not platform_config.uploads_dir.exists() or not any(
        platform_config.uploads_dir.iterdir()
    )


def test_members_and_other_groups_cannot_upload(client, make_user, pdb):
    make_user("mem2@example.org", groups={"regionalplanung": "member"})
    make_user("ed2@example.org", groups={"unternehmensforum": "editor"})
    before = _count(pdb)
    login(client, "mem2@example.org")
    assert _upload(client, "a.pdf", PDF).status_code == 403
    client.post("/de/platform/logout/", data={"csrf_token": token_of(client)})
    login(client, "ed2@example.org")  # editor of another group
    assert _upload(client, "a.pdf", PDF).status_code == 403
    assert _count(pdb) == before


def test_members_only_document_hidden_from_public(editor, pdb):
    r = editor.post(
        "/de/platform/groups/regionalplanung/documents",
        data={"title": "intern", "members_only": "on", "csrf_token": token_of(editor)},
        files={"file": ("i.xlsx", _xlsx(), "application/octet-stream")},
        follow_redirects=False,
    )
    assert r.status_code == 303
    with pdb.session() as s:
        doc_id = s.scalar(select(Document.id))
    editor.post("/de/platform/logout/", data={"csrf_token": token_of(editor)})
    assert editor.get(f"/de/platform/documents/{doc_id}/download").status_code == 403
    assert "intern" not in editor.get("/de/platform/groups/regionalplanung/").text
