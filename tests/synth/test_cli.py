"""``regionatlas synth`` on the command line."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from regionatlas.cli.main import app

runner = CliRunner()


def test_synth_command_writes_and_summarises(tmp_path: Path) -> None:
    out = tmp_path / "de"
    result = runner.invoke(
        app,
        [
            "synth",
            "--out",
            str(out),
            "--municipalities",
            "80",
            "--seed",
            "3",
            "--districts",
            "20",
            "--quiet",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "OD" in result.output and "80" in result.output
    assert (out / "SYNTHETIC.txt").read_text(encoding="utf-8").count("seed: 3") == 1
    lines = (out / "destatis-gv100ad" / "GV100AD_301123.txt").read_text("utf-8").splitlines()
    assert sum(1 for line in lines if line.startswith("60")) == 80
    assert sum(1 for line in lines if line.startswith("40")) == 20


def test_synth_command_reports_bad_parameters(tmp_path: Path) -> None:
    result = runner.invoke(app, ["synth", "--out", str(tmp_path / "x"), "-n", "5"])
    assert result.exit_code == 2
    assert "municipalities" in result.output
    assert not (tmp_path / "x").exists()
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "keep.txt").write_text("x")
    result = runner.invoke(app, ["synth", "--out", str(busy), "-n", "60"])
    assert result.exit_code == 2
    assert (busy / "keep.txt").exists()
