"""Shared CLI plumbing: store options, error printing, exit codes."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console

from regionatlas.errors import RegionAtlasError

console = Console(stderr=True)
out = Console()

DbOption = Annotated[
    Path | None, typer.Option("--db", help="GeoPackage file (default var/regionatlas.gpkg)")
]
DatabaseUrlOption = Annotated[
    str | None,
    typer.Option("--database-url", help="PostgreSQL URL, e.g. postgresql://user@host/db"),
]
QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="Print only results")]

# the four parameters of the labour-market-area method (defaults: analysis.lma_params)
MinSizeOption = Annotated[float, typer.Option("--min-size", help="minimum size (residents), minSZ")]
MinScOption = Annotated[float, typer.Option("--min-sc", help="minimum self-containment, minSC")]
TargetSizeOption = Annotated[
    float, typer.Option("--target-size", help="target size (residents), tarSZ")
]
TargetScOption = Annotated[
    float, typer.Option("--target-sc", help="target self-containment, tarSC")
]

F = TypeVar("F", bound=Callable[..., Any])


def user_errors(func: F) -> F:
    """Print RegionAtlasError without a traceback and exit with its exit code."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except RegionAtlasError as exc:
            console.print(f"[bold red]Fehler / error:[/] {exc.message}", highlight=False)
            sys.exit(exc.exit_code)

    return wrapper  # type: ignore[return-value]


@contextmanager
def opened_store(db: Path | None, database_url: str | None) -> Iterator[Any]:
    """Open the store chosen by --db/--database-url/REGIONATLAS_DATABASE_URL."""
    from regionatlas.settings import load_settings
    from regionatlas.store import open_store

    settings = load_settings(db=db, database_url=database_url)
    store = open_store(settings.database_url)
    try:
        yield store
    finally:
        store.close()
