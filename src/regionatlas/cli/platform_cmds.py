"""Platform commands: ``db upgrade``, ``admin create-user``, ``platform export/import/seed``.

All take ``--platform-url`` (default: REGIONATLAS_PLATFORM_URL, else var/platform.sqlite
beside the store, or the schema ``platform`` on the store's PostgreSQL server).
"""

from __future__ import annotations

import getpass
import sys
from pathlib import Path
from typing import Annotated

import typer

from regionatlas.cli.common import DatabaseUrlOption, DbOption, QuietOption, out, user_errors

PlatformUrlOption = Annotated[
    str | None,
    typer.Option(
        "--platform-url",
        help="platform database: sqlite:///FILE or postgresql://… (default: see docs/platform.md)",
    ),
]


def open_platform(
    platform_url: str | None, db: Path | None = None, database_url: str | None = None
):
    from regionatlas.platform.db import Database
    from regionatlas.settings import load_settings

    settings = load_settings(db=db, database_url=database_url, platform_url=platform_url)
    return Database(settings.platform_db_url, settings.platform_schema), settings


def register(app: typer.Typer) -> None:
    db_app = typer.Typer(help="Plattform-Datenbank – the platform database (migrations)")
    admin_app = typer.Typer(help="Konten verwalten – manage accounts")
    platform_app = typer.Typer(help="Plattform-Inhalte – export, import, seed content")
    app.add_typer(db_app, name="db")
    app.add_typer(admin_app, name="admin")
    app.add_typer(platform_app, name="platform")

    @db_app.command("upgrade")
    @user_errors
    def upgrade(
        platform_url: PlatformUrlOption = None,
        db: DbOption = None,
        database_url: DatabaseUrlOption = None,
        revision: Annotated[str, typer.Option("--revision", help="target revision")] = "head",
        quiet: QuietOption = False,
    ) -> None:
        """Migrationen ausführen – bring the platform database to the newest schema."""
        database, _ = open_platform(platform_url, db, database_url)
        before = database.current_revision()
        database.upgrade(revision)
        after = database.current_revision()
        if not quiet or before != after:
            out.print(f"platform database {database.safe_url}: {before or 'empty'} -> {after}")

    @db_app.command("current")
    @user_errors
    def current(platform_url: PlatformUrlOption = None) -> None:
        """Stand der Migrationen – print the current and the newest revision."""
        database, _ = open_platform(platform_url)
        out.print(
            f"current {database.current_revision() or 'empty'}, head {database.head_revision()}"
        )

    @admin_app.command("create-user")
    @user_errors
    def create_user(
        email: Annotated[str, typer.Option("--email", help="e-mail address (login)")],
        role: Annotated[str, typer.Option("--role", help="admin or member")] = "member",
        name: Annotated[str | None, typer.Option("--name", help="display name")] = None,
        password_stdin: Annotated[
            bool, typer.Option("--password-stdin", help="read the password from stdin")
        ] = False,
        invite: Annotated[
            bool, typer.Option("--invite", help="mail an invitation link instead of a password")
        ] = False,
        platform_url: PlatformUrlOption = None,
    ) -> None:
        """Konto anlegen – create an account (password prompt, stdin, or invitation mail)."""
        from regionatlas.platform import accounts
        from regionatlas.platform.mail import Mailer

        database, settings = open_platform(platform_url)
        database.upgrade()
        with database.session(note="cli admin create-user") as s:
            if invite:
                acc = accounts.invite(
                    s,
                    Mailer.from_settings(settings),
                    settings.base_url,
                    email,
                    name or "",
                    role=role,
                )
                out.print(f"invited {acc.email} ({acc.role}); the link is valid 7 days")
                return
            if password_stdin:
                password = sys.stdin.readline().rstrip("\n")
            else:
                password = getpass.getpass("Passwort / password: ")
                if getpass.getpass("Wiederholen / repeat: ") != password:
                    from regionatlas.errors import InputError

                    raise InputError("the passwords differ")
            acc = accounts.create_account(s, email, name or "", role=role, password=password)
            out.print(f"created {acc.email} (@{acc.handle}, {acc.role})")

    @platform_app.command("seed")
    @user_errors
    def seed_cmd(platform_url: PlatformUrlOption = None, quiet: QuietOption = False) -> None:
        """Startinhalte – add the working groups, planned programme and timeline (idempotent)."""
        from regionatlas.platform.seed import seed

        database, _ = open_platform(platform_url)
        database.upgrade()
        with database.session(note="seed") as s:
            added = seed(s)
        if not quiet:
            out.print(", ".join(f"{v} {k}" for k, v in added.items()) + " added")

    @platform_app.command("export")
    @user_errors
    def export_cmd(
        output: Annotated[Path, typer.Option("-o", "--output", help="FILE.json or FILE.zip (CSV)")],
        platform_url: PlatformUrlOption = None,
    ) -> None:
        """Alles exportieren – all platform content as JSON (or CSV files in a zip)."""
        from regionatlas.platform import transfer

        database, settings = open_platform(platform_url)
        data = transfer.export_data(database, settings.uploads_dir)
        transfer.write_export(data, output)
        n = sum(len(v) for v in data["tables"].values())
        out.print(
            f"{n} rows in {len(data['tables'])} tables, {len(data['files'])} files -> {output}"
        )

    @platform_app.command("import")
    @user_errors
    def import_cmd(
        file: Annotated[Path, typer.Argument(help="an export (JSON or zip)")],
        platform_url: PlatformUrlOption = None,
    ) -> None:
        """In leere Instanz importieren – load an export into an empty platform database."""
        from regionatlas.platform import transfer

        database, settings = open_platform(platform_url)
        database.upgrade()
        data = transfer.read_export(file)
        counts = transfer.import_data(database, data, settings.uploads_dir, str(file))
        out.print(f"imported {sum(counts.values())} rows into {len(counts)} tables")
