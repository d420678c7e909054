"""German for the notes that workflows attach to their results ("what this rests on").

The workflows write their notes in English, for the CLI, the API and the logs: fragments
joined by "; ", some with a prefix ("functional figures: …") around another note. The web
pages are German first, so this module translates a note fragment by fragment with a fixed,
ordered table of patterns — every note template of ``workflows``/``analysis`` has one here
(a test runs the workflows on the shipped bundle and fails on any fragment without German).
Numbers are written the German way (decimal comma, thousands dot).

    translate(note, "de") -> str          English passes through unchanged for "en"
    untranslated(note) -> list[str]       fragments the table does not know (for tests)
"""

from __future__ import annotations

import re
from collections.abc import Callable

_NUM = r"[-\d.,]+(?:e[-+]?\d+)?"


def _de_number(text: str) -> str:
    """1,234.5 -> 1.234,5 ; 0.4085 -> 0,4085 ; 2.5% -> 2,5 %."""
    if not re.fullmatch(r"-?[\d,]*\.?\d+%?", text):
        return text
    pct = text.endswith("%")
    core = text.rstrip("%")
    core = core.replace(",", "\u2009").replace(".", ",").replace("\u2009", ".")
    return core + ("\u00a0%" if pct else "")


Rule = tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]]


def _rules() -> list[Rule]:
    def r(pattern: str, de: str | Callable[[re.Match[str]], str]) -> Rule:
        return re.compile(pattern + r"\Z", re.S), de

    return [
        # ------------------------------------------------------------ prefixes (recursive)
        r(r"functional figures: (?P<rest>.+)", "funktionale Kennzahlen: {rest}"),
        r(r"designations: (?P<rest>.+)", "Festlegungen: {rest}"),
        r(r"district internal totals: (?P<rest>.+)", "Binnenpendler je Kreis: {rest}"),
        r(r"district internal flows: (?P<rest>.+)", "Ströme innerhalb der Kreise: {rest}"),
        r(r"points: (?P<rest>.+)", "Punkte: {rest}"),
        r(
            r"municipal weights — (?P<rest>.+)",
            "Gewichte der Gemeinden im Modell — {rest}",
        ),
        r(r"modelled estimate: (?P<rest>.+)", "Modellschätzung: {rest}"),
        r(r"synthetic: (?P<rest>.+)", "synthetisch: {rest}"),
        r(r"official: (?P<rest>.+)", "amtlich: {rest}"),
        # ------------------------------------------------------------------- flow bases
        r(
            r"municipal flows from a doubly-constrained spatial-interaction model fitted to "
            r"the published district-to-district totals(?: \((?P<period>[\d-]+)\))?",
            lambda m: (
                "Gemeindeströme aus einem zweiseitig beschränkten Gravitationsmodell, "
                "angepasst an die veröffentlichten Kreis-zu-Kreis-Summen"
                + (f" ({m['period']})" if m["period"] else "")
            ),
        ),
        r(
            r"published municipal flows \((?P<period>[\d-]+)\)",
            "veröffentlichte Gemeindeströme ({period})",
        ),
        r(
            r"(?P<head>.+) \((?P<period>[\d-]+); imported as batch (?P<ids>[\d, ]+)\)",
            lambda m: (
                f"{translate(m['head'], 'de')} ({m['period']}; importiert als "
                f"Datenstand {m['ids']})"
            ),
        ),
        r(
            r"official Kreis × Kreis flows \((?P<period>[\d-]+)\)",
            "amtliche Kreis×Kreis-Ströme ({period})",
        ),
        r(
            r"official Kreis × Kreis flows \((?P<period>[\d-]+)\) between the region's "
            r"(?P<n>\d+) districts \(core and ring\)",
            "amtliche Kreis×Kreis-Ströme ({period}) zwischen den {n} Kreisen der Region "
            "(Kern und Ring)",
        ),
        r(
            r"an empty cell had fewer than 10 commuters, which the BA pools into 'Übrige …' "
            r"rows \(column not_assigned: pooled commuters without a named partner\)",
            "eine leere Zelle hatte weniger als 10 Pendler, die die BA in Zeilen „Übrige …“ "
            "zusammenfasst (Spalte not_assigned: zusammengefasste Pendler ohne benannten "
            "Partner)",
        ),
        r(
            r"the diagonal \(flows within a unit\) is not published",
            "die Diagonale (Ströme innerhalb einer Einheit) wird nicht veröffentlicht",
        ),
        r(r"not published", "nicht veröffentlicht"),
        r(r"published self-flows", "veröffentlichte Binnenströme"),
        r(
            r"employed_residents − out_commuters \(published\)",
            "Beschäftigte am Wohnort − Auspendler (veröffentlicht)",
        ),
        r(
            r"jobs − in_commuters \(published\)",
            "Beschäftigte am Arbeitsort − Einpendler (veröffentlicht)",
        ),
        r(
            r"population × assumed employment rate (?P<rate>\S+) − published out-commuters",
            lambda m: (
                "Bevölkerung × angenommene Beschäftigtenquote "
                f"{_de_number(m['rate'])} − veröffentlichte Auspendler"
            ),
        ),
        r(
            r"flows within districts not estimated: the BA's Kreis tables publish no internal "
            r"flow",
            "Ströme innerhalb der Kreise nicht geschätzt: die Kreistabellen der BA enthalten "
            "keine Binnenströme",
        ),
        r(
            r"import the municipal tables, or employed residents per district, or give an "
            r"explicit employment rate \(modelling assumption\)",
            "Gemeindetabellen oder Beschäftigte am Wohnort je Kreis importieren oder eine "
            "Beschäftigtenquote angeben (Modellannahme)",
        ),
        # ------------------------------------------------------------------ model details
        r(
            r"employed residents: population \(no municipal employed residents imported for "
            r"(?P<period>[\d-]+)\)",
            "Beschäftigte am Wohnort: Bevölkerung (keine Beschäftigten am Wohnort je Gemeinde "
            "für {period} importiert)",
        ),
        r(
            r"jobs: population \(no municipal jobs imported for (?P<period>[\d-]+)\)",
            "Arbeitsplätze: Bevölkerung (keine Beschäftigten am Arbeitsort je Gemeinde für "
            "{period} importiert)",
        ),
        r(
            r"employed residents: imported municipal figures in (?P<k>\d+) of (?P<n>\d+) "
            r"districts, population elsewhere",
            "Beschäftigte am Wohnort: importierte Gemeindezahlen in {k} von {n} Kreisen, sonst "
            "Bevölkerung",
        ),
        r(
            r"jobs: imported municipal figures in (?P<k>\d+) of (?P<n>\d+) districts, "
            r"population elsewhere",
            "Arbeitsplätze: importierte Gemeindezahlen in {k} von {n} Kreisen, sonst Bevölkerung",
        ),
        r(
            r"beta calibrated on published district flows: (?P<beta>" + _NUM + ")",
            lambda m: (
                "Distanzparameter β an den veröffentlichten Kreisströmen kalibriert: "
                f"{_de_number(m['beta'])}"
            ),
        ),
        r(
            r"no municipal areas: internal trip length taken as 0 km",
            "keine Gemeindeflächen: Binnenweglänge mit 0 km angesetzt",
        ),
        r(
            r"(?P<n>\d+) district\(s\) without an internal total: flows within them are not "
            r"estimated, and municipal margins cover their flows to other districts only",
            "{n} Kreis(e) ohne Binnensumme: Ströme innerhalb dieser Kreise nicht geschätzt, "
            "die Gemeindesummen decken nur die Ströme in andere Kreise",
        ),
        r(
            r"municipal margins matched to (?P<err>\S+) after (?P<it>\d+) iterations \(the "
            r"district totals are matched exactly\)",
            lambda m: (
                f"Gemeindesummen auf {_de_number(m['err'])} genau nach {m['it']} "
                "Iterationen (die Kreissummen werden exakt eingehalten)"
            ),
        ),
        r(r"estimates rounded to whole persons", "Schätzwerte auf ganze Personen gerundet"),
        r(
            r"flows between the region's (?P<n>\d+) municipalities only",
            "nur Ströme zwischen den {n} Gemeinden der Region",
        ),
        r(r"aggregated from municipal flows", "aus Gemeindeströmen zusammengefasst"),
        r(
            r"out/in-commuters: totals published by the BA",
            "Aus-/Einpendler: von der BA veröffentlichte Summen",
        ),
        r(
            r"not_assigned = total − sum of flows to named partners",
            "not_assigned = Summe − Ströme zu benannten Partnern",
        ),
        r(
            r"aggregated from Kreis flows: totals are sums of published flows incl\. pooled "
            r"'Übrige …' rows \(out-commuters from the residence side's tables, in-commuters "
            r"from the workplace side's\)",
            "aus Kreisströmen zusammengefasst: Summen der veröffentlichten Ströme einschl. "
            "der Zeilen „Übrige …“ (Auspendler aus den Tabellen des Wohnorts, Einpendler aus "
            "denen des Arbeitsorts)",
        ),
        r(r"no published totals at this level", "keine veröffentlichten Summen auf dieser Ebene"),
        r(
            r"routes approximated by straight lines between population-weighted centroids "
            r"\(no transport network imported yet\)",
            "Wege als Luftlinien zwischen bevölkerungsgewichteten Schwerpunkten angenähert "
            "(noch kein Verkehrsnetz importiert)",
        ),
        r(
            r"polygon centroids of municipalities",
            "Flächenschwerpunkte der Gemeinden",
        ),
        r(
            r"population-weighted centroids of districts",
            "bevölkerungsgewichtete Schwerpunkte der Kreise",
        ),
        # ---------------------------------------------------------------- central places
        r(r"cited file (?P<name>\S+)", "zitierte Datei {name}"),
        r(
            r"store observations central_place_level",
            "Beobachtungen central_place_level im Datenbestand",
        ),
        r(
            r"official municipal flows \((?P<period>[\d-]+)\)",
            "amtliche Gemeindeströme ({period})",
        ),
        r(
            r"(?P<k>\d+) of (?P<n>\d+) places not assessable: jobs at municipal level not "
            r"measured — the model splits each district's jobs by population, so all its "
            r"municipalities get the same jobs per employed resident",
            "{k} von {n} Orten nicht beurteilbar: Arbeitsplätze je Gemeinde nicht gemessen — "
            "das Modell verteilt die Arbeitsplätze jedes Kreises nach der Bevölkerung, so dass "
            "alle seine Gemeinden dieselbe Arbeitsplatzzentralität erhalten",
        ),
        r(
            r"import the BA Gemeindedaten \(gemband\) or municipal commuter tables \(krpend\) "
            r"to assess them",
            "mit den Gemeindedaten der BA (gemband) oder den Gemeinde-Pendlertabellen "
            "(krpend) werden sie beurteilbar",
        ),
    ]


