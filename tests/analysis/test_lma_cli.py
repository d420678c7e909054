"""The ``regionatlas lma`` command, run through typer's CliRunner."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from regionatlas.analysis.lma import LmaParams, areas_table, find_lma
from regionatlas.cli.main import app
from regionatlas.workflows.lma import write_lma_outputs

runner = CliRunner()
OD = (
    "community_live,community_work,amount\n"
    "A,A,800\nA,B,50\nA,V,5\nB,B,900\nB,A,40\nV,V,30\nV,A,120\nV,B,60\n"
)


def flat(text: str) -> str:
    """Console output with rich's line wrapping undone."""
    return " ".join(text.split())


ARGS = ["--min-size", "100", "--min-sc", "0.6", "--target-size", "200", "--target-sc", "0.75"]


def test_lma_command_writes_areas_and_prints_summary(tmp_path: Path) -> None:
    od = tmp_path / "OD.csv"
    od.write_text(OD)
    out = tmp_path / "areas.csv"
    res = runner.invoke(app, ["lma", str(od), *ARGS, "-o", str(out)])
    assert res.exit_code == 0, res.output
    areas = pd.read_csv(out, dtype=str)
    # the village V commutes mostly to A and joins it (see test_lma.py for the numbers)
    assert dict(zip(areas["community"], areas["cluster"], strict=True)) == {
        "A": "1", "B": "2", "V": "1"
    }  # fmt: skip
    assert "2 LMAs" in flat(res.output)
    assert "Labour-market areas" in res.output


def test_lma_command_summary_file_and_leiden(tmp_path: Path) -> None:
    od = tmp_path / "OD.csv"
    od.write_text(OD)
    out, summary = tmp_path / "areas.csv", tmp_path / "summary.csv"
    res = runner.invoke(
        app, ["lma", str(od), *ARGS, "-o", str(out), "--summary", str(summary), "--leiden"]
    )
    assert res.exit_code == 0, res.output
    stats = pd.read_csv(summary, dtype={"main_centre": str})
    assert stats["main_centre"].tolist() == ["A", "B"]
    assert "adjusted Rand 1.0000" in flat(res.output)


def test_malformed_table_exits_2_names_the_row_and_writes_nothing(tmp_path: Path) -> None:
    od = tmp_path / "OD.csv"
    od.write_text(OD + "B,V,1.5\n")
    out, summary = tmp_path / "areas.csv", tmp_path / "summary.csv"
    res = runner.invoke(app, ["lma", str(od), "-o", str(out), "--summary", str(summary)])
    assert res.exit_code == 2
    assert "line 10" in flat(res.output)
    assert "1.5" in res.output
    assert "Traceback" not in res.output
    assert not out.exists()
    assert not summary.exists()
    assert list(tmp_path.iterdir()) == [od]


def test_unknown_unit_and_bad_parameters(tmp_path: Path) -> None:
    od = tmp_path / "OD.csv"
    od.write_text(OD)
    units = tmp_path / "units.txt"
    units.write_text("A\nB\n")
    out = tmp_path / "areas.csv"
    res = runner.invoke(app, ["lma", str(od), "-o", str(out), "--units", str(units)])
    assert res.exit_code == 2
    assert "unknown unit" in flat(res.output)
    assert "line 4" in flat(res.output)  # A,V,5: the first row naming V
    res = runner.invoke(app, ["lma", str(od), "-o", str(out), "--min-size", "20000"])
    assert res.exit_code == 2
    assert "min_size" in res.output
    assert not out.exists()


def test_write_outputs_lists_every_community(tmp_path: Path) -> None:
    rows = [("a", "a", 500), ("a", "b", 20), ("b", "b", 400), ("b", "a", 30), ("z", "z", 9)]
    flows = pd.DataFrame(rows, columns=["community_live", "community_work", "amount"])
    result = find_lma(flows, LmaParams(100, 0.6, 200, 0.75))
    out, summary = tmp_path / "sub" / "areas.csv", tmp_path / "summary.csv"
    write_lma_outputs(result, out, summary)
    areas = pd.read_csv(out, dtype=str)
    assert areas.columns.tolist() == ["community", "cluster", "status"]
    assert areas.values.tolist() == [["a", "1", "lma"], ["b", "2", "lma"], ["z", "0", "zero_list"]]
    stats = pd.read_csv(summary)
    assert stats["cluster"].tolist() == [1, 2]
    assert {"main_centre", "sc_supply_side", "sc_demand_side", "residents"} <= set(stats.columns)
    assert not list(tmp_path.rglob("*.tmp"))
    assert areas_table(result).equals(areas_table(result))


def test_ids_are_ranked_as_numbers_in_the_cli_path(tmp_path: Path) -> None:
    # "2" sends 4 to each of "9" and "10", which are alike: both ties are exactly equal
    # and the last in rank order wins. As numbers "10" is last (as text "9" would be).
    od = tmp_path / "OD.csv"
    od.write_text("community_live,community_work,amount\n10,10,12\n2,2,4\n2,10,4\n9,9,12\n2,9,4\n")
    out = tmp_path / "areas.csv"
    args = ["--min-size", "10", "--min-sc", "0.6", "--target-size", "20", "--target-sc", "0.75"]
    res = runner.invoke(app, ["lma", str(od), *args, "-o", str(out)])
    assert res.exit_code == 0, res.output
    areas = pd.read_csv(out, dtype=str).set_index("community")["cluster"].to_dict()
    # ranks: 2 → 1, 9 → 2, 10 → 3; 2 joins 10's area (id 3)
    assert areas == {"2": "3", "9": "2", "10": "3"}


def test_method_option_written_drops_amount_0_links(tmp_path: Path) -> None:
    # the constructed input of docs/lma-reference-differences.md, point 2
    od = tmp_path / "OD.csv"
    rows = ["1,1,5", "2,5,1", "3,3,100", "3,4,3", "4,4,5", "5,1,30", "5,2,3", "5,4,0", "5,5,1"]
    od.write_text("community_live,community_work,amount\n" + "\n".join(rows) + "\n")
    args = ["--min-size", "900", "--min-sc", "0.3", "--target-size", "1000", "--target-sc", "0.9"]
    got = {}
    for method in ("reference", "written"):
        out = tmp_path / f"{method}.csv"
        res = runner.invoke(app, ["lma", str(od), *args, "--method", method, "-o", str(out)])
        assert res.exit_code == 0, res.output
        got[method] = pd.read_csv(out, dtype=str).set_index("community")["status"].to_dict()
    assert set(got["reference"].values()) == {"lma"}
    assert [c for c, s in got["written"].items() if s == "not_assigned"] == ["1", "2", "5"]
    res = runner.invoke(app, ["lma", str(od), "--method", "clean", "-o", str(tmp_path / "x")])
    assert res.exit_code == 2
    assert "reference, written" in flat(res.output)
