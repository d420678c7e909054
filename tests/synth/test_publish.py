"""BA-style publication: threshold pooling, self rows, Insgesamt rows and '*' cells."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from regionatlas.synth.flows import GROUP_COLUMNS as GROUPS
from regionatlas.synth.krpend import publish_all
from regionatlas.synth.model import Country
from regionatlas.synth.publish import (
    KIND_PARTNER,
    KIND_POOLED,
    KIND_SELF,
    KIND_TOTAL,
    THRESHOLD,
    VALUE_COLUMNS,
    Sheet,
    kreis_flows,
    publish_sheet,
)

A, B, C, D = "01051001", "01051002", "01052001", "02000000"
NAMES = {A: "Synth A", B: "Synth B", C: "Synth C", D: "Synth D"}
KREISE = {"01051": "Synthkreis 01051", "01052": "Synthkreis 01052", "02000": "Synthstadt D"}


def _flows() -> pd.DataFrame:
    rows = [  # origin, destination, total, men, women, german, foreign, trainees
        (A, A, 100, 60, 40, 90, 10, 5),
        (A, B, 25, 12, 13, 20, 5, 2),
        (A, C, 4, 1, 3, 4, 0, 0),
        (A, D, 3, 3, 0, 2, 1, 0),
        (B, A, 2, 1, 1, 2, 0, 1),
    ]
    return pd.DataFrame(rows, columns=["origin", "destination", *VALUE_COLUMNS])


def _row(sheet: Sheet, block: str, partner: str) -> pd.Series:
    r = sheet.rows
    hit = r[(r["block_key"] == block) & (r["partner_key"] == partner)]
    assert len(hit) == 1, (block, partner, r)
    return hit.iloc[0]


def test_auspendler_gemeinden_hand_case() -> None:
    sheet = publish_sheet(_flows(), NAMES, KREISE, level="gemeinde", outgoing=True)
    assert sheet.name == "Auspendler Gemeinden"
    assert (sheet.block_label, sheet.partner_label) == ("Wohnort", "Arbeitsort")
    a_rows = sheet.rows[sheet.rows["block_key"] == A]
    # Insgesamt, self, partner B, then pooled partners of Kreis 01052 and of 02000
    assert a_rows["partner_key"].tolist() == ["", A, B, "01052xxx", "02000xxx"]
    assert a_rows["kind"].tolist() == [
        KIND_TOTAL,
        KIND_SELF,
        KIND_PARTNER,
        KIND_POOLED,
        KIND_POOLED,
    ]
    total = _row(sheet, A, "")
    assert total["partner_name"] == "Insgesamt"
    assert total["total"] == 25 + 4 + 3
    assert total["men"] == 12 + 1 + 3
    assert _row(sheet, A, A)["total"] == 100
    assert _row(sheet, A, B)["partner_name"] == "Synth B"
    pooled = _row(sheet, A, "01052xxx")
    assert pooled["partner_name"].startswith("Übrige Gemeinden des Kreises")
    assert pooled["total"] == 4
    # B's only partner (A, 2 persons) is pooled in its own Kreis
    assert sheet.rows.loc[sheet.rows["block_key"] == B, "partner_key"].tolist() == ["", "01051xxx"]
    assert _row(sheet, B, "01051xxx")["total"] == 2


def test_small_cells_are_starred_with_their_complement() -> None:
    sheet = publish_sheet(_flows(), NAMES, KREISE, level="gemeinde", outgoing=True)
    r, star = sheet.rows, sheet.star
    idx = r.index[(r["block_key"] == A) & (r["partner_key"] == "01052xxx")][0]
    # men 1 -> '*', so women (3) must go too; german 4 stays, foreign 0 is '-' not '*'
    assert star.loc[idx, "men"] and star.loc[idx, "women"]
    assert not star.loc[idx, "german"] and not star.loc[idx, "foreign"]
    assert not star.loc[idx, "total"]
    idx_d = r.index[(r["block_key"] == A) & (r["partner_key"] == "02000xxx")][0]
    # german 2 / foreign 1: both small; men 3 / women 0: nothing to hide
    assert star.loc[idx_d, "german"] and star.loc[idx_d, "foreign"]
    assert not star.loc[idx_d, "men"] and not star.loc[idx_d, "women"]
    assert not star["total"].any()


def test_einpendler_and_kreise_hand_case() -> None:
    ein = publish_sheet(_flows(), NAMES, KREISE, level="gemeinde", outgoing=False)
    assert ein.name == "Einpendler Gemeinden"
    assert (ein.block_label, ein.partner_label) == ("Arbeitsort", "Wohnort")
    assert _row(ein, B, "")["total"] == 25
    assert _row(ein, B, A)["total"] == 25
    assert _row(ein, C, "01051xxx")["total"] == 4
    kf = kreis_flows(_flows())
    kre = publish_sheet(kf, KREISE, KREISE, level="kreis", outgoing=True)
    assert kre.name == "Auspendler Kreise"
    assert _row(kre, "01051", "01051")["total"] == 100 + 25 + 2
    assert _row(kre, "01051", "")["total"] == 7
    assert _row(kre, "01051", "010xx")["partner_name"] == "Übrige Kreise (Regierungsbezirk)"
    assert _row(kre, "01051", "020xx")["total"] == 3


@pytest.fixture(scope="module")
def sheets(small_country: Country) -> list[Sheet]:
    return publish_all(small_country)


def test_no_published_partner_below_threshold(sheets: list[Sheet]) -> None:
    for sheet in sheets:
        partners = sheet.rows[sheet.rows["kind"] == KIND_PARTNER]
        assert len(partners) > 0
        assert (partners["total"] >= THRESHOLD).all()
        assert (partners["partner_key"] != partners["block_key"]).all()
        assert partners["partner_name"].str.startswith("Synth").all()
        pooled = sheet.rows[sheet.rows["kind"] == KIND_POOLED]
        assert pooled["partner_name"].str.startswith("Übrige").all()
        assert pooled["partner_key"].str.endswith("xx").all()


def test_totals_reconcile(sheets: list[Sheet], small_country: Country) -> None:
    for sheet in sheets:
        r = sheet.rows
        cols = list(VALUE_COLUMNS)
        insgesamt = r[r["kind"] == KIND_TOTAL].set_index("block_key")[cols]
        parts = r[r["kind"].isin([KIND_PARTNER, KIND_POOLED])].groupby("block_key")[cols].sum()
        parts = parts.reindex(insgesamt.index, fill_value=0)
        pd.testing.assert_frame_equal(insgesamt, parts, check_names=False)
    # Auspendler Gemeinden: Insgesamt + self = employed residents
    aus = sheets[0].rows
    gm = small_country.municipalities.set_index("ags")
    out = aus[aus["kind"].isin([KIND_TOTAL, KIND_SELF])].groupby("block_key")["total"].sum()
    assert (out.reindex(gm.index, fill_value=0) == gm["employed"]).all()


def test_stars_are_used_and_only_for_small_or_paired_cells(sheets: list[Sheet]) -> None:
    starred = 0
    for sheet in sheets:
        for c in ("trainees",):
            v = sheet.rows[c][sheet.star[c]]
            assert ((v >= 1) & (v <= 2)).all()
        for a, b in (("men", "women"), ("german", "foreign")):
            primary = sheet.star[a] & sheet.rows[a].between(1, 2)
            primary |= sheet.star[b] & sheet.rows[b].between(1, 2)
            assert ((sheet.star[a] | sheet.star[b]) <= primary).all()
        starred += int(sheet.star.to_numpy().sum())
    assert starred > 0


KEYS = [A, B, "01051003", C, "01052002", D]


@given(
    st.lists(
        st.tuples(
            st.sampled_from(KEYS),
            st.sampled_from(KEYS),
            st.integers(1, 40),
            st.integers(0, 40),
            st.integers(0, 40),
            st.integers(0, 5),
        ),
        min_size=1,
        max_size=25,
        unique_by=lambda t: (t[0], t[1]),
    ),
    st.booleans(),
)
@settings(max_examples=60, deadline=None)
def test_publication_invariants(rows: list[tuple], outgoing: bool) -> None:
    flows = pd.DataFrame(
        [
            (o, d, t, min(m, t), t - min(m, t), t - min(f, t), min(f, t), min(a, t))
            for o, d, t, m, f, a in rows
        ],
        columns=["origin", "destination", *VALUE_COLUMNS],
    )
    names = {k: f"Synth {k}" for k in KEYS}
    sheet = publish_sheet(flows, names, KREISE, level="gemeinde", outgoing=outgoing)
    r = sheet.rows
    cols = list(VALUE_COLUMNS)
    # nothing is lost: all rows but Insgesamt add up to the flows
    assert (r[r["kind"] != KIND_TOTAL][cols].sum() == flows[cols].sum()).all()
    partners = r[r["kind"] == KIND_PARTNER]
    assert (partners["total"] >= THRESHOLD).all()
    pooled = r[r["kind"] == KIND_POOLED]
    assert pooled["partner_key"].str.fullmatch(r"\d{5}xxx").all()
    ins = r[r["kind"] == KIND_TOTAL].set_index("block_key")[cols]
    parts = r[r["kind"].isin([KIND_PARTNER, KIND_POOLED])].groupby("block_key")[cols].sum()
    pd.testing.assert_frame_equal(ins, parts.reindex(ins.index, fill_value=0), check_names=False)
    # a "*" hides a count of 1 or 2, or the partner cell that would reveal it
    small = (r[list(GROUPS)] > 0) & (r[list(GROUPS)] < 3)
    assert (small <= sheet.star[list(GROUPS)]).all().all()
    assert not sheet.star["total"].any()
