"""Every CLI command and every API route is documented in the README."""

from __future__ import annotations

import re
from pathlib import Path

from regionatlas.cli.main import app

ROOT = Path(__file__).resolve().parents[2]


def _commands() -> set[str]:
    import typer.main

    click_app = typer.main.get_command(app)
    names = set()
    for name, cmd in click_app.commands.items():  # type: ignore[attr-defined]
        sub = getattr(cmd, "commands", None)
        names |= {f"{name} {s}" for s in sub} if sub else {name}
    return names


def test_every_command_is_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"`regionatlas ([a-z-]+(?: [a-z][a-z-]*)?)", readme))
    missing = sorted(_commands() - documented)
    assert not missing, f"commands not documented in README: {missing}"


def test_core_commands_exist() -> None:
    assert {"build", "import", "batches", "rollback", "info", "export", "bundle"} <= _commands()


def test_every_api_route_is_in_the_readme(tmp_path) -> None:
    from regionatlas.web.app import create_app

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    spec = create_app(str(tmp_path / "unopened.gpkg"), None).openapi()
    routes = {f"{m.upper()} {p}" for p, ops in spec["paths"].items() for m in ops}
    assert len(routes) > 20
    missing = sorted(r for r in routes if f"`{r}`" not in readme)
    assert not missing, f"API routes not documented in README: {missing}"
    assert "/openapi.json" in readme
