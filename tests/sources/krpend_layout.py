"""Small krpend workbooks in exactly the layout of docs/formats/krpend.md (for tests)."""

from __future__ import annotations

from pathlib import Path

import xlsxwriter
from xlsb_writer import Cell, write_xlsb

VALUE_HEADER = ["Insgesamt", "Männer", "Frauen", "Deutsche", "Ausländer", "Auszubildende"]

# Hand-made Hessen blocks (Gemeinden): Kassel (06611000) and Baunatal (06633003).
# Columns: block key, block name, partner key, partner name, 6 values.
AUS_GEMEINDEN: list[list[Cell]] = [
    [
        "06611000",
        "Kassel, documenta-Stadt",
        None,
        "Insgesamt",
        29100,
        19120,
        9980,
        22190,
        6910,
        1090,
    ],
    [None, None, "06611000", "Wohnort = Arbeitsort", 70000, 36000, 34000, 60000, 10000, 3000],
    [None, None, "06633003", "Baunatal, Stadt", 2500, 1900, 600, 2200, 300, "*"],
    [None, None, "03159016", "Göttingen, Stadt", 800, 450, 350, 700, 100, 20],
    [None, None, "06611xxx", "Übrige Gemeinden des Kreises", 15, "*", "*", 10, "-", "-"],
    [None, None, None, "Übrige Kreise (Regierungsbezirk)", 400, 250, 150, 350, 50, 9],
    ["06633003", "Baunatal, Stadt", None, "Insgesamt", 9000, 5000, 4000, 8000, 1000, 300],
    [None, None, "06633003", "Wohnort = Arbeitsort", 6000, 3500, 2500, 5500, 500, 200],
    [None, None, "06611000", "Kassel, documenta-Stadt", 3100, 1600, 1500, 2900, 200, 100],
]
EIN_KREISE: list[list[Cell]] = [
    ["06611", "Kassel, documenta-Stadt", None, "Insgesamt", 70000, 38000, 32000, 63000, 7000, 3000],
    [None, None, "06611", "Arbeitsort = Wohnort", 99000, 50000, 49000, 88000, 11000, 4000],
    [None, None, "06633", "Kassel, Landkreis", 40000, 21000, 19000, 37000, 3000, 1500],
    [None, None, "064xx", "Übrige Kreise (Regierungsbezirk)", 120, 70, 50, 110, 10, "*"],
]


def sheet_rows(
    sheet: str,
    data: list[list[Cell]],
    *,
    land: str = "Hessen",
    stichtag: str = "30.06.2023",
    title: str = "Sozialversicherungspflichtig Beschäftigte – Pendler über Gemeindegrenzen",
    subheader: bool = True,
    footer: bool = True,
) -> list[list[Cell]]:
    """Title block, column header (+ sub-header), data, footer — as in krpend.md."""
    aus = sheet.startswith("Auspendler")
    first, third = ("Wohnort", "Arbeitsort") if aus else ("Arbeitsort", "Wohnort")
    rows: list[list[Cell]] = [
        [title],
        [land],
        [f"Stichtag: {stichtag}"],
        [],
        [sheet],
        ["Werte unter 3 werden mit * anonymisiert."],
        [],
        [
            f"{first} Schlüssel",
            f"{first} Name",
            f"{third} Schlüssel",
            f"{third} Name",
            *VALUE_HEADER,
        ],
    ]
    if subheader:
        rows.append([None, None, None, None, "Anzahl", None, None, None, None, None])
    rows += [list(r) for r in data]
    if footer:
        rows += [
            [],
            ["© Statistik der Bundesagentur für Arbeit"],
            ["Werte gerundet; Zellen unter 3 anonymisiert."],
            ["Erstellungsdatum: 15.01.2024"],
        ]
    return rows


def default_sheets(**kwargs: object) -> dict[str, list[list[Cell]]]:
    return {
        "Impressum": [["Statistik der Bundesagentur für Arbeit"]],
        "Auspendler Gemeinden": sheet_rows("Auspendler Gemeinden", AUS_GEMEINDEN, **kwargs),
        "Einpendler Kreise": sheet_rows("Einpendler Kreise", EIN_KREISE, **kwargs),
    }


def write_xlsx(path: Path, sheets: dict[str, list[list[Cell]]]) -> Path:
    wb = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False})
    for name, rows in sheets.items():
        ws = wb.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, str):
                    ws.write_string(r, c, value)
                else:
                    ws.write_number(r, c, value)
    wb.close()
    return path


def write_workbook(path: Path, sheets: dict[str, list[list[Cell]]]) -> Path:
    if path.suffix == ".xlsb":
        return write_xlsb(path, sheets)
    return write_xlsx(path, sheets)
