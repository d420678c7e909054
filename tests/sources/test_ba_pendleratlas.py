"""BA Pendleratlas CSV reader: layout, markers, pooled rows, and every kind of bad input."""

from __future__ import annotations

import gzip
import tomllib
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pendler_layout import AUS_ROWS, csv_text, write_csv

from regionatlas.errors import SourceFormatError
from regionatlas.settings import DEFAULT_REGION
from regionatlas.sources import ba_pendleratlas as reader


def _flow(data, origin, destination, grp="total"):
    f = data.flows
    hit = f[(f.origin == origin) & (f.destination == destination) & (f.grp == grp)]
    assert len(hit) == 1, (origin, destination, grp)
    return hit.iloc[0]


@pytest.mark.parametrize("dots", [True, False])
def test_reads_both_number_forms_to_the_same_counts(tmp_path: Path, dots: bool) -> None:
    data = reader.read(write_csv(tmp_path / "aus.csv", csv_text(dots=dots)))
    data.check_columns()
    assert _flow(data, "06633", "06611").persons == 1275210
    assert _flow(data, "06611", "06633", "trainees").persons == 400
    obs = data.observations.set_index("indicator")
    kassel = obs[obs.ags == "06611"]
    assert kassel.loc["out_commuters", "value"] == 29100
    assert kassel.loc["out_commuters.women", "value"] == 9980
    assert set(obs.index) == {
        "out_commuters",
        "out_commuters.men",
        "out_commuters.women",
        "out_commuters.german",
        "out_commuters.foreign",
        "out_commuters.trainees",
    }
    assert data.vintage == "2023-06-30"
    assert "Stichtag 30.06.2023" in data.attribution
    assert not data.synthetic


def test_markers_stay_markers_and_pooled_rows_keep_their_key(tmp_path: Path) -> None:
    data = reader.read(write_csv(tmp_path / "aus.csv", csv_text()))
    foreign = _flow(data, "06611", "10046", "foreign")
    assert np.isnan(foreign.persons) and foreign.flag == "*"
    assert _flow(data, "06611", "10046", "total").persons == 20
    pooled = _flow(data, "06611", "010xx")
    assert pooled.flag == "pooled" and pooled.persons == 40
    zero = _flow(data, "06611", "010xx", "trainees")  # a published 0 stays a 0, pooled
    assert zero.persons == 0 and zero.flag == "pooled"
    abroad = _flow(data, "06611", "CH")
    assert (abroad.persons == 20 and abroad.flag is None) or np.isnan(abroad.flag)
    # every row of the file became 6 flows, except the totals
    assert len(data.flows) == 6 * (len(AUS_ROWS) - 2)
    assert data.flows.level.eq("kreis").all()
    assert data.flows.reported_by.eq("residence").all()


def test_einpendler_turn_the_direction_around(tmp_path: Path) -> None:
    rows = [
        [
            "Kassel, documenta-Stadt",
            "06611",
            "Einpendler insgesamt",
            "0",
            "70000",
            "1",
            "2",
            "3",
            "4",
            "5",
        ],
        ["Kassel, documenta-Stadt", "06611", "Kassel", "06633", "40000", "1", "2", "3", "4", "5"],
    ]
    text = csv_text("workplace", rows)
    data = reader.read(write_csv(tmp_path / "ein.csv", text))
    flow = _flow(data, "06633", "06611")
    assert flow.persons == 40000 and flow.reported_by == "workplace"
    obs = data.observations
    assert obs[(obs.ags == "06611") & (obs.indicator == "in_commuters")].value.item() == 70000


def test_names_are_kept_as_found(tmp_path: Path) -> None:
    # the reader never rewrites names; it reports what the file says in notes/observations only
    data = reader.read(write_csv(tmp_path / "a.csv", csv_text(dots=True, land="Saarland")))
    assert data.notes == ["Auspendler Kreise – Saarland"]


