"""The CLI and the web give the same file, byte for byte, for the same map table, in every
format (both write through regionatlas.exports)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from regionatlas import exports
from regionatlas.cli.main import app as cli

runner = CliRunner()
API = "/api/v1/downloads"


@pytest.mark.parametrize("fmt", exports.FORMATS)
@pytest.mark.parametrize(
    "what, args, url",
    [
        (
            "indicator-map",
            ["--indicator", "population", "--level", "gemeinde", "--period", "2023-12-31"],
            "indicator/population/gemeinde/2023-12-31",
        ),
        ("flow-map", ["--level", "kreis", "--period", "2023-06-30"], "flows/kreis/2023-06-30"),
    ],
    ids=["indicator", "flows"],
)
def test_cli_and_web_write_identical_files(
    client, web_store: Path, region_file: Path, tmp_path: Path, what, args, url, fmt
):
    web = client.get(f"{API}/{url}.{fmt}")
    assert web.status_code == 200, web.text
    out = tmp_path / f"download.{fmt}"
    db = ["--db", str(web_store), "--region", str(region_file)]
    result = runner.invoke(cli, ["export", what, *args, "-o", str(out), *db])
    assert result.exit_code == 0, result.output
    assert len(web.content) > 100
    assert out.read_bytes() == web.content
