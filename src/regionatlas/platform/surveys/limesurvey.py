"""LimeSurvey exchange: the response CSV ("Export responses": CSV, headings "Question code",
responses "Answer codes") and the survey structure (``.lss`` XML).

Response CSV columns: the meta fields ``id, token, submitdate, lastpage, startlanguage, seed``
(``startdate``/``datestamp`` with date stamps on) then one column per answer field, named by
question code: ``LOC[P1]`` (multiple short text), ``SECTOR`` and ``SECTOR[other]`` (list with
"other"; answer ``-oth-``), ``INTEREST[CW]`` = ``Y`` (multiple choice), ``NEEDS[1]`` (ranking),
``REMOTE`` (numeric), ``COMMENT`` (long text). Older LimeSurvey versions name the "other"
field ``SECTOR_other``; both are read. Empty ``submitdate`` = incomplete response.

Our question types in LimeSurvey: choice ``L``, multi ``M``, scale ``L`` (codes min..max),
number ``N``, text ``T``, ranking ``R``, place ``Q`` (subquestions ``P1``…, shares ``S1``…).
"""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import escape

from regionatlas.errors import InputError
from regionatlas.platform.surveys.answers import Checked, validate
from regionatlas.platform.surveys.questionnaire import OTHER, Question, Questionnaire

META = ("id", "token", "submitdate", "lastpage", "startlanguage", "seed")
KNOWN_META = set(META) | {"startdate", "datestamp", "ipaddr", "refurl", "interviewtime"}
LS_TYPES = {
    "choice": "L",
    "multi": "M",
    "scale": "L",
    "number": "N",
    "text": "T",
    "ranking": "R",
    "place": "Q",
}
COLUMN = re.compile(r"^([A-Za-z][A-Za-z0-9]*)(?:\[([A-Za-z0-9]+)\]|_(other|comment))?$")
MAX_PROBLEMS = 50


class ImportRefused(InputError):
    """An import with problems: nothing was written. ``problems`` lists one line each,
    naming file, line, column, value and what was expected."""

    def __init__(self, file: str, problems: list[str]) -> None:
        shown = problems[:MAX_PROBLEMS]
        more = len(problems) - len(shown)
        message = f"{file}: import refused, nothing imported ({len(problems)} problem(s)):\n" + (
            "\n".join(shown) + (f"\n… and {more} more" if more else "")
        )
        super().__init__(message, file=file, problems=shown, count=len(problems))
        self.problems = problems


# --------------------------------------------------------------------------- columns, encode
def question_columns(q: Question) -> list[str]:
    if q.type == "multi":
        cols = [f"{q.code}[{o.code}]" for o in q.options]
        return cols + ([f"{q.code}[other]"] if q.other else [])
    if q.type == "ranking":
        return [f"{q.code}[{i}]" for i in range(1, int(q.max or len(q.options)) + 1)]
    if q.type == "place":
        cols = [f"{q.code}[P{i}]" for i in range(1, q.max_places + 1)]
        return cols + ([f"{q.code}[S{i}]" for i in range(1, q.max_places + 1)] if q.shares else [])
    return [q.code] + ([f"{q.code}[other]"] if q.other else [])


def columns(qn: Questionnaire) -> list[str]:
    return list(META) + [c for q in qn.questions for c in question_columns(q)]


def encode(qn: Questionnaire, answers: dict[str, Any], texts: dict[str, str]) -> dict[str, str]:
    """One response as LimeSurvey answer fields (empty fields left out)."""
    row: dict[str, str] = {}
    for q in qn.questions:
        value = answers.get(q.code)
        other = texts.get(f"{q.code}_other", "")
        if q.type == "text":
            if texts.get(q.code):
                row[q.code] = texts[q.code]
        elif value is None:
            continue
        elif q.type == "multi":
            for code in value:
                if code == OTHER:
                    row[f"{q.code}[other]"] = other
                else:
                    row[f"{q.code}[{code}]"] = "Y"
        elif q.type == "ranking":
            for i, code in enumerate(value, 1):
                row[f"{q.code}[{i}]"] = code
        elif q.type == "place":
            for i, place in enumerate(value, 1):
                row[f"{q.code}[P{i}]"] = place["ags"]
                if q.shares and place.get("share") is not None:
                    row[f"{q.code}[S{i}]"] = str(place["share"])
        else:
            row[q.code] = str(value)
            if value == OTHER:
                row[f"{q.code}[other]"] = other
    return row


def write_csv(qn: Questionnaire, responses: list[tuple[dict[str, str], dict, dict]]) -> str:
    """A response export: ``responses`` are (meta, answers, texts); every cell quoted as
    LimeSurvey writes it."""
    buf = io.StringIO()
    header = columns(qn)
    writer = csv.writer(buf, quoting=csv.QUOTE_ALL, lineterminator="\n")
    writer.writerow(header)
    for meta, answers, texts in responses:
        row = {**meta, **encode(qn, answers, texts)}
        writer.writerow([row.get(c, "") for c in header])
    return buf.getvalue()


