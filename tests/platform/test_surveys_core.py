"""Surveys without the web: questionnaires as data, the answer rules, the LimeSurvey exchange
(with refusals per row and nothing half-imported), suppression and Wilson intervals, the
perceived-vs-measured measures and the synthetic generator."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from regionatlas.analysis import surveys as sa
from regionatlas.platform.models import SurveyFreeText, SurveyResponse
from regionatlas.platform.surveys import limesurvey as ls
from regionatlas.platform.surveys import service, synth
from regionatlas.platform.surveys.answers import validate
from regionatlas.platform.surveys.questionnaire import QuestionnaireError, parse_text, shipped

DATA = Path(__file__).resolve().parents[1] / "data" / "surveys"
PLACES = {"06611000", "06633001", "06633002", "06633003", "03159001", "03159002", "05774001",
          "05774002"}  # fmt: skip


@pytest.fixture
def firms():
    return shipped("firms")


def test_shipped_questionnaires_have_both_languages_and_all_types():
    types = set()
    for qid in ("firms", "municipalities"):
        qn = shipped(qid)
        for q in qn.questions:
            assert q.text["de"] and q.text["en"], q.code
            types.add(q.type)
    assert types == {"choice", "multi", "scale", "number", "text", "ranking", "place"}


@pytest.mark.parametrize(
    ("toml", "expected"),
    [
        ('id = "x"\ntitle = {de = "a", en = "b"}\n', "no questions"),
        (
            'id = "x"\ntitle = {de = "a", en = "b"}\n[[questions]]\ncode = "1A"\ntype = "text"\n'
            'text = {de = "a", en = "b"}',
            "invalid",
        ),
        (
            'id = "x"\ntitle = {de = "a", en = "b"}\n[[questions]]\ncode = "A"\ntype = "choice"\n'
            'text = {de = "a", en = "b"}',
            "needs options",
        ),
        (
            'id = "x"\ntitle = {de = "a"}\n[[questions]]\ncode = "A"\ntype = "text"\n'
            'text = {de = "a", en = "b"}',
            "de and en",
        ),
        (
            'id = "x"\ntitle = {de = "a", en = "b"}\n[[questions]]\ncode = "A"\ntype = "text"\n'
            'text = {de = "a", en = "b"}\nshow_if = {question = "Z", values = ["1"]}',
            "earlier",
        ),
    ],
)
def test_invalid_questionnaires_are_refused(toml, expected):
    with pytest.raises(QuestionnaireError, match=expected):
        parse_text(toml, "bad.toml")


def test_validation_rules(firms):
    raw = {"LOC": [("06611000", "")], "SECTOR": "Z", "SIZE": "", "SHORT": "9",
           "REMOTE": "abc", "STAFF": [("06611000", "80"), ("06633001", "30")]}  # fmt: skip
    checked = validate(firms, raw, {}, PLACES, final=True)
    assert checked.errors["SECTOR"][0] == "not_option"
    assert checked.errors["SIZE"][0] == "required"
    assert checked.errors["SHORT"][0] == "range"
    assert checked.errors["REMOTE"][0] == "not_number"
    assert checked.errors["STAFF"][0] == "shares_sum"
    draft = validate(firms, {"SIZE": ""}, {}, PLACES, final=False)
    assert "SIZE" not in draft.errors  # a draft may leave required questions open
    bad_place = validate(firms, {"LOC": [("Atlantis", "")]}, {}, PLACES, final=False)
    assert bad_place.errors["LOC"] == ("not_place", {"value": "Atlantis"})


def test_hidden_questions_lose_their_answers(firms):
    raw = {"COOP": "N", "COOPWHO": [("03159001", "")], "SHORT": "2", "SHORTWHO": ["IT"]}
    checked = validate(firms, raw, {}, PLACES, final=False)
    assert checked.ok
    assert "COOPWHO" not in checked.answers and "SHORTWHO" not in checked.answers
    shown = validate(firms, {**raw, "COOP": "Y"}, {}, PLACES, final=False)
    assert shown.answers["COOPWHO"] == [{"ags": "03159001", "share": None}]


def test_free_texts_are_kept_apart_from_answers(firms):
    checked = validate(firms, {}, {"COMMENT": "  hello  "}, PLACES, final=False)
    assert "COMMENT" not in checked.answers
    assert checked.texts == {"COMMENT": "hello"}


# --------------------------------------------------------------------------- LimeSurvey
def test_limesurvey_roundtrip_of_every_question_type(firms):
    answers = {"LOC": [{"ags": "06611000", "share": None}], "SECTOR": "-oth-", "SIZE": "S2",
               "STAFF": [{"ags": "06611000", "share": 60}, {"ags": "06633001", "share": 25}],
               "SHORT": 4, "SHORTWHO": ["IT", "-oth-"], "REMOTE": 20, "COOP": "Y",
               "COOPWHO": [{"ags": "03159001", "share": None}]}  # fmt: skip
    texts = {"SECTOR_other": "Kreativwirtschaft", "SHORTWHO_other": "Statik", "COMMENT": "ok"}
    meta = {"id": "1", "submitdate": "2026-01-01 00:00:00", "startlanguage": "de"}
    text = ls.write_csv(firms, [(meta, answers, texts)])
    header = text.splitlines()[0]
    assert '"STAFF[S1]"' in header and '"SECTOR[other]"' in header and '"SHORTWHO[IT]"' in header
    rows = ls.read_csv(text.encode(), firms, PLACES, "x.csv")
    assert rows[0].checked.answers == answers
    assert rows[0].checked.texts == texts


def test_limesurvey_test_file_imports(pdb, firms):
    data = (DATA / "firms-responses.csv").read_bytes()
    rows = ls.read_csv(data, firms, PLACES, "firms-responses.csv")
    assert [r.complete for r in rows] == [True, True, False, True]
    assert rows[0].checked.answers["STAFF"] == [
        {"ags": "06611000", "share": 60},
        {"ags": "06633001", "share": 25},
    ]
    assert rows[3].checked.texts["SHORTWHO_other"] == "Fachinformatik"
    structure = ls.read_lss((DATA / "firms.lss").read_bytes())
    assert structure["INTEREST"].subquestions == ["CW", "SAT"]
    assert structure["SECTOR"].answers == ["C", "F"]
    ls.check_structure(structure, firms, "firms.lss")
    with pdb.session() as s:
        survey = service.create_survey(s, "firms", "firms")
        service.import_rows(s, survey, rows, file="firms-responses.csv")
    with pdb.session() as s:
        assert s.query(SurveyResponse).count() == 4
        texts = {t.text for t in s.query(SurveyFreeText)}
        assert "<script>alert(1)</script>" in texts  # stored as text, apart from answers
        assert all("COMMENT" not in r.answers for r in s.query(SurveyResponse))


def _bad(firms, text: str, **kw):
    with pytest.raises(ls.ImportRefused) as info:
        ls.read_csv(text.encode("utf-8") if isinstance(text, str) else text, firms, PLACES,
                    "bad.csv", **kw)  # fmt: skip
    return info.value


HEAD = '"id","submitdate","token","LOC[P1]","SECTOR","REMOTE","INTEREST[CW]"\n'


def test_malformed_imports_name_each_row(firms):
    err = _bad(firms, '"id","NOPE"\n"1","x"\n')
    assert "line 1, column 2: unknown question code 'NOPE'" in err.message
    err = _bad(
        firms,
        HEAD
        + '"1","2026-01-01","a","06611000","ZZ","10",""\n'
        + '"2","2026-01-01","b","06611000","C","viel",""\n'
        + '"3","2026-01-01","c","06611000","C","10","ja"\n'
        + '"1","2026-01-01","d","06611000","C","10",""\n'
        + '"5","2026-01-01","a","99999999","C","10",""\n',
    )
    text = err.message
    assert "line 2, question SECTOR: not an answer code" in text and "'ZZ'" in text
    assert "line 3, question REMOTE: not a number" in text
    assert "line 4, question INTEREST: invalid value 'ja'; expected Y or empty" in text
    assert "line 5, column id: duplicate respondent '1' (also in line 2)" in text
    assert "line 6, column token: duplicate respondent token (also on line 2)" in text
    assert len(err.problems) == 5


def test_wrong_encoding_is_refused_with_its_line(firms):
    data = (HEAD + '"1","2026-01-01","a","06611000","C","10",""\n').encode() + (
        '"2","2026-01-01","b","06611000","C","10","Y"\n"3","","Müller","","","",""\n'
    ).encode("latin-1")
    err = _bad(firms, data)
    assert "line 4" in err.message and "not UTF-8" in err.message


def test_refused_import_leaves_nothing(pdb, firms):
    from regionatlas.workflows.surveys import import_limesurvey

    good = (DATA / "firms-responses.csv").read_bytes()
    bad = good + b'"15","2026-01-01","3","de","1","tok5","06611000","Q9","","S1"' + b',""' * 20
    with pytest.raises(ls.ImportRefused):
        import_limesurvey(pdb, PLACES, "firms", bad, "bad.csv")
    with pdb.session() as s:
        assert s.query(SurveyResponse).count() == 0
    report = import_limesurvey(pdb, PLACES, "firms", good, "good.csv")
    assert (report.rows, report.complete) == (4, 3)
    with pytest.raises(ls.ImportRefused, match="imported before"):
        import_limesurvey(pdb, PLACES, "firms", good, "good.csv")
    with pdb.session() as s:
        assert s.query(SurveyResponse).count() == 4


def test_structure_that_does_not_fit_is_refused(firms):
    lss = (DATA / "firms.lss").read_text().replace("<![CDATA[REMOTE]]>", "<![CDATA[XREMOTE]]>")
    with pytest.raises(ls.ImportRefused, match="XREMOTE"):
        ls.check_structure(ls.read_lss(lss.encode()), firms, "x.lss")
    with pytest.raises(ls.ImportRefused, match="not XML"):
        ls.read_lss(b"<document><oops></document>")


# ---------------------------------------------------------------------------- analysis
def test_wilson_interval_matches_the_formula():
    lo, hi = sa.wilson(0, 10)
    assert lo == 0.0 and hi == pytest.approx(0.2775, abs=1e-4)
    lo, hi = sa.wilson(50, 100)
    assert (lo, hi) == (pytest.approx(0.4038, abs=1e-4), pytest.approx(0.5962, abs=1e-4))


def test_suppression_rule(firms):
    q = firms.question("SIZE")
    four = [{"SIZE": "S1"}] * 4
    t = sa.tabulate([q], four)
    assert t["suppressed"].all() and t["count"].isna().all() and t["n"].isna().all()
    ten = [{"SIZE": "S1"}] * 7 + [{"SIZE": "S2"}] * 3
    t = sa.tabulate([q], ten).set_index("option")
    # S2 (3) is suppressed; S1 too (else 10 - 7 gives S2 away); zeros stay genuine zeros
    assert t.loc["S2", "suppressed"] and t.loc["S1", "suppressed"]
    assert pd.isna(t.loc["S1", "count"]) and t.loc["S3", "count"] == 0
    ok = sa.tabulate([q], [{"SIZE": "S1"}] * 6 + [{"SIZE": "S2"}] * 5).set_index("option")
    assert ok.loc["S1", "count"] == 6 and ok.loc["S1", "share"] == pytest.approx(6 / 11)


def test_groups_below_five_are_suppressed(firms):
    answers = [{"SECTOR": "C", "LOC": [{"ags": "06611000"}]}] * 6 + [
        {"SECTOR": "F", "LOC": [{"ags": "03159001"}]}
    ] * 2
    t = sa.tabulate([firms.question("SECTOR")], answers, {"land": lambda a: a["LOC"][0]["ags"][:2]})
    land = t[t["group_by"].eq("land")].set_index("group")
    assert bool(land.loc["03", "suppressed"]) and pd.isna(land.loc["03", "n"])
    assert land.loc["06"].query("option == 'C'")["count"].iloc[0] == 6


PL = pd.DataFrame(
    {"district": ["06611", "06633", "06633", "03159"], "state": ["06", "06", "06", "03"]},
    index=["06611000", "06633001", "06633002", "03159001"],
)
FLOWS = pd.DataFrame(
    [("06633001", "06611000", 30.0), ("06633002", "06611000", 10.0), ("06611000", "06611000", 60.0),
     ("06633001", "03159001", 12.0), ("06633002", "06633001", 5.0), ("06633002", "03159001", None)],
    columns=["origin", "destination", "persons"],
)  # fmt: skip


def test_staff_catchment_agreement():
    stated = [{"LOC": [{"ags": "06611000"}], "STAFF": [{"ags": "06611000", "share": 60},
              {"ags": "06633001", "share": 30}]}] * 5  # fmt: skip
    c = sa.staff_catchment(stated, "LOC", "STAFF", FLOWS, PL)
    assert c.summary["agreement"] == pytest.approx(1.0)  # 60/30/10 measured, 60/30/10 stated
    other = [{"LOC": [{"ags": "06611000"}], "STAFF": [{"ags": "06633002", "share": 100}]}] * 5
    c = sa.staff_catchment(other, "LOC", "STAFF", FLOWS, PL)
    assert c.summary["agreement"] == pytest.approx(0.1)  # 1 − TV(100/0 vs 10/90)
    few = sa.staff_catchment(stated[:4], "LOC", "STAFF", FLOWS, PL)
    assert few.summary["suppressed"] and few.summary["agreement"] is None


def test_orientation_and_cooperation():
    answers = [{"MUNI": [{"ags": "06633001"}], "WORK": [{"ags": "06611000"}, {"ags": "03159001"}],
                "PARTNER": [{"ags": "03159001"}]}] * 5  # fmt: skip
    comps = sa.orientation(answers, "MUNI", "WORK", FLOWS, PL)
    assert comps["orientation_top"].summary["agreement"] == pytest.approx(1.0)
    assert comps["orientation_first"].summary["agreement"] == pytest.approx(1.0)
    assert comps["orientation_lma"].summary["suppressed"]  # no LMA given
    lma = pd.Series({"06633001": 1, "06611000": 1, "03159001": 2})
    comps = sa.orientation(answers, "MUNI", "WORK", FLOWS, PL, lma)
    assert comps["orientation_lma"].summary["agreement"] == pytest.approx(0.5)
    coop = sa.cooperation(answers, "MUNI", "PARTNER", FLOWS, PL)
    assert coop.summary["agreement"] == 1.0  # 12 persons >= 10
    weak = [{"MUNI": [{"ags": "06633002"}], "PARTNER": [{"ags": "03159001"}]}] * 5
    assert sa.cooperation(weak, "MUNI", "PARTNER", FLOWS, PL).summary["agreement"] == 0.0


def test_synthetic_generator_is_deterministic_and_valid():
    places = PL.assign(population=[200_000.0, 8_000.0, 28_000.0, 118_000.0])
    for qid in ("firms", "municipalities"):
        qn = shipped(qid)
        a = synth.responses(qn, places, FLOWS, 40, seed=5)
        b = synth.responses(qn, places, FLOWS, 40, seed=5)
        c = synth.responses(qn, places, FLOWS, 40, seed=6)
        assert a == b and a != c
        assert all(meta["seed"] == "synthetic" for meta, _, _ in a)
        text = ls.write_csv(qn, a)
        rows = ls.read_csv(text.encode(), qn, set(places.index), "synth.csv")
        assert len(rows) == 40  # every synthetic answer passes the same rules as imports


@pytest.mark.postgis
def test_import_and_results_on_postgresql(pg_database_url, firms):
    import uuid

    from regionatlas.platform.db import Database
    from regionatlas.workflows.surveys import import_limesurvey

    schema = f"s_{uuid.uuid4().hex[:10]}"
    db = Database(pg_database_url, schema=schema)
    try:
        db.upgrade()
        data = (DATA / "firms-responses.csv").read_bytes()
        assert import_limesurvey(db, PLACES, "firms", data, "f.csv").rows == 4
        with db.session() as s:
            texts = {t.text for t in s.query(SurveyFreeText)}
            by_ext = {r.external_id: r.id for r in s.query(SurveyResponse)}
            owner = {t.text: t.response_id for t in s.query(SurveyFreeText)}
        assert "Fachinformatik" in texts
        assert owner["Mehr Busse bitte"] == by_ext["11"]  # free texts stay with their response
        with pytest.raises(ls.ImportRefused):
            import_limesurvey(db, PLACES, "firms", data, "f.csv")
    finally:
        with db.engine.begin() as con:
            con.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        db.dispose()


def test_retention_period_is_one_to_ten_years():
    from regionatlas.errors import InputError

    assert service.check_retention(1) == 1 and service.check_retention(3650) == 3650
    for days in (0, -5, 3651):
        with pytest.raises(InputError, match="retention period out of range"):
            service.check_retention(days)
