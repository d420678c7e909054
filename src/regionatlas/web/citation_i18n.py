"""The curated central-place list (``data/central-places``) describes its sources in
English: the kind of source ("plan", "official list", "secondary"), edition and section notes,
the curator's notes. The pages show these in their own language where the phrase is known
(``designation_source_de``), and mark every other curated text with the language it is
written in (``guess_lang``), so that a German page never passes English off as German."""

from __future__ import annotations

import re

# the kinds of source of the curated list (the profile's template has the same labels)
SOURCE_KIND_DE = {
    "plan": "Plan selbst",
    "official list": "amtliche Veröffentlichung (nicht der Plan)",
    "secondary": "Sekundärquelle",
}


def source_kind(text: str | None, lang: str) -> tuple[str, str]:
    """(text to show, its language) for a ``source_kind`` on a page in ``lang``."""
    if not text:
        return "", lang
    if lang == "de" and text in SOURCE_KIND_DE:
        return SOURCE_KIND_DE[text], "de"
    return text, guess_lang(text) if lang == "de" else "en"


PHRASES_DE = {
    "(edition not stated by the source)": "(Ausgabe von der Quelle nicht genannt)",
    "edition not stated by the source": "Ausgabe von der Quelle nicht genannt",
    "(source gives no plan section)": "(die Quelle nennt keinen Planabschnitt)",
    "(plan section not given by the source)": "(Planabschnitt von der Quelle nicht genannt)",
    "plan section not given by the source (article lead)": (
        "Planabschnitt von der Quelle nicht genannt (Artikeleinleitung)"
    ),
    "plan section not given by the source": "Planabschnitt von der Quelle nicht genannt",
    "(list section of the source)": "(Listenabschnitt der Quelle)",
    "; source: '": "; Quelle: '",
}

# words that mark a text as English (the curated files' comments are written in English)
_ENGLISH = re.compile(
    r"\b(the|of|and|from|with|not|given|source|cited|curated|facts|stated|only|set)\b"
)
_GERMAN = re.compile(r"\b(der|die|das|und|mit|von|für|ist|sind|nach|zur|zum|eigene)\b")


def guess_lang(text: str | None) -> str:
    """ "en" or "de" for a curated or published text (to mark it up with ``lang``): the
    language whose common words it uses more."""
    if not text:
        return "de"
    en, de = len(_ENGLISH.findall(text)), len(_GERMAN.findall(text))
    return "en" if en > de else "de"


def in_page_language(text: str | None, lang: str) -> tuple[str, str]:
    """(text, its language) with the known English phrases in German on a German page."""
    if not text:
        return "", lang
    if lang == "de":
        text = designation_source_de(text) or ""
    return text, guess_lang(text)


def designation_source_de(text: str | None) -> str | None:
    """A designation's source line ("plan (source kind)") with its English parts in German."""
    if not text:
        return text
    for en, de in PHRASES_DE.items():
        text = text.replace(en, de)
    for en, de in SOURCE_KIND_DE.items():  # "(secondary)", "(secondary, …)"
        text = text.replace(f"({en})", f"({de})").replace(f"({en}, ", f"({de}, ")
    return text
