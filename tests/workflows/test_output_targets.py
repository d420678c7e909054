"""Every command that writes a file writes to ``-``, /dev/null, a FIFO and a character device
in place, never replacing them; commands that write a folder refuse such targets."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.output_targets import KINDS, special_target, written
from typer.testing import CliRunner

from regionatlas.cli.main import app

runner = CliRunner()
OD = "community_live,community_work,amount\nA,A,800\nA,B,50\nB,B,900\nB,A,40\n"


@pytest.mark.parametrize("kind", KINDS)
def test_lma(kind: str, tmp_path: Path) -> None:
    od = tmp_path / "od.csv"
    od.write_text(OD, encoding="utf-8")
    with special_target(kind, tmp_path) as target:
        res = runner.invoke(app, ["lma", str(od), "-o", target.path, "--min-size", "100"])
        assert res.exit_code == 0, res.output
        assert target.still_special()
        if kind in ("fifo", "stdout"):
            assert written(target, res).startswith(b"community,cluster,status\n")
            assert b"A," in written(target, res)
    if kind == "stdout":  # the report went to stderr, stdout holds the CSV only
        assert "LMAs" in res.stderr and "LMAs" not in res.stdout


@pytest.mark.parametrize("kind", KINDS)
def test_export(kind: str, region_db: Path, tmp_path: Path) -> None:
    with special_target(kind, tmp_path) as target:
        res = runner.invoke(
            app, ["export", "units", "--level", "kreis", "-o", target.path, "--db", str(region_db)]
        )
        assert res.exit_code == 0, res.output
        assert target.still_special()
        if kind in ("fifo", "stdout"):
            text = written(target, res).decode("utf-8")
            assert text.startswith("ags,") and "06611" in text
            assert text.splitlines()[0].endswith(",attribution,licence")  # in the table itself
    assert not list(tmp_path.glob("*.attribution.txt"))  # no side file anywhere


@pytest.mark.parametrize("kind", KINDS)
def test_analyse_output(kind: str, region_db: Path, tmp_path: Path) -> None:
    with special_target(kind, tmp_path) as target:
        res = runner.invoke(
            app, ["analyse", "flows", "--level", "kreis", "-o", target.path, "--db", str(region_db)]
        )
        assert res.exit_code == 0, res.output
        assert target.still_special()
        if kind in ("fifo", "stdout"):
            text = written(target, res).decode("utf-8")
            assert text.startswith("ags,") and "06611" in text
    if kind == "stdout":
        assert "basis: official" in res.stderr and "Grundlage" not in res.stdout


@pytest.mark.parametrize("command", ["bundle", "export-static", "synth"])
@pytest.mark.parametrize("kind", KINDS)
def test_folder_commands_refuse_non_folders(
    command: str, kind: str, region_db: Path, tmp_path: Path
) -> None:
    with special_target(kind, tmp_path) as target:
        if command == "bundle":
            args = ["bundle", "--out", target.path]
        elif command == "synth":
            args = ["synth", "--municipalities", "50", "--seed", "1", "--out", target.path]
        else:
            args = ["export-static", target.path, "--db", str(region_db)]
        res = runner.invoke(app, args)
        assert res.exit_code == 2, res.output
        assert "not a directory" in res.output or "folder" in res.output
        assert target.still_special()
        if kind == "fifo":
            assert target.data == b""


@pytest.mark.slow
@pytest.mark.parametrize(
    "args",
    [
        ["crossborder", "--table", "states"],
        ["hubs", "--level", "kreis"],
        ["regions"],
        ["central-places", "--table", "places"],
        ["estimate"],
    ],
    ids=lambda a: a[0],
)
def test_every_analyse_command_streams_to_a_fifo(
    args: list[str], region_db: Path, tmp_path: Path
) -> None:
    """Every ``analyse`` command writes -o through the same path (``_emit``): a FIFO gets
    the whole CSV and stays a FIFO."""
    with special_target("fifo", tmp_path) as target:
        res = runner.invoke(app, ["analyse", *args, "-o", target.path, "--db", str(region_db)])
        assert res.exit_code == 0, res.output
        text = target.data.decode("utf-8")
        assert target.still_special()
    header = text.splitlines()[0].split(",")
    assert "basis" in header and len(text.splitlines()) > 2