# --------------------------------------------------------------------------------- reading
@dataclass
class ImportedRow:
    line: int
    external_id: str
    token: str
    complete: bool
    lang: str
    checked: Checked


def _decode(data: bytes, file: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ImportRefused(
            file,
            [
                f"{file}, line {line}: byte {data[exc.start]:#04x} is not UTF-8; expected a "
                "UTF-8 export (LimeSurvey: export with character set UTF-8)"
            ],
        ) from exc


def _raw_of(q: Question, cells: dict[str, str]) -> tuple[Any, dict[str, str]]:
    texts: dict[str, str] = {}
    other = cells.get(f"{q.code}[other]", "") or cells.get(f"{q.code}_other", "")
    if q.other and other:
        texts[f"{q.code}_other"] = other
    if q.type == "text":
        texts[q.code] = cells.get(q.code, "")
        return None, texts
    if q.type == "multi":
        chosen = [o.code for o in q.options if cells.get(f"{q.code}[{o.code}]", "") != ""]
        bad = [
            cells[f"{q.code}[{o.code}]"]
            for o in q.options
            if cells.get(f"{q.code}[{o.code}]", "") not in ("", "Y")
        ]
        if bad:
            return ("__bad__", bad[0], "Y or empty"), texts
        return chosen + ([OTHER] if q.other and other else []), texts
    if q.type == "ranking":
        return [
            cells.get(f"{q.code}[{i}]", "") for i in range(1, int(q.max or len(q.options)) + 1)
        ], texts
    if q.type == "place":
        return [
            (cells.get(f"{q.code}[P{i}]", "").strip(), cells.get(f"{q.code}[S{i}]", "").strip())
            for i in range(1, q.max_places + 1)
        ], texts
    return cells.get(q.code, "").strip(), texts


ERROR_TEXT = {
    "not_option": "not an answer code of this question",
    "not_number": "not a number",
    "not_integer": "not a whole number",
    "range": "outside {min}…{max}",
    "too_many": "more than {max} answers",
    "too_few": "fewer than {min} answers",
    "not_place": "not a municipality key (AGS) of the region",
    "duplicate": "the same answer twice",
    "rank_gap": "a gap in the ranks",
    "shares_sum": "shares add up to more than 100",
    "share_without_place": "a share without a municipality",
    "other_missing": "'other' chosen without its text",
    "too_long": "longer than {max} characters",
    "required": "missing",
}


def read_csv(
    data: bytes,
    qn: Questionnaire,
    places: set[str] | frozenset[str],
    file: str = "responses.csv",
    known_ids: set[str] | frozenset[str] = frozenset(),
) -> list[ImportedRow]:
    """All rows of a response export, checked; any problem refuses the whole file."""
    text = _decode(data, file)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise ImportRefused(file, [f"{file}, line 1: empty file; expected a header row"]) from None
    problems: list[str] = []
    codes = {q.code for q in qn.questions}
    valid_cols = set(columns(qn)) | {f"{q.code}_other" for q in qn.questions if q.other}
    for i, col in enumerate(header, 1):
        m = COLUMN.match(col)
        if col in KNOWN_META:
            continue
        if not m or m.group(1) not in codes:
            problems.append(
                f"{file}, line 1, column {i}: unknown question code {col!r}; expected one of "
                f"the questionnaire {qn.id!r}: {', '.join(sorted(codes))}"
            )
        elif col not in valid_cols:
            problems.append(
                f"{file}, line 1, column {i}: {col!r} is no answer field of question "
                f"{m.group(1)}; expected {', '.join(question_columns(qn.question(m.group(1))))}"
            )
    if "id" not in header:
        problems.append(f"{file}, line 1: no column 'id'; expected a LimeSurvey response export")
    if problems:
        raise ImportRefused(file, problems)
    out: list[ImportedRow] = []
    seen: dict[str, int] = {}
    tokens: dict[str, int] = {}
    data_rows = 0
    for values in reader:
        line = reader.line_num
        if not any(v.strip() for v in values):
            continue
        data_rows += 1
        if len(values) != len(header):
            problems.append(
                f"{file}, line {line}: {len(values)} fields; "
                f"expected {len(header)} as in the header"
            )
            continue
        cells = dict(zip(header, values, strict=True))
        rid = cells.get("id", "").strip()
        token = cells.get("token", "").strip()
        if not rid:
            problems.append(f"{file}, line {line}, column id: empty; expected the response id")
            continue
        if rid in seen or rid in known_ids:
            where = f"line {seen[rid]}" if rid in seen else "an earlier import"
            problems.append(
                f"{file}, line {line}, column id: duplicate respondent {rid!r} (also in {where})"
            )
            continue
        if token and token in tokens:
            problems.append(
                f"{file}, line {line}, column token: duplicate respondent token "
                f"(also on line {tokens[token]})"
            )
            continue
        seen[rid] = line
        if token:
            tokens[token] = line
        raw: dict[str, Any] = {}
        texts: dict[str, str] = {}
        bad_cell = False
        for q in qn.questions:
            value, t = _raw_of(q, cells)
            texts.update(t)
            if isinstance(value, tuple) and value and value[0] == "__bad__":
                problems.append(
                    f"{file}, line {line}, question {q.code}: invalid value {value[1]!r}; "
                    f"expected {value[2]}"
                )
                bad_cell = True
            raw[q.code] = value
        if bad_cell:
            continue
        checked = validate(qn, raw, texts, places, final=False)
        for code, (key, params) in checked.errors.items():
            problems.append(
                f"{file}, line {line}, question {code}: {ERROR_TEXT[key].format(**params)}"
                f"{_found(qn.question(code), raw.get(code))}"
            )
        lang = cells.get("startlanguage", "de").strip() or "de"
        out.append(
            ImportedRow(
                line=line,
                external_id=rid,
                token=token,
                complete=bool(cells.get("submitdate", "").strip()),
                lang=lang if lang in ("de", "en") else "de",
                checked=checked,
            )
        )
    if problems:
        again = [p for p in problems if "(also in an earlier import)" in p]
        if known_ids and len(again) == len(problems) == data_rows:
            problems = [f"{file}: all {len(again)} responses were imported before; nothing to do"]
        raise ImportRefused(file, problems)
    return out


def _found(q: Question, value: Any) -> str:
    if value in (None, "", []):
        return ""
    shown = value if isinstance(value, str) else [v for v in value if v and v != ("", "")]
    expected = ""
    if q.options:
        expected = f"; expected one of {', '.join(q.option_codes)}"
    elif q.type in ("number", "scale"):
        lo = "" if q.min is None else q.min
        hi = "" if q.max is None else q.max
        expected = f"; expected a number {lo}…{hi}"
    return f" (found {str(shown)[:60]!r}){expected}"


# -------------------------------------------------------------------------------- structure
@dataclass
class LssQuestion:
    code: str
    type: str
    other: bool
    subquestions: list[str] = field(default_factory=list)
    answers: list[str] = field(default_factory=list)


def read_lss(data: bytes, file: str = "survey.lss") -> dict[str, LssQuestion]:
    """Question codes, types, subquestion and answer codes of a LimeSurvey survey structure
    (LimeSurvey 3 layout with texts in ``questions``, and 4+/5 with ``question_l10ns``)."""
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        line, col = exc.position
        raise ImportRefused(file, [f"{file}, line {line}, column {col}: not XML ({exc})"]) from exc
    if root.tag != "document" or (root.findtext("LimeSurveyDocType") or "").strip() != "Survey":
        raise ImportRefused(
            file, [f"{file}: not a LimeSurvey survey structure; expected <LimeSurveyDocType>Survey"]
        )
    by_qid: dict[str, LssQuestion] = {}
    for row in root.findall("./questions/rows/row"):
        qid = (row.findtext("qid") or "").strip()
        if qid in by_qid:
            continue  # one row per language in LimeSurvey 3
        by_qid[qid] = LssQuestion(
            code=(row.findtext("title") or "").strip(),
            type=(row.findtext("type") or "").strip(),
            other=(row.findtext("other") or "N").strip() == "Y",
        )
    for row in root.findall("./subquestions/rows/row"):
        parent = by_qid.get((row.findtext("parent_qid") or "").strip())
        code = (row.findtext("title") or "").strip()
        if parent and code not in parent.subquestions:
            parent.subquestions.append(code)
    for row in root.findall("./answers/rows/row"):
        q = by_qid.get((row.findtext("qid") or "").strip())
        code = (row.findtext("code") or "").strip()
        if q and code not in q.answers:
            q.answers.append(code)
    return {q.code: q for q in by_qid.values()}


def check_structure(structure: dict[str, LssQuestion], qn: Questionnaire, file: str) -> None:
    """Refuse a structure whose questions do not map onto the questionnaire."""
    problems: list[str] = []
    for code, lq in structure.items():
        try:
            q = qn.question(code)
        except KeyError:
            problems.append(f"{file}: question {code!r} (type {lq.type}) is not in {qn.id!r}")
            continue
        expected = LS_TYPES[q.type]
        if lq.type != expected and not (q.type in ("text",) and lq.type in ("S", "U")):
            problems.append(
                f"{file}: question {code}: LimeSurvey type {lq.type!r}; expected {expected!r}"
            )
        wanted = set(q.option_codes) if q.type in ("choice", "ranking") else set()
        if q.type == "scale":
            wanted = {str(v) for v in range(int(q.min or 0), int(q.max or 0) + 1)}
        extra = [a for a in lq.answers if wanted and a not in wanted]
        if extra:
            problems.append(
                f"{file}: question {code}: answer codes {extra} unknown; expected {sorted(wanted)}"
            )
        if q.type == "multi":
            unknown = [s for s in lq.subquestions if s not in q.option_codes]
            if unknown:
                problems.append(f"{file}: question {code}: subquestions {unknown} unknown")
    if problems:
        raise ImportRefused(file, problems)


def write_lss(qn: Questionnaire, sid: int = 100001, lang: str = "de") -> str:
    """The questionnaire as a LimeSurvey 3 survey structure (one language)."""
    q_rows, sq_rows, a_rows = [], [], []
    qid = 1
    sub_id = 1000

    def cdata(v: Any) -> str:
        return f"<![CDATA[{v}]]>"

    for order, q in enumerate(qn.questions, 1):
        q_rows.append(
            "<row>"
            + "".join(
                f"<{k}>{cdata(v)}</{k}>"
                for k, v in (
                    ("qid", qid),
                    ("parent_qid", 0),
                    ("sid", sid),
                    ("gid", 1),
                    ("type", LS_TYPES[q.type]),
                    ("title", q.code),
                    ("question", escape(q.label(lang))),
                    ("other", "Y" if q.other else "N"),
                    ("mandatory", "Y" if q.required else "N"),
                    ("question_order", order),
                    ("language", lang),
                    ("scale_id", 0),
                )
            )
            + "</row>"
        )
        subs: list[tuple[str, str]] = []
        answers: list[tuple[str, str]] = []
        if q.type == "multi":
            subs = [(o.code, o.label(lang)) for o in q.options]
        elif q.type == "place":
            subs = [(f"P{i}", f"{i}") for i in range(1, q.max_places + 1)]
            if q.shares:
                subs += [(f"S{i}", f"% {i}") for i in range(1, q.max_places + 1)]
        elif q.type in ("choice", "ranking"):
            answers = [(o.code, o.label(lang)) for o in q.options]
        elif q.type == "scale":
            answers = [(str(v), str(v)) for v in range(int(q.min or 0), int(q.max or 0) + 1)]
        for i, (code, label) in enumerate(subs, 1):
            sub_id += 1
            sq_rows.append(
                f"<row><qid>{cdata(sub_id)}</qid><parent_qid>{cdata(qid)}</parent_qid>"
                f"<sid>{cdata(sid)}</sid><gid>{cdata(1)}</gid><type>{cdata('T')}</type>"
                f"<title>{cdata(code)}</title><question>{cdata(escape(label))}</question>"
                f"<question_order>{cdata(i)}</question_order><language>{cdata(lang)}</language>"
                f"<scale_id>{cdata(0)}</scale_id></row>"
            )
        for i, (code, label) in enumerate(answers, 1):
            a_rows.append(
                f"<row><qid>{cdata(qid)}</qid><code>{cdata(code)}</code>"
                f"<answer>{cdata(escape(label))}</answer><sortorder>{cdata(i)}</sortorder>"
                f"<assessment_value>{cdata(0)}</assessment_value>"
                f"<language>{cdata(lang)}</language><scale_id>{cdata(0)}</scale_id></row>"
            )
        qid += 1

    def section(name: str, fields: list[str], rows: list[str]) -> str:
        names = "".join(f"<fieldname>{f}</fieldname>" for f in fields)
        return (
            f" <{name}>\n  <fields>{names}</fields>\n  <rows>\n   "
            + "\n   ".join(rows)
            + f"\n  </rows>\n </{name}>\n"
        )

    qfields = ["qid", "parent_qid", "sid", "gid", "type", "title", "question", "other",
               "mandatory", "question_order", "language", "scale_id"]  # fmt: skip
    sqfields = ["qid", "parent_qid", "sid", "gid", "type", "title", "question",
                "question_order", "language", "scale_id"]  # fmt: skip
    afields = ["qid", "code", "answer", "sortorder", "assessment_value", "language", "scale_id"]
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<document>\n'
        " <LimeSurveyDocType>Survey</LimeSurveyDocType>\n <DBVersion>366</DBVersion>\n"
        f" <languages>\n  <language>{lang}</language>\n </languages>\n"
        + section("answers", afields, a_rows)
        + section("questions", qfields, q_rows)
        + section("subquestions", sqfields, sq_rows)
        + "</document>\n"
    )
