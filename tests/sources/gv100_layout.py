"""Small GV100AD files in exactly Destatis' record layout (220 characters per record)."""

from __future__ import annotations

DATE = "20231130"


def _fit(text: str, width: int) -> str:
    assert len(text) <= width, (text, width)
    return text.ljust(width)


def record(
    satzart: str,
    key: str,
    name: str,
    *,
    vwg: str = "",
    seat: str = "",
    text_key: str = "",
    area_ha: int | None = None,
    population: int | None = None,
    male: int | None = None,
    postcode: str = "",
    date: str = DATE,
) -> str:
    """One record. ``key`` holds the key parts from position 11 on (Land, RB, Kreis, Gemeinde)."""
    line = satzart + date + _fit(key, 8) + _fit(vwg, 4) + _fit(name, 50)
    line += _fit(seat, 50) + _fit(text_key, 2) + " " * 4
    if satzart == "60":
        line += f"{area_ha or 0:011d}{population or 0:011d}{male or 0:011d}" + " " * 4
        line += _fit(postcode, 5) + "*****" + "  " + "2626160743501168"
    return _fit(line, 220)


def hessen_lines() -> list[str]:
    """Land Hessen, RB Kassel, Kassel (kreisfrei) and Landkreis Kassel with two Gemeinden."""
    return [
        record("10", "06", "Hessen", seat="Wiesbaden"),
        record("20", "066", "Reg.-Bez. Kassel", seat="Kassel"),
        record("40", "06611", "Kassel, documenta-Stadt", seat="Kassel", text_key="41"),
        record("50", "06611", "Kassel, documenta-Stadt", vwg="0000", text_key="50"),
        record(
            "60",
            "06611000",
            "Kassel, documenta-Stadt",
            vwg="0000",
            text_key="61",
            area_ha=10679,
            population=204202,
            male=99986,
            postcode="34117",
        ),
        record("40", "06633", "Kassel", seat="Kassel", text_key="44"),
        record("50", "06633", "Baunatal, Stadt", vwg="0003", text_key="50"),
        record(
            "60",
            "06633003",
            "Baunatal, Stadt",
            vwg="0003",
            text_key="63",
            area_ha=3827,
            population=28301,
            male=14012,
            postcode="34225",
        ),
        record("50", "06633", "Ahnatal", vwg="0001", text_key="50"),
        record(
            "60",
            "06633001",
            "Ahnatal",
            vwg="0001",
            text_key="64",
            area_ha=1803,
            population=8120,
            male=3960,
            postcode="34292",
        ),
    ]


def file_text(lines: list[str] | None = None) -> str:
    return "\n".join(hessen_lines() if lines is None else lines) + "\n"
