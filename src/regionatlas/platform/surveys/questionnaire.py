"""Questionnaires as data: TOML files (package data in ``questionnaires/``) or admin-edited
copies of them, parsed into frozen ``Questionnaire`` objects.

Question types and the answer each stores (``answers`` JSON of a response):

    choice    one option code (``"-oth-"`` when "other" is picked; its text is a free text)
    multi     list of option codes (``min``/``max`` selections)
    scale     integer ``min``..``max`` (labels ``low``/``high``)
    number    number ``min``..``max`` (``integer = true`` for whole numbers)
    text      nothing in ``answers``: free texts live apart (table survey_free_text)
    ranking   list of option codes, most important first (at most ``max``)
    place     list of {"ags": "…", "share": int|None}: municipalities of the region
              (``max`` places; ``shares = true`` asks for rough percentages)

``show_if = {question = "A", values = ["Y"]}`` shows a question only when A's answer is (or,
for multi, contains) one of the values; a hidden question is never required and its answer
is dropped. Texts are ``{de = …, en = …}``; both languages are required.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from regionatlas.errors import InputError

TYPES = ("choice", "multi", "scale", "number", "text", "ranking", "place")
OTHER = "-oth-"
CODE = re.compile(r"^[A-Za-z][A-Za-z0-9]{0,14}$")  # a valid LimeSurvey question code
OPTION_CODE = re.compile(r"^[A-Za-z0-9]{1,5}$")  # LimeSurvey answer codes: 5 characters
ANALYSIS_ROLES = ("location", "sector", "size", "staff", "customers", "work", "partners")


class QuestionnaireError(InputError):
    """A questionnaire file that breaks the rules above (names the file and question)."""


@dataclass(frozen=True)
class Option:
    code: str
    de: str
    en: str

    def label(self, lang: str) -> str:
        return self.de if lang == "de" else self.en


@dataclass(frozen=True)
class Question:
    code: str
    type: str
    text: dict[str, str]
    required: bool = False
    options: tuple[Option, ...] = ()
    other: bool = False
    min: float | None = None
    max: float | None = None
    integer: bool = False
    shares: bool = False
    max_length: int = 2000
    low: dict[str, str] = field(default_factory=dict)
    high: dict[str, str] = field(default_factory=dict)
    help: dict[str, str] = field(default_factory=dict)
    show_if: tuple[str, tuple[str, ...]] | None = None

    def label(self, lang: str) -> str:
        return self.text.get(lang) or self.text["de"]

    def option(self, code: str) -> Option | None:
        return next((o for o in self.options if o.code == code), None)

    @property
    def option_codes(self) -> tuple[str, ...]:
        return tuple(o.code for o in self.options)

    @property
    def max_places(self) -> int:
        return int(self.max or 1)


@dataclass(frozen=True)
class Questionnaire:
    id: str
    version: int
    title: dict[str, str]
    intro: dict[str, str]
    questions: tuple[Question, ...]
    roles: dict[str, str]  # analysis role -> question code
    source: str = ""

    def question(self, code: str) -> Question:
        for q in self.questions:
            if q.code == code:
                return q
        raise KeyError(code)

    def role(self, name: str) -> Question | None:
        code = self.roles.get(name)
        return self.question(code) if code else None

    def visible(self, q: Question, answers: dict[str, Any]) -> bool:
        if q.show_if is None:
            return True
        code, values = q.show_if
        given = answers.get(code)
        if isinstance(given, list):
            return any(v in values for v in given)
        return given is not None and str(given) in values


def _texts(raw: Any, where: str) -> dict[str, str]:
    if not isinstance(raw, dict) or not all(isinstance(raw.get(k), str) for k in ("de", "en")):
        raise QuestionnaireError(f"{where}: needs texts de and en", value=str(raw)[:80])
    return {"de": raw["de"], "en": raw["en"]}


def _question(raw: dict[str, Any], where: str, earlier: set[str]) -> Question:
    code = str(raw.get("code", ""))
    where = f"{where}, question {code or '?'}"
    if not CODE.match(code) or code in earlier:
        raise QuestionnaireError(
            f"{where}: question code missing, invalid or used twice",
            value=code,
            expected="a letter then up to 14 letters/digits, unique",
        )
    qtype = raw.get("type")
    if qtype not in TYPES:
        raise QuestionnaireError(f"{where}: unknown type", value=qtype, expected=", ".join(TYPES))
    options = tuple(
        Option(str(o["code"]), **_texts(o, f"{where}, option {o.get('code')}"))
        for o in raw.get("options", [])
    )
    if qtype in ("choice", "multi", "ranking") and not options:
        raise QuestionnaireError(f"{where}: a {qtype} question needs options")
    bad = [o.code for o in options if not OPTION_CODE.match(o.code)]
    if bad or len({o.code for o in options}) != len(options):
        raise QuestionnaireError(
            f"{where}: option codes invalid or repeated", value=bad, expected="1-5 letters/digits"
        )
    show_if = None
    if "show_if" in raw:
        cond = raw["show_if"]
        if cond.get("question") not in earlier:
            raise QuestionnaireError(
                f"{where}: show_if must name an earlier question", value=cond.get("question")
            )
        show_if = (str(cond["question"]), tuple(str(v) for v in cond.get("values", [])))
    if qtype == "scale" and (raw.get("min") is None or raw.get("max") is None):
        raise QuestionnaireError(f"{where}: a scale needs min and max")
    return Question(
        code=code,
        type=qtype,
        text=_texts(raw.get("text"), where),
        required=bool(raw.get("required", False)),
        options=options,
        other=bool(raw.get("other", False)),
        min=raw.get("min"),
        max=raw.get("max"),
        integer=bool(raw.get("integer", qtype == "scale")),
        shares=bool(raw.get("shares", False)),
        max_length=int(raw.get("max_length", 2000)),
        low=_texts(raw["low"], where) if "low" in raw else {},
        high=_texts(raw["high"], where) if "high" in raw else {},
        help=_texts(raw["help"], where) if "help" in raw else {},
        show_if=show_if,
    )


def parse(doc: dict[str, Any], source: str = "questionnaire") -> Questionnaire:
    """A questionnaire from its TOML document (already parsed)."""
    qid = str(doc.get("id", ""))
    if not re.match(r"^[a-z][a-z0-9_-]{0,39}$", qid):
        raise QuestionnaireError(f"{source}: id missing or invalid", value=qid)
    questions: list[Question] = []
    seen: set[str] = set()
    for raw in doc.get("questions", []):
        q = _question(raw, source, seen)
        seen.add(q.code)
        questions.append(q)
    if not questions:
        raise QuestionnaireError(f"{source}: no questions")
    roles = {str(k): str(v) for k, v in doc.get("analysis", {}).items()}
    for role, code in roles.items():
        if role not in ANALYSIS_ROLES or code not in seen:
            raise QuestionnaireError(
                f"{source}: analysis role {role!r} -> {code!r} unknown",
                expected=f"roles {', '.join(ANALYSIS_ROLES)} naming questions",
            )
    return Questionnaire(
        id=qid,
        version=int(doc.get("version", 1)),
        title=_texts(doc.get("title"), source),
        intro=_texts(doc.get("intro", {"de": "", "en": ""}), source),
        questions=tuple(questions),
        roles=roles,
        source=source,
    )


def parse_text(text: str, source: str = "questionnaire") -> Questionnaire:
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise QuestionnaireError(f"{source}: not valid TOML: {exc}") from exc
    return parse(doc, source)


def shipped_ids() -> list[str]:
    folder = resources.files("regionatlas.platform.surveys").joinpath("questionnaires")
    return sorted(
        p.name.removesuffix(".toml") for p in folder.iterdir() if p.name.endswith(".toml")
    )


def shipped_text(qid: str) -> str:
    if qid not in shipped_ids():
        raise QuestionnaireError(
            f"no questionnaire {qid!r}", value=qid, expected=", ".join(shipped_ids())
        )
    folder = resources.files("regionatlas.platform.surveys").joinpath("questionnaires")
    return folder.joinpath(f"{qid}.toml").read_text(encoding="utf-8")


def shipped(qid: str) -> Questionnaire:
    """One of the ready questionnaires (``firms``, ``municipalities``)."""
    return parse_text(shipped_text(qid), f"{qid}.toml")
