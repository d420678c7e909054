"""Shared option groups (cli.common.option_group): one definition, the CLI as written out."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated

import pytest
import typer
from typer.testing import CliRunner

from regionatlas.cli.common import option_group, user_errors
from regionatlas.cli.main import app

runner = CliRunner()

ANALYSE = ["flows", "crossborder", "regions", "hubs", "central-places", "estimate"]
SHARED = ["--region", "--period", "--employment-rate", "--output", "--limit", "--db"]


def _options(args: list[str]) -> list[str]:
    result = runner.invoke(app, [*args, "--help"], env={"COLUMNS": "200", "NO_COLOR": "1"})
    assert result.exit_code == 0, result.output
    return re.findall(r"│ (--[a-z-]+)", result.output)


@pytest.mark.parametrize("command", ANALYSE)
def test_analyse_commands_list_their_own_options_then_the_shared_ones(command: str) -> None:
    found = _options(["analyse", command])
    # each command's own options first, then the group, then --help
    assert found[-len(SHARED) - 2 : -1] == [*SHARED, "--database-url"]
    assert found[-1] == "--help"


def test_limit_default_per_command() -> None:
    for command, default in (("flows", 30), ("estimate", 10)):
        text = runner.invoke(app, ["analyse", command, "--help"], env={"COLUMNS": "200"}).output
        assert re.search(rf"--limit .*\[default: {default}\]", text), command


@pytest.mark.parametrize("command", ["run", "compare"])
def test_scenario_commands_keep_their_options(command: str) -> None:
    found = _options(["scenario", command])
    assert found == [
        "--db",
        "--database-url",
        "--out",
        "--parameters",
        "--period",
        "--include-ring",
        "--region",
        "--help",
    ]


def _upper(value: str | None) -> str | None:
    return value.upper() if value else value


@dataclass(frozen=True)
class Toy:
    size: Annotated[int, typer.Option("--size", help="a size")] = 3
    name: Annotated[str | None, typer.Option("--name", help="a name", callback=_upper)] = None


def _toy_app(**defaults: int) -> tuple[typer.Typer, list[tuple[str, Toy]]]:
    seen: list[tuple[str, Toy]] = []
    toy = typer.Typer()

    @toy.command()
    @user_errors
    @option_group(Toy, **defaults)
    def cmd(word: Annotated[str, typer.Argument()], *, opts: Toy) -> None:
        seen.append((word, opts))

    return toy, seen


def test_option_group_passes_the_options_as_one_object() -> None:
    toy, seen = _toy_app()
    result = runner.invoke(toy, ["hello", "--size", "7", "--name", "abc"])
    assert result.exit_code == 0, result.output
    assert seen == [("hello", Toy(size=7, name="ABC"))]  # the option's callback ran
    runner.invoke(toy, ["again"])
    assert seen[-1] == ("again", Toy(size=3, name=None))


def test_option_group_default_per_command() -> None:
    toy, seen = _toy_app(size=11)
    assert runner.invoke(toy, ["x"]).exit_code == 0
    assert seen == [("x", Toy(size=11, name=None))]
    assert runner.invoke(toy, ["x", "--size", "nope"]).exit_code == 2  # typer still validates


def test_option_group_rejects_unknown_defaults() -> None:
    with pytest.raises(AssertionError, match="no options"):
        option_group(Toy, colour=1)
