"""Document uploads: PDF, ODT and XLSX only, recognised by their bytes (not the name or the
browser's type), at most ``max_size`` bytes, stored outside the web root under their SHA-256,
served as attachments with a safe file name."""

from __future__ import annotations

import hashlib
import io
import os
import re
import unicodedata
import zipfile
from pathlib import Path
from urllib.parse import quote

from sqlalchemy.orm import Session

from regionatlas.errors import ForbiddenError, InputError, NotFoundError
from regionatlas.platform import permissions
from regionatlas.platform.models import Account, Document, WorkingGroup

TYPES = {
    "pdf": "application/pdf",
    "odt": "application/vnd.oasis.opendocument.text",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def detect_type(data: bytes) -> str:
    """'pdf', 'odt' or 'xlsx' from the content; anything else is refused."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                names = zf.namelist()
                if (
                    names
                    and names[0] == "mimetype"
                    and zf.read("mimetype") == TYPES["odt"].encode()
                ):
                    return "odt"
                if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
                    return "xlsx"
        except (zipfile.BadZipFile, KeyError, ValueError):
            pass
    raise InputError(
        "unsupported file type: only PDF, ODT (text) and XLSX are accepted",
        field="file",
        expected="PDF, ODT or XLSX (checked by content)",
        i18n="platform.err_file_type",
    )


def safe_name(name: str, kind: str) -> str:
    """The last path component, letters/digits/space/._- only, at most 100 characters, with
    the extension of the detected type."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = unicodedata.normalize("NFC", base)
    base = "".join(c for c in base if c.isalnum() or c in " ._-")
    stem = base.rsplit(".", 1)[0] if "." in base else base
    stem = re.sub(r"\s+", " ", stem).strip(" .-_")[:100] or "document"
    return f"{stem}.{kind}"


def content_disposition(file_name: str) -> str:
    ascii_name = file_name.encode("ascii", "replace").decode().replace("?", "_").replace('"', "")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(file_name)}"


def add_document(
    s: Session,
    account: Account,
    group: WorkingGroup | None,
    title: str,
    file_name: str,
    data: bytes,
    uploads_dir: Path,
    max_size: int,
    public: bool = True,
    event_id: int | None = None,
) -> Document:
    """A document of a working group (its editors) or of an event (the event's group's
    editors; administrators for events without a group)."""
    if group is None:
        permissions.require_admin(account)
    else:
        permissions.require_editor(s, account, group.id)
    if not data:
        raise InputError("the file is empty", field="file", i18n="platform.err_file_empty")
    if len(data) > max_size:
        raise InputError(
            f"the file is too large ({len(data)} bytes; at most {max_size})",
            field="file",
            size=len(data),
            limit=max_size,
            i18n="platform.err_file_too_large",
        )
    title = (title or "").strip()
    if not 1 <= len(title) <= 200:
        raise InputError(
            "a document needs a title (1 to 200 characters)",
            field="title",
            lo=1,
            hi=200,
            i18n="platform.err_length",
        )
    kind = detect_type(data)
    sha = hashlib.sha256(data).hexdigest()
    doc = Document(
        group_id=group.id if group else None,
        event_id=event_id,
        title=title,
        file_name=safe_name(file_name, kind),
        media_type=TYPES[kind],
        size=len(data),
        sha256=sha,
        public=public,
        uploaded_by=account.id,
    )
    s.add(doc)
    s.flush()
    uploads_dir.mkdir(parents=True, exist_ok=True)
    target = uploads_dir / sha
    if not target.exists():
        tmp = uploads_dir / f".{sha}.tmp"
        tmp.write_bytes(data)
        os.replace(tmp, target)
    return doc


def readable_document(
    s: Session, account: Account | None, doc_id: int, uploads_dir: Path
) -> tuple[Document, Path]:
    doc = s.get(Document, doc_id)
    if doc is None:
        raise NotFoundError(
            f"unknown document {doc_id}", value=doc_id, i18n="platform.err_unknown_document"
        )
    group = s.get(WorkingGroup, doc.group_id) if doc.group_id else None
    if group is not None:
        permissions.require_read_group(s, account, group)
        if not doc.public and permissions.group_role(s, account, group.id) is None:
            raise ForbiddenError(
                "this document is for members of the working group only",
                i18n="platform.err_document_closed",
            )
    path = uploads_dir / doc.sha256
    if not path.is_file():
        raise NotFoundError(f"the file of document {doc_id} is missing on the server")
    return doc, path


def delete_document(s: Session, account: Account, doc: Document) -> None:
    if doc.group_id is None:
        permissions.require_admin(account)
    else:
        permissions.require_editor(s, account, doc.group_id)
    s.delete(doc)
