"""Regionalstatistik 13111-07-05-4 CSV files in exactly the layout of
docs/formats/regionalstatistik-13111.md (Latin-1, semicolons, seven title lines with the
Stichtag, four column-header lines, 14 lines per unit, four footer lines). Numbers are
hand-made; the group sums (B-F, G-U, Insgesamt) are added up here from the parts."""

from __future__ import annotations

import gzip
from pathlib import Path

# label as the export shows it, WZ 2008 code; in the table's order
LABELS = [
    ("Land- und Forstwirtschaft, Fischerei (A)", "A"),
    ("Produzierendes Gewerbe (B-F)", "B-F"),
    ("Produzierendes Gewerbe ohne Baugewerbe (B-E)", "B-E"),
    ("Verarbeitendes Gewerbe (C)", "C"),
    ("Baugewerbe (F)", "F"),
    ("Dienstleistungsbereiche (G-U)", "G-U"),
    ("Handel, Gastgewerbe, Verkehr (G-I)", "G-I"),
    ("Information und Kommunikation (J)", "J"),
    ("Erbringung von Finanz- und Vers.leistungen (K)", "K"),
    ("Grundstücks- und Wohnungswesen (L)", "L"),
    ("Freiberufl,wissenschaftl. techn. Dienstl.,sonst.DL", "M-N"),
    ("Öff.Verw.,Verteidig.,Sozialvers.,Erz.-u.Unterricht", "O-Q"),
    ("Kunst, Unterhaltung, Erholung, Priv. Haush.,usw.", "R-U"),
]
PARTITION = ("A", "B-E", "F", "G-I", "J", "K", "L", "M-N", "O-Q", "R-U")
SERVICES = ("G-I", "J", "K", "L", "M-N", "O-Q", "R-U")
TITLE = [
    "13111-07-05-4: Sozialversicherungspflichtig Beschäftigte am Arbeitsort nach Geschlecht, "
    "Nationalität und Wirtschaftszweigen (WZ 2008) - Stichtag 30.06. - regionale Tiefe: "
    "Kreise und krfr. Städte",
    "Beschäftigungsstatistik der Bundesagentur für Arbeit",
    "Sozialversicherungspflichtig Beschäftigte (Anzahl)",
    "Regionaldatenbank Deutschland",
    "",
    "",
    "Stichtag: 30.06.2023",
]
COLUMN_HEADER = [
    ";;;" + ";".join(["Nationalität"] * 6),
    ";;;" + ";".join(["Insgesamt"] * 3 + ["Ausländer(innen)"] * 3),
    ";;;" + ";".join(["Geschlecht"] * 6),
    ";;;Insgesamt;männlich;weiblich;Insgesamt;männlich;weiblich",
]
HEADER = TITLE + COLUMN_HEADER
HEADER_LINES = len(HEADER)  # the first data line is line HEADER_LINES + 1
FOOTER = [
    "__________",
    "(C)opyright Statistische Ämter des Bundes und der Länder, 2024",
    "Stand: 14.06.2024 / 10:12:31",
    "",
]
LINES_PER_UNIT = 1 + len(LABELS)

# unit -> (name, parts by code, C (within B-E), not assignable to a sector)
KASSEL_STADT = {
    "A": "-",
    "B-E": 14_200,
    "F": 3_900,
    "G-I": 24_100,
    "J": 4_300,
    "K": 3_800,
    "L": 1_200,
    "M-N": 19_700,
    "O-Q": 36_400,
    "R-U": 5_100,
}
LANDKREIS = {
    "A": 910,
    "B-E": 31_400,
    "F": 6_200,
    "G-I": 17_800,
    "J": 900,
    "K": 1_100,
    "L": 400,
    "M-N": 7_300,
    "O-Q": 14_900,
    "R-U": 2_300,
}
UNITS = {
    "06611": ("Kassel, kreisfreie Stadt", KASSEL_STADT, 7_900, 14),
    "06633": ("Kassel, Landkreis", LANDKREIS, 24_800, 9),
}


def values(parts: dict[str, object], c: object, unassigned: int) -> dict[str, object]:
    """Every published group and the total from the parts ('.' where a part is a marker)."""

    def total(codes) -> object:
        got = [parts[k] for k in codes]
        return sum(got) if all(isinstance(v, int) for v in got) else "."

    out = dict(parts)
    out["C"] = c
    out["B-F"] = total(("B-E", "F"))
    out["G-U"] = total(SERVICES)
    t = total(PARTITION)
    out["Insgesamt"] = t + unassigned if isinstance(t, int) else "."
    return out


def cells(v: object) -> str:
    """Six counts: total, male, female, foreigners total, male, female (split by hand rule)."""
    if not isinstance(v, int):
        return ";".join([str(v)] * 6)
    male, foreign = v // 2, v // 10
    fmale = foreign // 2
    return ";".join(str(x) for x in (v, male, v - male, foreign, fmale, foreign - fmale))


def unit_lines(key: str, name: str, vals: dict[str, object]) -> list[str]:
    out = [f"{key};{name};Insgesamt;{cells(vals['Insgesamt'])}"]
    out += [f"{key};{name};{label};{cells(vals[code])}" for label, code in LABELS]
    return out


def expected() -> dict[str, dict[str, object]]:
    return {key: values(parts, c, u) for key, (_, parts, c, u) in UNITS.items()}


def body() -> list[str]:
    exp = expected()
    return [line for key, (name, *_) in UNITS.items() for line in unit_lines(key, name, exp[key])]


def write(
    path: Path, lines: list[str], encoding: str = "latin-1", header: list[str] | None = None
) -> Path:
    text = "\r\n".join((HEADER if header is None else header) + lines + FOOTER)
    data = text.encode(encoding)
    path.write_bytes(gzip.compress(data) if path.suffix == ".gz" else data)
    return path