_RULES = _rules()


def _fragment(text: str) -> tuple[str, bool]:
    for pattern, de in _RULES:
        m = pattern.match(text)
        if not m:
            continue
        if callable(de):
            return de(m), True
        groups = m.groupdict()
        ok = True
        if "rest" in groups and groups["rest"] is not None:
            groups["rest"], ok = _translate(groups["rest"])
        return de.format(**groups), ok
    return text, False


def _split(note: str) -> list[str]:
    """Fragments separated by "; " outside parentheses."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(note):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(depth - 1, 0)
        elif ch == ";" and depth == 0 and note[i + 1 : i + 2] == " ":
            parts.append(note[start:i])
            start = i + 2
    parts.append(note[start:])
    return [p for p in parts if p.strip()]


def _translate(note: str) -> tuple[str, bool]:
    parts = _split(note)
    out, complete = [], True
    for p in parts:
        t, ok = _fragment(p.strip())
        out.append(t)
        complete = complete and ok
    return "; ".join(out), complete


def translate(note: str | None, lang: str) -> str:
    """The note in ``lang`` ("de" or "en"); a fragment without German stays English."""
    if not note or lang != "de":
        return note or ""
    return _translate(note)[0]


def untranslated(note: str) -> list[str]:
    """The fragments of ``note`` that the table cannot put into German."""
    missing = []
    for p in _split(note):
        if not _translate(p)[1]:
            missing.append(p)
    return missing
