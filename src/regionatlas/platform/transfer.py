"""Export and import of all platform content; a person's own data (GDPR Art. 15 and 17).

Export: ``{"format": "regionatlas-platform", "version": 1, "revision", "tables": {name: [rows]},
"files": {sha256: base64}}`` as JSON, or the same tables as one CSV each in a zip (plus
``manifest.json`` and ``files/``). Sessions, tokens and login attempts are left out (they are
security state, not content); accounts keep their password hashes so people can log in on the
new instance – keep export files as safe as the database.

Import: only into an empty instance (no accounts, no content), all rows in one transaction;
a bad file is refused with its table, row and column and nothing is written.
"""

from __future__ import annotations

import base64
import csv
import io
import json
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Boolean, Float, Integer, Table, delete, func, insert, select, text, update
from sqlalchemy.orm import Session

from regionatlas.errors import ConflictError, SourceFormatError
from regionatlas.platform import audit
from regionatlas.platform.db import Database
from regionatlas.platform.models import (
    Account,
    AccountToken,
    AuditEntry,
    Base,
    Document,
    EventRegistration,
    GroupMember,
    LoginAttempt,
    Notification,
    OrganisationMember,
    Post,
    Report,
    RequestLog,
    Thread,
    WebSession,
)
from regionatlas.platform.models.base import JSONText, UTCDateTime
from regionatlas.platform.throttle import email_key

FORMAT = "regionatlas-platform"
VERSION = 1
# parents before children, so the import satisfies every foreign key
TABLES = (
    "account",
    "organisation",
    "organisation_member",
    "working_group",
    "group_member",
    "thread",
    "post",
    "report",
    "notification",
    "event",
    "event_registration",
    "document",
    "timeline_entry",
    "news_item",
    "dkz_offer",
    "dkz_site",
    "survey",
    "survey_invitation",
    "survey_response",
    "survey_free_text",
    "impact_goal",
    "impact_indicator",
    "impact_intervention",
    "impact_evaluation",
    "audit_entry",
)


def _table(name: str) -> Table:
    return Base.metadata.tables[name]


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def rows(s: Session, name: str) -> list[dict[str, Any]]:
    table = _table(name)
    order = list(table.primary_key.columns)
    result = s.execute(select(table).order_by(*order))
    return [{k: _plain(v) for k, v in r._mapping.items()} for r in result]


def export_data(db: Database, uploads_dir: Path | None = None) -> dict[str, Any]:
    with db.session() as s:
        tables = {name: rows(s, name) for name in TABLES}
    files = {}
    if uploads_dir is not None:
        for doc in tables["document"]:
            path = uploads_dir / doc["sha256"]
            if path.exists():
                files[doc["sha256"]] = base64.b64encode(path.read_bytes()).decode()
    return {
        "format": FORMAT,
        "version": VERSION,
        "revision": db.current_revision(),
        "tables": tables,
        "files": files,
    }


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def write_export(data: dict[str, Any], path: Path) -> None:
    """JSON for ``*.json``, a zip of CSV files for ``*.zip``."""
    if path.suffix == ".zip":
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
            manifest = {k: data[k] for k in ("format", "version", "revision")}
            manifest["tables"] = list(data["tables"])
            zf.writestr("manifest.json", json.dumps(manifest, indent=1))
            for name, table_rows in data["tables"].items():
                buf = io.StringIO()
                cols = [c.name for c in _table(name).columns]
                w = csv.writer(buf, lineterminator="\n")
                w.writerow(cols)
                for r in table_rows:
                    w.writerow([_csv_cell(r.get(c)) for c in cols])
                zf.writestr(f"{name}.csv", buf.getvalue())
            for sha, b64 in data["files"].items():
                zf.writestr(f"files/{sha}", base64.b64decode(b64))
    else:
        path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")


