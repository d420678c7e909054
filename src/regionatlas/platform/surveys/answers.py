"""Checking answers against a questionnaire – the one rule set for web forms, imports and the
synthetic generator.

``from_form(qn, form)`` turns form fields into raw values; ``validate(qn, raw, texts, places,
final=…)`` checks them and returns typed answers, the free texts (kept apart) and errors per
question code as ``(message key, parameters)`` for the page's language. ``final=False`` (save
and resume) skips the "required" rule only: a draft still never stores an invalid value.

Form field names: ``q_CODE`` (choice, scale, number, text; several for multi),
``q_CODE_other`` (the "other" text), ``q_CODE_1``… (ranks), ``q_CODE_P1``/``q_CODE_S1``…
(place and its share in percent).
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from regionatlas.platform.surveys.questionnaire import OTHER, Question, Questionnaire

Raw = dict[str, Any]
Error = tuple[str, dict[str, Any]]


@dataclass
class Checked:
    answers: dict[str, Any]
    texts: dict[str, str]  # "CODE" (text question) or "CODE_other" -> text
    errors: dict[str, Error] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


def _clean(value: Any) -> str:
    return str(value or "").replace("\x00", "").strip()


def from_form(qn: Questionnaire, form: Mapping[str, list[str]]) -> tuple[Raw, dict[str, str]]:
    """Raw values and texts from form fields (``form[name]`` is the list of sent values)."""

    def one(name: str) -> str:
        values = form.get(name) or [""]
        return _clean(values[0])

    raw: Raw = {}
    texts: dict[str, str] = {}
    for q in qn.questions:
        name = f"q_{q.code}"
        if q.type == "multi":
            raw[q.code] = [_clean(v) for v in form.get(name, []) if _clean(v)]
        elif q.type == "ranking":
            raw[q.code] = [one(f"{name}_{i}") for i in range(1, _ranks(q) + 1)]
        elif q.type == "place":
            raw[q.code] = [
                (one(f"{name}_P{i}"), one(f"{name}_S{i}")) for i in range(1, q.max_places + 1)
            ]
        elif q.type == "text":
            texts[q.code] = one(name)
        else:
            raw[q.code] = one(name)
        if q.other:
            texts[f"{q.code}_other"] = one(f"{name}_other")
    return raw, texts


def _ranks(q: Question) -> int:
    return int(q.max or len(q.options))


def _number(q: Question, value: str) -> tuple[float | int | None, Error | None]:
    try:
        number = float(value.replace(",", ".")) if isinstance(value, str) else float(value)
    except ValueError:
        return None, ("not_number", {})
    if not math.isfinite(number):
        return None, ("not_number", {})
    if q.integer and number != int(number):
        return None, ("not_integer", {})
    if (q.min is not None and number < q.min) or (q.max is not None and number > q.max):
        return None, ("range", {"min": _fmt(q.min), "max": _fmt(q.max)})
    return (int(number) if q.integer else number), None


def _fmt(x: float | None) -> str:
    if x is None:
        return "–"
    return str(int(x)) if float(x).is_integer() else str(x)


def _one(q: Question, value: Any, texts: dict[str, str], places: Collection[str]):
    """(typed answer or None, error or None) for a visible question."""
    if q.type in ("choice",):
        if not value:
            return None, None
        if value == OTHER and q.other:
            if not texts.get(f"{q.code}_other"):
                return None, ("other_missing", {})
            return OTHER, None
        if value not in q.option_codes:
            return None, ("not_option", {"value": str(value)[:40]})
        return value, None
    if q.type == "multi":
        values = list(dict.fromkeys(value or []))
        allowed = set(q.option_codes) | ({OTHER} if q.other else set())
        wrong = [v for v in values if v not in allowed]
        if wrong:
            return None, ("not_option", {"value": str(wrong[0])[:40]})
        if q.max is not None and len(values) > q.max:
            return None, ("too_many", {"max": _fmt(q.max)})
        if values and q.min is not None and len(values) < q.min:
            return None, ("too_few", {"min": _fmt(q.min)})
        if OTHER in values and not texts.get(f"{q.code}_other"):
            return None, ("other_missing", {})
        return (values or None), None
    if q.type in ("scale", "number"):
        if value in (None, ""):
            return None, None
        return _number(q, value)
    if q.type == "ranking":
        ranked = [v for v in (value or []) if v]
        if any(v not in q.option_codes for v in ranked):
            bad = next(v for v in ranked if v not in q.option_codes)
            return None, ("not_option", {"value": str(bad)[:40]})
        if len(set(ranked)) != len(ranked):
            return None, ("duplicate", {})
        if ranked and len(ranked) != len([v for v in (value or [])[: len(ranked)] if v]):
            return None, ("rank_gap", {})
        return (ranked or None), None
    if q.type == "place":
        out = []
        for ags, share in value or []:
            if not ags and not share:
                continue
            if not ags:
                return None, ("share_without_place", {})
            if ags not in places:
                return None, ("not_place", {"value": str(ags)[:40]})
            pct: int | None = None
            if q.shares and share not in ("", None):
                try:
                    pct = int(float(str(share).replace(",", ".")))
                except ValueError:
                    return None, ("not_number", {})
                if not 0 <= pct <= 100:
                    return None, ("range", {"min": "0", "max": "100"})
            out.append({"ags": ags, "share": pct})
        if len({p["ags"] for p in out}) != len(out):
            return None, ("duplicate", {})
        if q.shares and sum(p["share"] or 0 for p in out) > 100:
            return None, ("shares_sum", {})
        return (out or None), None
    return None, None


def validate(
    qn: Questionnaire,
    raw: Raw,
    texts: Mapping[str, str],
    places: Collection[str],
    *,
    final: bool = True,
) -> Checked:
    """Typed answers, kept texts and errors. Hidden questions (``show_if``) lose their answers."""
    answers: dict[str, Any] = {}
    kept: dict[str, str] = {}
    errors: dict[str, Error] = {}
    given = {k: _clean(v) for k, v in texts.items()}
    for q in qn.questions:
        if not qn.visible(q, answers):
            continue
        if q.type == "text":
            text = given.get(q.code, "")
            if len(text) > q.max_length:
                errors[q.code] = ("too_long", {"max": q.max_length})
            elif text:
                kept[q.code] = text
            elif final and q.required:
                errors[q.code] = ("required", {})
            continue
        value, error = _one(q, raw.get(q.code), given, places)
        other = given.get(f"{q.code}_other", "")
        if len(other) > 500:
            error = ("too_long", {"max": 500})
        if error:
            errors[q.code] = error
            continue
        if value is None:
            if final and q.required:
                errors[q.code] = ("required", {})
            continue
        answers[q.code] = value
        if q.other and other and (value == OTHER or (isinstance(value, list) and OTHER in value)):
            kept[f"{q.code}_other"] = other
    return Checked(answers=answers, texts=kept, errors=errors)


def raw_from_answers(qn: Questionnaire, answers: Mapping[str, Any]) -> Raw:
    """Stored answers back in the raw shape of ``from_form`` (to fill a form again)."""
    raw: Raw = {}
    for q in qn.questions:
        value = answers.get(q.code)
        if value is None:
            continue
        if q.type == "place":
            raw[q.code] = [
                (p["ags"], "" if p.get("share") is None else str(p["share"])) for p in value
            ]
        elif q.type in ("multi", "ranking"):
            raw[q.code] = list(value)
        else:
            raw[q.code] = str(value)
    return raw