def test_gzip_is_the_same_batch(tmp_path: Path) -> None:
    text = csv_text()
    plain = reader.read(write_csv(tmp_path / "a.csv", text))
    gz = tmp_path / "b.csv.gz"
    gz.write_bytes(gzip.compress(text.encode("utf-8")))
    assert reader.sniff(gz)
    packed = reader.read(gz)
    assert packed.sha256 == plain.sha256
    assert packed.flows.equals(plain.flows)


def test_synthetic_marker_sets_synthetic_provenance(tmp_path: Path) -> None:
    (tmp_path / "SYNTHETIC.txt").write_text("synthetic data, seed: 42\n", encoding="utf-8")
    sub = tmp_path / "Auspendler"
    sub.mkdir()
    data = reader.read(write_csv(sub / "a.csv", csv_text()))
    assert data.synthetic
    assert data.licence == "CC0-1.0"
    assert "Seed 42" in data.attribution
    assert data.publisher.startswith("regionatlas synth")


def _error(tmp_path: Path, text: str | bytes) -> SourceFormatError:
    path = tmp_path / "bad.csv"
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    with pytest.raises(SourceFormatError) as info:
        reader.read(path)
    err = info.value
    assert err.file == str(path)
    assert str(path) in str(err)
    return err


def test_truncated_file_without_footer(tmp_path: Path) -> None:
    err = _error(tmp_path, csv_text(footer=False))
    assert "footer" in err.message and err.line is not None


def test_cut_line_in_the_middle(tmp_path: Path) -> None:
    text = csv_text()
    lines = text.split("\n")
    lines[13] = lines[13][:40]  # second data row cut
    err = _error(tmp_path, "\n".join(lines))
    assert err.line == 14
    assert "fields" in err.message


def test_cut_file_mid_row(tmp_path: Path) -> None:
    text = csv_text()
    cut = text[: text.index('Kassel, documenta-Stadt";"06611";"Kassel"') + 30]
    err = _error(tmp_path, cut)
    assert "footer" in err.message


def test_latin1_file_names_line_and_column(tmp_path: Path) -> None:
    raw = csv_text().lstrip("\ufeff").encode("cp1252")
    err = _error(tmp_path, raw)
    assert err.line == 8  # the "Hinweise" row holds the first non-ASCII character (Ü)
    assert err.column is not None and err.column > 1
    assert "UTF-8" in err.message or "UTF-8" in (err.expected or "")


def test_latin1_file_reads_when_asked(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "l.csv", csv_text().lstrip("\ufeff"), encoding="cp1252")
    data = reader.read(path, encoding="cp1252")
    assert _flow(data, "06633", "06611").persons == 1275210


def test_changed_column_header(tmp_path: Path) -> None:
    header = (
        "Wohnort;Regionalschlüssel;Arbeitsort;Regionalschlüssel;Gesamt;Männer;Frauen;"
        "Deutsche;Ausländer;Auszubildende"
    )
    err = _error(tmp_path, csv_text(header=header))
    assert err.line == 12 and err.column == 5 and err.value == "Gesamt"
    assert "Insgesamt" in err.expected


def test_missing_column(tmp_path: Path) -> None:
    header = "Wohnort;Regionalschlüssel;Arbeitsort;Regionalschlüssel;Insgesamt;Männer;Frauen"
    err = _error(tmp_path, csv_text(header=header))
    assert err.line == 12


def test_duplicate_pair(tmp_path: Path) -> None:
    rows = [*AUS_ROWS, AUS_ROWS[2]]
    err = _error(tmp_path, csv_text(rows=rows))
    assert err.line == 12 + len(rows)
    assert "duplicate" in err.message and "06611" in err.value


@pytest.mark.parametrize(
    ("cell", "column", "value"),
    [(4, 5, "12a"), (6, 7, "1,5"), (9, 10, "")],
)
def test_non_numeric_value(tmp_path: Path, cell: int, column: int, value: str) -> None:
    rows = [list(r) for r in AUS_ROWS]
    rows[3][cell] = value
    err = _error(tmp_path, csv_text(rows=rows, dots=False))
    assert err.line == 16 and err.column == column and err.value == value


