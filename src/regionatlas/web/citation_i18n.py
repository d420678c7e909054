"""The curated central-place list describes each designation's source in English
(``source_kind``: "secondary, … citing …"). The pages show that description in their own
language: German for every description the shipped list holds; a description the table does
not know is shown as written and marked as English (``lang="en"``) by the caller."""

from __future__ import annotations

import re

SOURCE_KIND_DE = {
    "secondary, Radverkehrskonzept Landkreis Kassel citing the Regionalplan Nordhessen": (
        "Sekundärquelle: Radverkehrskonzept Landkreis Kassel, das den Regionalplan "
        "Nordhessen zitiert"
    ),
    "secondary, Wikipedia article 'Uslar' (lead), read in a copy that quotes it; no plan "
    "citation in the lead": (
        "Sekundärquelle: Wikipedia-Artikel „Uslar“ (Einleitung), gelesen in einer Kopie, die "
        "ihn zitiert; kein Planzitat in der Einleitung"
    ),
    "secondary, Wikipedia article 'Warburg' (lead), no plan citation in the lead": (
        "Sekundärquelle: Wikipedia-Artikel „Warburg“ (Einleitung), kein Planzitat in der Einleitung"
    ),
    "secondary, Wikipedia list citing the Fünfte Verordnung (GVBl. 2021 S. 394) and the LEP "
    "Hessen 2020 Lesefassung": (
        "Sekundärquelle: Wikipedia-Liste, die die Fünfte Verordnung (GVBl. 2021 S. 394) und "
        "die Lesefassung des LEP Hessen 2020 zitiert"
    ),
    "secondary, commercial web page paraphrasing the Wikipedia article, no plan citation": (
        "Sekundärquelle: kommerzielle Webseite, die den Wikipedia-Artikel wiedergibt, kein "
        "Planzitat"
    ),
    "secondary, district profile of the Landesamt für Statistik Niedersachsen (no plan citation)": (
        "Sekundärquelle: Kreisprofil des Landesamts für Statistik Niedersachsen (kein Planzitat)"
    ),
    "secondary, newspaper report (HNA) on the LEP Hessen 2020 draft, no plan page cited": (
        "Sekundärquelle: Zeitungsbericht (HNA) zum Entwurf des LEP Hessen 2020, keine "
        "Planseite zitiert"
    ),
    "secondary, newspaper report (lokalo24) on Korbach's retail strategy, no plan citation": (
        "Sekundärquelle: Zeitungsbericht (lokalo24) zum Einzelhandelskonzept Korbachs, kein "
        "Planzitat"
    ),
    "secondary, regional city portal (city-map), no plan citation": (
        "Sekundärquelle: regionales Stadtportal (city-map), kein Planzitat"
    ),
    "secondary, the town's anniversary publication '825 Jahre Stadt Melsungen', no plan citation": (
        "Sekundärquelle: Festschrift der Stadt „825 Jahre Stadt Melsungen“, kein Planzitat"
    ),
    "secondary, the town's own website (Einzelhandelskonzept page), no plan citation": (
        "Sekundärquelle: Website der Stadt (Seite zum Einzelhandelskonzept), kein Planzitat"
    ),
}


def source_kind(text: str | None, lang: str) -> tuple[str, str]:
    """(text to show, its language) for a ``source_kind`` on a page in ``lang``."""
    if not text:
        return "", lang
    if lang == "de" and text in SOURCE_KIND_DE:
        return SOURCE_KIND_DE[text], "de"
    return text, "en"


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
    for en, de in {**SOURCE_KIND_DE, **PHRASES_DE}.items():
        text = text.replace(en, de)
    return text
