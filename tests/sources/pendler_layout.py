"""Small BA Pendleratlas CSV exports in exactly the published layout (for tests).

Header block, column row, data rows, blank row and footer as in the BA's export (see
../shared/data/README.md); ``dots=True`` writes thousands with a dot as the BA does,
``dots=False`` as in the copy in ../shared/data (dots removed everywhere).
"""

from __future__ import annotations

from pathlib import Path

HEADER = {
    "residence": "Wohnort;Regionalschlüssel;Arbeitsort;Regionalschlüssel",
    "workplace": "Arbeitsort;Regionalschlüssel;Wohnort;Regionalschlüssel",
}
VALUES = "Insgesamt;Männer;Frauen;Deutsche;Ausländer;Auszubildende"

# Auspendler of two Hessian Kreise (numbers hand-made; the Kassel total is the published one)
AUS_ROWS = [
    [
        "Kassel, documenta-Stadt",
        "06611",
        "Auspendler insgesamt",
        "0",
        "29100",
        "19120",
        "9980",
        "22190",
        "6910",
        "1090",
    ],
    [
        "Kassel, documenta-Stadt",
        "06611",
        "Übrige Kreise (Regierungsbezirk)",
        "010xx",
        "40",
        "30",
        "10",
        "30",
        "10",
        "0",
    ],
    [
        "Kassel, documenta-Stadt",
        "06611",
        "Kassel",
        "06633",
        "12345",
        "7000",
        "5345",
        "11000",
        "1345",
        "400",
    ],
    ["Kassel, documenta-Stadt", "06611", "St. Wendel", "10046", "20", "10", "10", "20", "*", "*"],
    ["Kassel, documenta-Stadt", "06611", "Schweiz", "CH", "20", "10", "10", "10", "10", "0"],
    [
        "Kassel",
        "06633",
        "Auspendler insgesamt",
        "0",
        "54530",
        "29370",
        "25170",
        "50190",
        "4350",
        "2170",
    ],
    [
        "Kassel",
        "06633",
        "Kassel, documenta-Stadt",
        "06611",
        "1275210",
        "157020",
        "118190",
        "230160",
        "45060",
        "8070",
    ],
]


def _number(text: str, dots: bool) -> str:
    if not dots or not text.isdigit():
        return text
    return f"{int(text):,}".replace(",", ".")


def csv_text(
    direction: str = "residence",
    rows: list[list[str]] | None = None,
    *,
    dots: bool = True,
    month: str = "Juni 2023",
    land: str = "Hessen",
    header: str | None = None,
    footer: bool = True,
) -> str:
    rows = AUS_ROWS if rows is None else rows
    thema = "Auspendler Kreise" if direction == "residence" else "Einpendler Kreise"

    def q(cells: list[str]) -> str:
        return ";".join(f'"{c}"' for c in cells)

    lines = [
        q(["Land", land]),
        q(["Kreis", "Alle"]),
        q(["", ""]),
        q(["Regionale Ebene", "Kreise"]),
        q(["Gebietsstand", month]),
        q(["Berichtsmonat", month]),
        q(["Datenstand", "Januar 2024"]),
        q(
            [
                "Hinweise",
                "Regionen, deren Pendlerzahl kleiner 10 ist, werden als „Übrige“ zusammengefasst",
            ]
        ),
        '""',
        '""',
        q(["Thema:", thema]),
        q((header or f"{HEADER[direction]};{VALUES}").split(";")),
    ]
    for row in rows:
        name = row[2] if dots else row[2].replace(".", "")
        cells = [row[0], row[1], name, row[3], *(_number(v, dots) for v in row[4:])]
        lines.append(q(cells))
    if footer:
        lines += [
            '""',
            q(["Exportdatum: ", "15072024", "23:10:0"]),
            q(["© Statistik der Bundesagentur für Arbeit"]),
            q(
                [
                    "Die Produkte unterliegen dem Urheberrecht (siehe Impressum: "
                    "https://statistik.arbeitsagentur.de/)"
                ]
            ),
        ]
    return "\ufeff" + "\n".join(lines) + "\n"


def write_csv(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path
