"""Goals and interventions as TOML content: parsed with file and line in every error."""

from __future__ import annotations

import pytest

from regionatlas.errors import InputError
from regionatlas.workflows.goal_files import packaged, read_goals, read_interventions

GOAL = """region = "r"

[[goal]]
id = "g1"
title_de = "Z"
title_en = "G"
owner = "AG"
rationale_de = "r"
rationale_en = "r"

[[goal.indicator]]
id = "i1"
indicator = "population"
territory = {kind = "district", key = "06633"}
baseline_period = "2023-11-30"
target = 1
target_year = 2030
unit = "Personen"
direction = "increase"
"""


def test_packaged_examples_are_marked_as_examples():
    goals = read_goals(packaged("goals"))
    assert 3 <= len(goals) <= 5
    assert all(g.example and g.region == "region-der-mitte" for g in goals)
    items = read_interventions(packaged("interventions"))
    assert items and all(i.example for i in items)
    assert all("fikti" in i.title_de.lower() for i in items)


def test_lines_of_entries_are_known():
    (g,) = read_goals([("f.toml", GOAL)])
    assert g.line == 3
    assert g.indicators[0].line == 11


def test_not_toml_names_line_and_column():
    with pytest.raises(InputError, match=r"f\.toml: not valid TOML.*line 2"):
        read_goals([("f.toml", 'region = "r"\n[[goal]\n')])


def test_missing_key_names_the_entry_line():
    bad = GOAL.replace('owner = "AG"\n', "")
    with pytest.raises(InputError, match=r"f\.toml, line 3: 'owner' is missing"):
        read_goals([("f.toml", bad)])


def test_mistyped_value_names_the_indicator_line():
    bad = GOAL.replace("target = 1\n", 'target = "viel"\n')
    with pytest.raises(InputError, match=r"f\.toml, line 11: 'target' = 'viel'"):
        read_goals([("f.toml", bad)])


def test_file_without_region_is_refused():
    with pytest.raises(InputError, match="no top-level region"):
        read_goals([("f.toml", GOAL.replace('region = "r"\n', ""))])


def test_duplicate_goal_ids_across_files():
    with pytest.raises(InputError, match=r"also defined in a\.toml"):
        read_goals([("a.toml", GOAL), ("b.toml", GOAL)])


def test_evaluation_lines():
    text = """region = "r"
[[intervention]]
id = "m"
kind = "pilot"
title_de = "a"
title_en = "a"
places = ["06633028"]
start = "2024-01-01"
body = "b"
indicators = ["population"]

[[intervention.evaluation]]
date = "2025-01-01"
decision = "stop"
by = "Forum"
text_de = "t"
text_en = "t"
"""
    (item,) = read_interventions([("i.toml", text)])
    assert item.line == 2
    assert item.evaluations[0].line == 12
    assert item.cost_eur is None