@pytest.mark.parametrize(("col", "value"), [(1, "6611"), (1, "0661A"), (3, "06633X"), (3, "")])
def test_unknown_or_malformed_key(tmp_path: Path, col: int, value: str) -> None:
    rows = [list(r) for r in AUS_ROWS]
    rows[2][col] = value
    err = _error(tmp_path, csv_text(rows=rows))
    assert err.line == 15 and err.column == col + 1


def test_total_key_on_an_ordinary_row(tmp_path: Path) -> None:
    rows = [list(r) for r in AUS_ROWS]
    rows[2][3] = "0"
    err = _error(tmp_path, csv_text(rows=rows))
    assert err.line == 15 and "total" in err.message


def test_missing_reference_month(tmp_path: Path) -> None:
    err = _error(tmp_path, csv_text(month="irgendwann"))
    assert "Berichtsmonat" in err.expected


def test_sniff_rejects_other_csv(tmp_path: Path) -> None:
    other = tmp_path / "x.csv"
    other.write_text("a;b\n1;2\n", encoding="utf-8")
    assert not reader.sniff(other)
    assert reader.sniff(write_csv(tmp_path / "y.csv", csv_text()))


# ---------------------------------------------------------------- real files


@pytest.fixture(scope="module")
def real(shared_data: Path) -> list:
    files = sorted((shared_data / "ba-pendleratlas-2023-kreise").rglob("*.csv"))
    assert len(files) == 32
    return [reader.read(f) for f in files]


@pytest.mark.realdata
def test_real_files_kassel_total_matches_published_row(real, shared_data: Path) -> None:
    aus = [d for d in real if d.flows.reported_by.iloc[0] == "residence"]
    assert len(aus) == 16
    obs = next(d.observations for d in aus if (d.observations.ags == "06611").any())
    total = obs[(obs.ags == "06611") & (obs.indicator == "out_commuters")].value.item()
    assert total == 29100
    # the published total row equals (up to the BA's rounding) the sum of its partner rows
    flows = next(d.flows for d in aus if (d.flows.origin == "06611").any())
    partners = flows[(flows.origin == "06611") & (flows.grp == "total")]
    assert abs(partners.persons.sum() - total) <= 5 * len(partners)


@pytest.mark.realdata
def test_real_files_cover_the_region_and_keep_pooled_rows(real) -> None:
    region = tomllib.loads(DEFAULT_REGION.read_text(encoding="utf-8"))["region"]
    core = {c["ags"] for c in region["core"]}
    assert len(core) >= 9
    origins = set().union(*(set(d.flows.origin) for d in real))
    assert core <= origins
    pooled = sum(int((d.flows.flag == "pooled").sum()) for d in real)
    assert pooled == 6 * 15325  # "Übrige" rows counted with grep in the files, 6 groups each
    for d in real:
        d.check_columns()
        assert d.vintage == "2023-06-30"
        assert not d.flows.persons.isna().any()  # the files hold no markers: no NaN appears
        assert d.flows.origin.str.len().isin([1, 2, 3, 5]).all()


def test_topic_that_contradicts_the_column_row(tmp_path: Path) -> None:
    text = csv_text().replace("Auspendler Kreise", "Einpendler Kreise")
    err = _error(tmp_path, text)
    assert err.line == 12 and err.value == "Einpendler Kreise"


def test_other_regional_level_is_refused(tmp_path: Path) -> None:
    text = csv_text().replace('"Regionale Ebene";"Kreise"', '"Regionale Ebene";"Gemeinden"')
    err = _error(tmp_path, text)
    assert err.value == "Gemeinden"


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(counts=st.lists(st.integers(min_value=0, max_value=10**7), min_size=6, max_size=6))
def test_thousands_dots_property(tmp_path: Path, counts: list[int]) -> None:
    row = ["Kassel", "06633", "Kassel, documenta-Stadt", "06611", *map(str, counts)]
    rows = [AUS_ROWS[0], row]
    dotted = reader.read(write_csv(tmp_path / "d.csv", csv_text(rows=rows, dots=True)))
    plain = reader.read(write_csv(tmp_path / "p.csv", csv_text(rows=rows, dots=False)))
    assert list(dotted.flows.persons) == counts
    assert dotted.flows.equals(plain.flows)
