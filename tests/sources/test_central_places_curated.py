"""Reader for the cited central-place file: small files written in its layout."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from regionatlas.errors import SourceFormatError
from regionatlas.settings import PROJECT_ROOT
from regionatlas.sources import central_places_curated as cp

HEADER = ",".join(cp.COLUMNS)
GOOD = (
    '06611000,"Kassel, documenta-Stadt",06,Oberzentrum,3,LEP Hessen 2020,GVBl. 2021 S. 394,'
    "5.2.1 Oberzentren,,plan,LEP Hessen 2020 Lesefassung,2026-11-25,\n"
    '03159016,"Göttingen, Stadt",03,Mittelzentrum mit oberzentralen Teilfunktionen,2,LROP,'
    '2022,Anlage 2,12,"secondary, Wikipedia citing LROP",https://example.org/x,2026-11-24,note\n'
)


def write(tmp_path: Path, body: str, header: str = HEADER, name: str = "cp.csv") -> Path:
    path = tmp_path / name
    path.write_text(header + "\n" + body, encoding="utf-8")
    return path


def test_reads_rows_and_observations(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD)
    assert cp.sniff(path)
    rows = cp.read_rows(path)
    assert rows["ags"].tolist() == ["06611000", "03159016"]
    assert rows["level"].tolist() == [3, 2]
    data = cp.read(path)
    obs = data.observations
    assert obs is not None
    assert obs["indicator"].unique().tolist() == [cp.INDICATOR]
    assert obs.set_index("ags")["value"].to_dict() == {"06611000": 3.0, "03159016": 2.0}
    assert obs.set_index("ags")["period"]["03159016"] == "2026-11-24"
    assert data.vintage == "2026-11-25"
    assert data.source == cp.FORMAT_ID
    assert "1 from secondary" in data.notes[0]


def test_gzip_and_sniff_negatives(tmp_path: Path) -> None:
    gz = tmp_path / "cp.csv.gz"
    gz.write_bytes(gzip.compress((HEADER + "\n" + GOOD).encode()))
    assert cp.sniff(gz)
    assert len(cp.read_rows(gz)) == 2
    assert not cp.sniff(write(tmp_path, GOOD, header="ags,name", name="other.csv"))
    assert not cp.sniff(write(tmp_path, GOOD, name="cp.txt"))


@pytest.mark.parametrize(
    "line, column, match",
    [
        ("6611000,Kassel,06,Oberzentrum,3,P,V,S,,plan,T,2026-11-25,", "ags", "8 digits"),
        ("06611000,Kassel,05,Oberzentrum,3,P,V,S,,plan,T,2026-11-25,", "state", "does not match"),
        ("16061001,X,16,Oberzentrum,3,P,V,S,,plan,T,2026-11-25,", "state", "vocabulary"),
        ("06611000,Kassel,06,Unterzentrum,1,P,V,S,,plan,T,2026-11-25,", "category_state", "vocab"),
        ("06611000,Kassel,06,Oberzentrum,2,P,V,S,,plan,T,2026-11-25,", "level", "does not match"),
        ("06611000,Kassel,06,Oberzentrum,3,,V,S,,plan,T,2026-11-25,", "plan", "empty"),
        ("06611000,Kassel,06,Oberzentrum,3,P,V,,,plan,T,2026-11-25,", "section", "neither"),
        ("06611000,Kassel,06,Oberzentrum,3,P,V,S,,guess,T,2026-11-25,", "source_kind", "unknown"),
        (
            "06611000,Kassel,06,Oberzentrum,3,P,V,S,,plan,,2026-11-25,",
            "source_url_or_title",
            "empty",
        ),
        ("06611000,Kassel,06,Oberzentrum,3,P,V,S,,plan,T,25.11.2026,", "checked", "ISO"),
    ],
)
def test_bad_rows_name_line_and_column(tmp_path: Path, line: str, column: str, match: str) -> None:
    path = write(tmp_path, GOOD + line + "\n")
    with pytest.raises(SourceFormatError, match=match) as err:
        cp.read(path)
    assert err.value.details["line"] == 4
    assert err.value.details["column"] == column
    assert err.value.details["file"] == str(path)


def test_duplicate_ags_and_bad_header(tmp_path: Path) -> None:
    first = GOOD.splitlines()[0]
    with pytest.raises(SourceFormatError, match="twice") as err:
        cp.read_rows(write(tmp_path, GOOD + first + "\n"))
    assert err.value.details["line"] == 4
    with pytest.raises(SourceFormatError, match="header"):
        cp.read_rows(write(tmp_path, GOOD, header=HEADER.replace("page", "seite")))
    with pytest.raises(SourceFormatError, match="fields"):
        cp.read_rows(write(tmp_path, "06611000,Kassel\n"))
    latin = tmp_path / "latin.csv"
    latin.write_bytes((HEADER + "\n" + GOOD).encode("latin-1"))
    with pytest.raises(SourceFormatError, match="not valid utf-8"):
        cp.read_rows(latin)


def test_the_project_file_reads() -> None:
    path = PROJECT_ROOT / "data" / "central-places" / "central-places.csv"
    assert cp.sniff(path)
    data = cp.read(path)
    assert data.observations is not None and len(data.observations) > 0
    data.check_columns()
