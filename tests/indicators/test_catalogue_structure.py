"""Optional structure keys of the catalogue (profile charts: sectors, age pyramid)."""

from __future__ import annotations

import pytest

from regionatlas.errors import InputError
from regionatlas.indicators.catalogue import STRUCTURE_KEYS, catalogue, load_catalogue

BASE = """
[[indicator]]
id = "{id}"
name_de = "x"
name_en = "x"
unit = "Personen"
topic = "labour"
polarity = 0
source = "s"
definition_de = "d"
definition_en = "d"
"""


def _write(tmp_path, *entries: tuple[str, str]):
    path = tmp_path / "cat.toml"
    path.write_text("".join(BASE.format(id=i) + extra for i, extra in entries), encoding="utf-8")
    return path


def test_packaged_catalogue_exposes_structure_columns() -> None:
    cat = catalogue()
    for key in STRUCTURE_KEYS:
        assert key in cat.columns
    # indicators without the keys carry no structure
    assert cat.set_index("id").loc["population", "structure"] is None


def test_structure_keys_are_loaded(tmp_path) -> None:
    path = _write(
        tmp_path,
        ("plain", ""),
        ("sec_a", 'structure = "sectors"\nstructure_order = 2\n'),
        (
            "pop_f_0_3",
            'structure = "age_pyramid"\nstructure_order = 1\nstructure_sex = "female"\n'
            'structure_band = "0–3"\n',
        ),
    )
    cat = load_catalogue(path).set_index("id")
    assert cat.loc["sec_a", "structure"] == "sectors"
    assert cat.loc["sec_a", "structure_order"] == 2
    assert cat.loc["sec_a", "structure_sex"] is None
    assert cat.loc["pop_f_0_3", "structure_band"] == "0–3"
    assert cat.loc["pop_f_0_3", "structure_sex"] == "female"
    assert cat.loc["plain", "structure"] is None
    assert cat["structure_order"].isna().sum() == 1


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        ('structure = "pie"\nstructure_order = 1\n', "structure must be one of"),
        ('structure = "sectors"\n', "structure_order"),
        ('structure = "sectors"\nstructure_order = "1"\n', "structure_order"),
        ('structure = "sectors"\nstructure_order = 0\n', "structure_order"),
        ("structure_order = 3\n", "without 'structure'"),
        ('structure = "age_pyramid"\nstructure_order = 1\nstructure_band = "0–3"\n', "sex"),
        (
            'structure = "age_pyramid"\nstructure_order = 1\nstructure_sex = "divers"\n'
            'structure_band = "0–3"\n',
            "structure_sex",
        ),
        ('structure = "age_pyramid"\nstructure_order = 1\nstructure_sex = "male"\n', "band"),
        ('structure = "sectors"\nstructure_order = 1\nstructure_sex = "male"\n', "age_pyramid"),
    ],
)
def test_bad_structure_keys_are_named(tmp_path, extra: str, needle: str) -> None:
    path = _write(tmp_path, ("bad_one", extra))
    with pytest.raises(InputError, match="bad_one") as info:
        load_catalogue(path)
    assert needle in str(info.value)