def read_export(path: Path) -> dict[str, Any]:
    if zipfile.is_zipfile(path):
        return _read_zip(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        line = getattr(exc, "lineno", None)
        raise SourceFormatError(
            path,
            f"not a platform export: {exc}",
            line=line,
            expected="JSON or zip from 'regionatlas platform export'",
        ) from exc
    _check_head(path, data)
    return data


def _check_head(path: Path, data: Any) -> None:
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise SourceFormatError(
            path,
            "not a platform export",
            column="format",
            value=data.get("format") if isinstance(data, dict) else None,
            expected=FORMAT,
        )
    if data.get("version") != VERSION:
        raise SourceFormatError(
            path,
            "unsupported export version",
            column="version",
            value=data.get("version"),
            expected=str(VERSION),
        )
    unknown = set(data.get("tables", {})) - set(TABLES)
    if unknown:
        raise SourceFormatError(
            path, "unknown tables", value=sorted(unknown), expected=", ".join(TABLES)
        )


def _read_zip(path: Path) -> dict[str, Any]:
    with zipfile.ZipFile(path) as zf:
        names = set(zf.namelist())
        if "manifest.json" not in names:
            raise SourceFormatError(path, "manifest.json missing", expected="a platform export")
        data = json.loads(zf.read("manifest.json"))
        _check_head(path, {**data, "tables": {t: [] for t in data.get("tables", [])}})
        tables: dict[str, list[dict[str, Any]]] = {}
        for name in data["tables"]:
            member = f"{name}.csv"
            if member not in names:
                raise SourceFormatError(f"{path}!{member}", "table file missing")
            reader = csv.DictReader(io.StringIO(zf.read(member).decode("utf-8")))
            tables[name] = [
                _from_csv(f"{path}!{member}", name, i + 2, r) for i, r in enumerate(reader)
            ]
        files = {
            n.removeprefix("files/"): base64.b64encode(zf.read(n)).decode()
            for n in names
            if n.startswith("files/") and not n.endswith("/")
        }
    return {**data, "tables": tables, "files": files}


def _from_csv(where: str, name: str, line: int, row: dict[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for col in _table(name).columns:
        raw = row.get(col.name, "")
        if raw == "" and col.nullable:
            out[col.name] = None
            continue
        try:
            if isinstance(col.type, Boolean):
                if raw not in ("true", "false"):
                    raise ValueError("expected true or false")
                out[col.name] = raw == "true"
            elif isinstance(col.type, Integer):
                out[col.name] = int(raw)
            elif isinstance(col.type, Float):
                out[col.name] = float(raw)
            elif isinstance(col.type, JSONText):
                out[col.name] = json.loads(raw)
            else:
                out[col.name] = raw
        except ValueError as exc:
            raise SourceFormatError(where, str(exc), line=line, column=col.name, value=raw) from exc
    return out


def _convert(where: str, name: str, index: int, row: dict[str, Any]) -> dict[str, Any]:
    table = _table(name)
    unknown = set(row) - {c.name for c in table.columns}
    if unknown:
        raise SourceFormatError(
            where, f"unknown columns in {name}", line=index + 1, value=sorted(unknown)
        )
    out = {}
    for col in table.columns:
        value = row.get(col.name)
        if isinstance(col.type, UTCDateTime) and isinstance(value, str):
            try:
                value = datetime.fromisoformat(value)
            except ValueError as exc:
                raise SourceFormatError(
                    where,
                    f"bad time in {name}",
                    line=index + 1,
                    column=col.name,
                    value=value,
                    expected="ISO 8601 with offset",
                ) from exc
        out[col.name] = value
    body_md = out.get("body_md")
    if name == "post" and isinstance(body_md, str):
        # never trust stored HTML from a file: render it again from the Markdown
        from regionatlas.platform.text import render_markdown

        out["body_html"] = render_markdown(body_md)
    return out


def import_data(
    db: Database, data: dict[str, Any], uploads_dir: Path | None, where: str = "import"
) -> dict[str, int]:
    """Load an export into an empty instance (one transaction). Returns rows per table."""
    counts: dict[str, int] = {}
    with db.session(note="platform import") as s:
        if s.scalar(select(func.count()).select_from(Account)):
            raise ConflictError("the platform database is not empty; import needs a new instance")
        for name in TABLES:
            table_rows = data["tables"].get(name, [])
            if not table_rows:
                continue
            converted = [_convert(where, name, i, r) for i, r in enumerate(table_rows)]
            try:
                s.execute(insert(_table(name)), converted)
            except Exception as exc:
                raise SourceFormatError(
                    where,
                    f"rows of table {name} cannot be stored: {str(exc).splitlines()[0]}",
                    column=name,
                ) from exc
            counts[name] = len(converted)
        if not db.is_sqlite:
            for name in TABLES:
                table = _table(name)
                if "id" in table.c and counts.get(name):
                    s.execute(
                        text(
                            f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                            f"(SELECT max(id) FROM {name}))"
                        )
                    )
        audit.record(s, "import", "platform", after=counts)
        if uploads_dir is not None:
            uploads_dir.mkdir(parents=True, exist_ok=True)
            for sha, b64 in data.get("files", {}).items():
                if len(sha) == 64 and all(c in "0123456789abcdef" for c in sha):
                    (uploads_dir / sha).write_bytes(base64.b64decode(b64))
    return counts


# -- one person's data (GDPR) -----------------------------------------------------------------
def personal_data(s: Session, account_id: int) -> dict[str, Any]:
    acc = s.get(Account, account_id)
    assert acc is not None

    def table_rows(model, *where) -> list[dict[str, Any]]:
        return [
            {c.name: _plain(getattr(o, c.key)) for c in model.__table__.columns}
            for o in s.scalars(select(model).where(*where))
        ]

    account = {c.name: _plain(getattr(acc, c.key)) for c in Account.__table__.columns}
    account["password_hash"] = "(stored as an Argon2id hash; not shown)"
    account["totp_secret"] = "(set)" if acc.totp_secret else None
    return {
        "account": account,
        "group_memberships": table_rows(GroupMember, GroupMember.account_id == account_id),
        "organisations": table_rows(
            OrganisationMember, OrganisationMember.account_id == account_id
        ),
        "threads": table_rows(Thread, Thread.author_id == account_id),
        "posts": table_rows(Post, Post.author_id == account_id),
        "reports": table_rows(Report, Report.reporter_id == account_id),
        "documents_uploaded": table_rows(Document, Document.uploaded_by == account_id),
        "links_sent": [  # invitation, reset and unsubscribe links: when, what for (no hash)
            {k: v for k, v in r.items() if k != "token_hash"}
            for r in table_rows(AccountToken, AccountToken.account_id == account_id)
        ],
        "notifications": table_rows(Notification, Notification.account_id == account_id),
        "event_registrations": table_rows(
            EventRegistration, EventRegistration.account_id == account_id
        ),
        "sessions": [
            {k: v for k, v in r.items() if k not in ("token_hash", "csrf_token")}
            for r in table_rows(WebSession, WebSession.account_id == account_id)
        ],
        "login_attempts": table_rows(LoginAttempt, LoginAttempt.email == acc.email),
        "mail_requests": table_rows(RequestLog, RequestLog.email_hash == email_key(acc.email)),
        "audit_entries_as_actor": table_rows(AuditEntry, AuditEntry.actor_id == account_id),
    }


def personal_data_json(s: Session, account_id: int) -> str:
    return json.dumps(personal_data(s, account_id), ensure_ascii=False, indent=1)


def delete_person(s: Session, account_id: int) -> None:
    """Delete the account and everything only about the person (sessions, tokens, memberships,
    notifications, registrations, login attempts); threads and posts stay without an author
    ("deleted account"); the audit log keeps the fact of changes but loses the person's
    details."""
    acc = s.get(Account, account_id)
    assert acc is not None
    email = acc.email
    if s.info.get("actor_id") == account_id:  # the person erases themself: no actor remains
        s.info["actor_id"] = None
    s.execute(delete(LoginAttempt).where(LoginAttempt.email == email))
    s.execute(delete(RequestLog).where(RequestLog.email_hash == email_key(email)))
    s.delete(acc)
    s.flush()
    s.execute(
        update(AuditEntry)
        .where(AuditEntry.entity == "account", AuditEntry.entity_id == str(account_id))
        .values(before=None, after=None, note="personal data erased (GDPR Art. 17)")
    )
    audit.record(s, "erase_person", "account", account_id)
