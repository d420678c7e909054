"""The registry: every reader registered, detection by content, folders, unknown files."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from gv100_layout import file_text as gv100_text
from krpend_layout import default_sheets, write_workbook
from pendler_layout import csv_text, write_csv
from vg_layout import gem_features, write_vg

from regionatlas import sources
from regionatlas.errors import UnknownFormatError

CORE_FORMATS = {"bkg-vg", "destatis-gv100ad", "ba-pendleratlas-csv", "ba-krpend"}


def test_every_reader_is_registered_with_the_contract() -> None:
    assert set(sources.FORMATS) >= CORE_FORMATS
    for fmt, module in sources.FORMATS.items():
        assert fmt == module.FORMAT_ID
        assert callable(module.sniff) and callable(module.read)


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    gz = tmp_path / "gv" / "GV100AD_301123.txt.gz"
    gz.parent.mkdir()
    gz.write_bytes(gzip.compress(gv100_text().encode("utf-8")))
    plain = tmp_path / "gv" / "gemeindeverzeichnis.dat"  # content decides, not the name
    plain.write_text(gv100_text(), encoding="utf-8")
    (tmp_path / "ba").mkdir()
    (tmp_path / "k").mkdir()
    return {
        "ba-pendleratlas-csv": write_csv(tmp_path / "ba" / "statistik_pendler_1.csv", csv_text()),
        "destatis-gv100ad": gz,
        "destatis-gv100ad-plain": plain,
        "bkg-vg": write_vg(tmp_path / "vg", "VG250_GEM", gem_features()),
        "ba-krpend": write_workbook(tmp_path / "k" / "krpend-06-0-202306.xlsb", default_sheets()),
    }


def test_detect_by_content(files: dict[str, Path]) -> None:
    for fmt, path in files.items():
        assert fmt.removesuffix("-plain") == sources.detect(path).FORMAT_ID


def test_read_single_files(files: dict[str, Path]) -> None:
    for fmt, path in files.items():
        [data] = sources.read(path)
        assert data.source == fmt.removesuffix("-plain")
        data.check_columns()


def test_a_csv_in_another_layout_is_unknown(tmp_path: Path) -> None:
    other = tmp_path / "statistik.csv"
    other.write_text("a;b\n1;2\n", encoding="utf-8")
    with pytest.raises(UnknownFormatError) as info:
        sources.read(other)
    for fmt in CORE_FORMATS:
        assert fmt in info.value.message
    assert info.value.details["file"] == str(other)


def test_explicit_format(files: dict[str, Path]) -> None:
    [data] = sources.read(files["ba-pendleratlas-csv"], format="ba-pendleratlas-csv")
    assert data.source == "ba-pendleratlas-csv"
    with pytest.raises(UnknownFormatError, match="known formats"):
        sources.read(files["ba-pendleratlas-csv"], format="no-such-format")


def test_directory_expands_recursively(files: dict[str, Path], tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("notes", encoding="utf-8")
    datas = sources.read(tmp_path)
    assert sorted(d.source for d in datas) == sorted(
        ["ba-pendleratlas-csv", "destatis-gv100ad", "destatis-gv100ad", "bkg-vg", "ba-krpend"]
    )
    only = sources.read(tmp_path, format="bkg-vg")
    assert [d.source for d in only] == ["bkg-vg"]


def test_a_damaged_data_file_in_a_folder_is_refused_not_skipped(
    files: dict[str, Path], tmp_path: Path
) -> None:
    good = files["ba-pendleratlas-csv"].read_bytes()
    broken = tmp_path / "ba" / "statistik_pendler_2.csv.gz"
    broken.write_bytes(gzip.compress(good)[:40])  # a truncated download
    with pytest.raises(UnknownFormatError) as info:
        sources.read(tmp_path)
    assert info.value.details["file"] == str(broken)
    assert "damaged or truncated" in info.value.message
    # notes and other non-data files beside the data are still passed over
    broken.unlink()
    (tmp_path / "ba" / "hinweise.docx.txt").write_text("notes", encoding="utf-8")
    assert len(sources.read(tmp_path)) == 5


def test_a_folder_marked_ignore_is_not_a_source(files: dict[str, Path], tmp_path: Path) -> None:
    truth = tmp_path / "truth"
    truth.mkdir()
    (truth / "gemeinden.csv").write_text("ags;population\n01001000;5\n", encoding="utf-8")
    with pytest.raises(UnknownFormatError, match="damaged or truncated"):
        sources.read(tmp_path)
    (truth / sources.IGNORE_MARKER).write_bytes(b"")
    assert len(sources.read(tmp_path)) == 5


def test_empty_directory(tmp_path: Path) -> None:
    with pytest.raises(UnknownFormatError, match="no readable file"):
        sources.read(tmp_path)


def test_synthetic_marker_reaches_every_reader(files: dict[str, Path], tmp_path: Path) -> None:
    (tmp_path / "SYNTHETIC.txt").write_text("regionatlas synth 0.1, seed 11\n", encoding="utf-8")
    for data in sources.read(tmp_path):
        assert data.synthetic, data.source
        assert "Seed 11" in data.attribution


@pytest.mark.realdata
def test_real_folders(shared_data: Path) -> None:
    ba = sources.read(shared_data / "ba-pendleratlas-2023-kreise")
    assert len(ba) == 32 and {d.source for d in ba} == {"ba-pendleratlas-csv"}
    vg = sources.read(shared_data / "bkg-vg5000-2021" / "vg5000_ebenen_0101")
    levels = sorted(d.units.level.iloc[0] for d in vg)
    assert levels == sorted(["staat", "land", "rbz", "kreis", "vwg", "gemeinde"])
    assert all(not d.synthetic for d in ba + vg)
