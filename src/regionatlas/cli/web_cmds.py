"""Web commands: ``serve`` (the atlas on uvicorn) and ``export-static`` (the atlas as files)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from regionatlas.cli.common import DatabaseUrlOption, DbOption, QuietOption, out, user_errors
from regionatlas.cli.platform_cmds import PlatformUrlOption

RegionOpt = Annotated[
    Path | None,
    typer.Option("--region", help="Region definition (default: the shipped Region der Mitte)"),
]
AllUnitsOpt = Annotated[
    bool, typer.Option("--all-units", help="Show every unit in the store, not only the region")
]


def _region(region: Path | None, all_units: bool) -> Path | None:
    from regionatlas.settings import load_settings

    return None if all_units else (region or load_settings().region_file)


def _platform_db(settings, explicit: bool):
    """The platform database to export, or None when there is none (a SQLite file that does
    not exist; a server without the platform's tables) and it was not named explicitly."""
    from regionatlas.platform.db import Database

    url = settings.platform_db_url
    sqlite_file = Path(url.removeprefix("sqlite:///")) if url.startswith("sqlite:///") else None
    if sqlite_file is not None and not explicit and not sqlite_file.is_file():
        return None
    database = Database(url, settings.platform_schema)
    if database.current_revision() is None and not explicit:
        database.dispose()
        return None
    return database


def register(app: typer.Typer) -> None:
    @app.command("serve")
    @user_errors
    def serve(
        db: DbOption = None,
        database_url: DatabaseUrlOption = None,
        host: Annotated[str, typer.Option("--host", help="Interface to listen on")] = "127.0.0.1",
        port: Annotated[int, typer.Option("--port", help="TCP port")] = 8000,
        workers: Annotated[int, typer.Option("--workers", help="Worker processes")] = 1,
        region: RegionOpt = None,
        all_units: AllUnitsOpt = False,
        cache_dir: Annotated[
            Path | None,
            typer.Option(
                "--cache-dir",
                help="Where results that outlive a restart are saved (default: cache/ next "
                "to the GeoPackage, else var/cache)",
            ),
        ] = None,
        platform_url: PlatformUrlOption = None,
    ) -> None:
        """Atlas im Browser – serve the web atlas and its JSON API (docs at /api/docs)."""
        import uvicorn

        from regionatlas.settings import load_settings
        from regionatlas.store import open_store
        from regionatlas.web.app import create_app
        from regionatlas.web.platform.context import PlatformConfig

        settings = load_settings(
            db=db, database_url=database_url, platform_url=platform_url, cache_dir=cache_dir
        )
        open_store(settings.database_url, create=False).close()  # fail early, clearly
        platform = PlatformConfig.from_settings(settings)
        platform.db.upgrade()  # the platform schema is current before the first request
        out.print(f"regionatlas: http://{host}:{port}/  (API docs: /api/docs)")
        chosen = _region(region, all_units)
        if workers > 1:  # worker processes import the app; pass the choices on
            import os

            os.environ["REGIONATLAS_DATABASE_URL"] = settings.database_url
            os.environ["REGIONATLAS_REGION"] = "all" if chosen is None else str(chosen)
            if settings.cache_dir is not None:
                os.environ["REGIONATLAS_CACHE_DIR"] = str(settings.cache_dir)
            if platform_url:
                os.environ["REGIONATLAS_PLATFORM_URL"] = platform_url
            uvicorn.run(
                "regionatlas.web.asgi:app",
                host=host,
                port=port,
                workers=workers,
                log_level="warning",
            )
        else:
            app = create_app(settings.database_url, chosen, settings.cache_dir, platform=platform)
            uvicorn.run(app, host=host, port=port, log_level="warning")

    @app.command("export-static")
    @user_errors
    def export_static(
        out_dir: Annotated[Path, typer.Argument(help="Output folder (created or emptied)")],
        db: DbOption = None,
        database_url: DatabaseUrlOption = None,
        region: RegionOpt = None,
        all_units: AllUnitsOpt = False,
        quiet: QuietOption = False,
        platform_url: PlatformUrlOption = None,
        no_platform: Annotated[
            bool,
            typer.Option(
                "--no-platform",
                help="Leave the platform out (default: its public pages are included when "
                "its database exists)",
            ),
        ] = False,
        live_url: Annotated[
            str | None,
            typer.Option(
                "--live-url",
                help="Address of the live site, linked from the static copy's platform pages "
                "(where logging in, posting and forms work)",
            ),
        ] = None,
    ) -> None:
        """Statischer Atlas – write the whole atlas as files for any web server (no Python)."""
        from regionatlas.settings import load_settings
        from regionatlas.store import open_store
        from regionatlas.web.export import export_static as run

        settings = load_settings(db=db, database_url=database_url, platform_url=platform_url)
        open_store(settings.database_url, create=False).close()
        platform_db = None if no_platform else _platform_db(settings, explicit=bool(platform_url))
        report = run(
            settings.database_url,
            out_dir,
            _region(region, all_units),
            progress=None if quiet else out.print,
            platform_db=platform_db,
            live_url=live_url,
            uploads_dir=settings.uploads_dir,
            base_url=live_url or settings.base_url,
        )
        out.print(f"{report['files']} files, {report['bytes'] / 1e6:.1f} MB in {out_dir}")
