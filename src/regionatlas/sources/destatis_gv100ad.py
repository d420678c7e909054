"""Destatis Gemeindeverzeichnis GV100AD: fixed-width records, one per line (220 characters).

Record layout (Destatis "Datensatzbeschreibung GV100AD", 1-based character positions):

    1-2   Satzart: 10 Land, 20 Regierungsbezirk, 30 Region, 40 Kreis, 50 Gemeindeverband,
          60 Gemeinde
    3-10  Gebietsstand YYYYMMDD
    11-12 Land · 13 Regierungsbezirk · 14-15 Kreis · 16-18 Gemeinde (60) · 19-22
          Gemeindeverband (50, 60)
    23-72 name · 73-122 seat of the administration (10-40) · 123-124 Textkennzeichen (40-60)
    Satzart 60 only: 129-139 area in ha · 140-150 population · 151-161 population male ·
          166-170 postcode · 171-175 "*****" when the municipality has several postcodes ·
          178-181 tax-office district · 182-185 court districts · 186-190 employment-agency
          district · 191-196 Bundestag constituencies · rest blank

Output: units for land, rbz, kreis, vwg and gemeinde (Satzart 30 "Region" has no level in
the canonical model and is validated but not emitted); ``kind`` is the label of the
Textkennzeichen (e.g. 63 "Stadt", 44 "Landkreis"); ``ars`` is composed from the key parts.
Observations for every Gemeinde at the file's date: ``area_km2`` (ha / 100), ``population``,
``population_male``. Postcodes and the district keys of 166-196 are validated as text but not
imported: the canonical model has no column for text attributes (see ``gemeinde_attributes``).
Areas outside any Kreis (Kreis part "00", e.g. 13000999 Küstengewässer, 07000999 the
German-Luxembourg condominium) get their Land as parent.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pandas as pd

from regionatlas.errors import SourceFormatError
from regionatlas.model.schema import OBSERVATION_COLUMNS, UNIT_COLUMNS
from regionatlas.model.source_data import SourceData
from regionatlas.sources._common import (
    DL_DE_BY_2_0,
    Provenance,
    content_sha256,
    decode,
    provenance,
    read_bytes,
    sha256_bytes,
    source_data,
)

FORMAT_ID = "destatis-gv100ad"
RECORD_LENGTH = 220
OFFICIAL = Provenance(
    publisher="Statistisches Bundesamt (Destatis), Gemeindeverzeichnis-Informationssystem GV-ISys",
    licence=DL_DE_BY_2_0,
    attribution="© Statistisches Bundesamt (Destatis), Gemeindeverzeichnis GV100AD",
)
LEVEL_OF = {"10": "land", "20": "rbz", "30": "region", "40": "kreis", "50": "vwg", "60": "gemeinde"}
KIND = {
    "41": "Kreisfreie Stadt",
    "42": "Stadtkreis",
    "43": "Kreis",
    "44": "Landkreis",
    "45": "Regionalverband",
    "50": "Verbandsfreie Gemeinde",
    "51": "Amt",
    "52": "Samtgemeinde",
    "53": "Verbandsgemeinde",
    "54": "Verwaltungsgemeinschaft",
    "55": "Kirchspielslandgemeinde",
    "56": "Verwaltungsverband",
    "57": "Verbandsgemeinde (Trägermodell)",
    "58": "Erfüllende Gemeinde",
    "60": "Markt",
    "61": "Kreisfreie Stadt",
    "62": "Stadtkreis",
    "63": "Stadt",
    "64": "Kreisangehörige Gemeinde",
    "65": "Gemeindefreies Gebiet, bewohnt",
    "66": "Gemeindefreies Gebiet, unbewohnt",
    "67": "Große Kreisstadt",
}
# (name, start, end) 0-based slices of numeric fields per Satzart
NUMERIC = {
    "60": (("area (ha)", 128, 139), ("population", 139, 150), ("population male", 150, 161)),
}
DIGIT_FIELDS = {  # key parts that must be digits per Satzart
    "10": ((2, 10), (10, 12)),
    "20": ((2, 10), (10, 13)),
    "30": ((2, 10), (10, 14)),
    "40": ((2, 10), (10, 15)),
    "50": ((2, 10), (10, 15), (18, 22)),
    "60": ((2, 10), (10, 22)),
}


def sniff(path: Path) -> bool:
    name = path.name.lower()
    try:
        if name.endswith(".gz"):
            with gzip.open(path, "rb") as fh:
                head = fh.read(RECORD_LENGTH * 4 + 8)
        else:
            with open(path, "rb") as fh:
                head = fh.read(RECORD_LENGTH * 4 + 8)
    except (OSError, EOFError):
        return False
    first = head.split(b"\n", 1)[0].rstrip(b"\r")
    return (
        len(first) >= RECORD_LENGTH - 10
        and first[:2] in (b"10", b"20", b"30", b"40", b"50", b"60")
        and first[2:10].isdigit()
    )


def read(path: Path, encoding: str = "utf-8") -> SourceData:
    path = Path(path)
    data = read_bytes(path)
    text = decode(path, data, encoding, "UTF-8 (GV100AD as published)")
    records = _records(path, text)
    as_of = records[0][1][2:10]
    as_of = f"{as_of[:4]}-{as_of[4:6]}-{as_of[6:8]}"
    units, observations = _canonical(path, records, as_of)
    prov = provenance(path, OFFICIAL)
    return source_data(
        FORMAT_ID,
        path,
        sha256_bytes(data),
        prov,
        vintage=as_of,
        units=units,
        observations=observations,
        notes=["Satzart 30 (Region) records validated, not imported (no canonical level)"],
    )


def _records(path: Path, text: str) -> list[tuple[int, str]]:
    """(line number, record) pairs, each checked for length, Satzart, digits and date."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if not lines:
        raise SourceFormatError(path, "the file is empty", expected="GV100AD records")
    out: list[tuple[int, str]] = []
    date = None
    for no, raw in enumerate(lines, start=1):
        line = raw.rstrip("\r")
        if len(line) != RECORD_LENGTH:
            raise SourceFormatError(
                path,
                f"record has {len(line)} characters (truncated or changed record)",
                line=no,
                value=line[:40],
                expected=f"{RECORD_LENGTH} characters per record",
            )
        kind = line[:2]
        if kind not in LEVEL_OF:
            raise SourceFormatError(
                path,
                "unknown Satzart",
                line=no,
                column=1,
                value=kind,
                expected="10, 20, 30, 40, 50 or 60",
            )
        for start, end in DIGIT_FIELDS[kind]:
            _digits(path, line, no, start, end, "key digits")
        for label, start, end in NUMERIC.get(kind, ()):
            _digits(path, line, no, start, end, label, allow_blank_left=True)
        if date is None:
            date = line[2:10]
        elif line[2:10] != date:
            raise SourceFormatError(
                path,
                "records carry different dates",
                line=no,
                column=3,
                value=line[2:10],
                expected=f"the date of line 1 ({date})",
            )
        out.append((no, line))
    return out


def _digits(
    path: Path,
    line: str,
    no: int,
    start: int,
    end: int,
    label: str,
    allow_blank_left: bool = False,
) -> None:
    """Digits only (numbers may be right-aligned with blanks); name the first bad column."""
    field = line[start:end]
    lead = len(field) - len(field.lstrip(" ")) if allow_blank_left else 0
    rest = field[lead:]
    if rest and rest.isascii() and rest.isdigit():
        return
    bad = lead + next((i for i, ch in enumerate(rest) if not ("0" <= ch <= "9")), 0)
    raise SourceFormatError(
        path,
        f"non-numeric character in {label} (positions {start + 1}-{end})",
        line=no,
        column=start + bad + 1,
        value=field,
        expected=f"{end - start} digits",
    )


def _canonical(
    path: Path, records: list[tuple[int, str]], as_of: str
) -> tuple[pd.DataFrame, pd.DataFrame]:
    units: list[dict[str, object]] = []
    seen: dict[tuple[str, str], int] = {}
    gemeinden: list[tuple[str, str]] = []
    for no, line in records:
        kind = line[:2]
        level = LEVEL_OF[kind]
        land, rb, kreis, gem, vwg = line[10:12], line[12], line[13:15], line[15:18], line[18:22]
        if level == "land":
            key, parent, ars = land, None, land + "0" * 10
        elif level == "rbz":
            key, parent, ars = land + rb, land, land + rb + "0" * 9
        elif level == "region":
            key, parent, ars = line[10:14], land, None
        elif level == "kreis":
            key, parent, ars = land + rb + kreis, land, land + rb + kreis + "0" * 7
        elif level == "vwg":
            key, ars = land + rb + kreis + vwg, land + rb + kreis + vwg + "000"
            parent = land + rb + kreis if kreis != "00" else land
        else:
            key = land + rb + kreis + gem
            parent = land + rb + kreis if kreis != "00" else land
            ars = land + rb + kreis + vwg + gem
        first = seen.get((level, key))
        if first is not None:
            raise SourceFormatError(
                path,
                f"duplicate key of a {level}",
                line=no,
                column=11,
                value=key,
                expected=f"each key once (first seen on line {first})",
            )
        seen[(level, key)] = no
        if level == "gemeinde":
            gemeinden.append((key, line))
        if level == "region":
            continue
        units.append(
            {
                "ags": key,
                "as_of": as_of,
                "name": line[22:72].rstrip(),
                "level": level,
                "parent": parent,
                "state": land,
                "ars": ars,
                "kind": KIND.get(line[122:124].strip(), _default_kind(level)),
                "valid_from": None,
                "valid_to": None,
                "geometry": None,
                "_line": no,
                "_vwg": land + rb + kreis + vwg if level == "gemeinde" else None,
                "_rb": rb,
            }
        )
    _check_parents(path, units, seen)
    frame = pd.DataFrame(units)
    unit_frame = frame[UNIT_COLUMNS].astype(
        {c: "str" for c in ("ags", "as_of", "name", "level", "state")}
    )
    return unit_frame.reset_index(drop=True), _observations(gemeinden, as_of)


def _default_kind(level: str) -> str | None:
    return {"land": "Land", "rbz": "Regierungsbezirk"}.get(level)


def _check_parents(
    path: Path, units: list[dict[str, object]], seen: dict[tuple[str, str], int]
) -> None:
    """Every Kreis needs its Land (and Regierungsbezirk); every Gemeinde its Kreis and vwg."""
    for u in units:
        level, key = str(u["level"]), str(u["ags"])
        needs: list[tuple[str, str]] = []
        if level in ("rbz", "kreis", "vwg", "gemeinde"):
            needs.append(("land", key[:2]))
        if level in ("kreis", "vwg", "gemeinde") and u["_rb"] != "0":
            needs.append(("rbz", key[:3]))
        if level in ("vwg", "gemeinde") and key[3:5] != "00":
            needs.append(("kreis", key[:5]))
        if level == "gemeinde":
            needs.append(("vwg", str(u["_vwg"])))
        for need_level, need_key in needs:
            if (need_level, need_key) not in seen:
                raise SourceFormatError(
                    path,
                    f"unknown AGS: the {level} {key} refers to a missing {need_level}",
                    line=int(str(u["_line"])),
                    column=11,
                    value=need_key,
                    expected=f"a Satzart {_satzart(need_level)} record for {need_key}",
                )


def _satzart(level: str) -> str:
    return next(k for k, v in LEVEL_OF.items() if v == level)


def _observations(gemeinden: list[tuple[str, str]], as_of: str) -> pd.DataFrame:
    keys = np.array([k for k, _ in gemeinden], dtype=object)
    nums = np.array(
        [[int(line[128:139]), int(line[139:150]), int(line[150:161])] for _, line in gemeinden],
        dtype=float,
    ).reshape(-1, 3)
    nums[:, 0] /= 100.0  # ha -> km²
    indicators = ("area_km2", "population", "population_male")
    n = len(keys)
    out = pd.DataFrame(
        {
            "ags": np.tile(keys, 3).astype(str),
            "indicator": np.repeat(np.array(indicators, dtype=object), n).astype(str),
            "period": as_of,
            "value": nums.T.reshape(-1),
            "flag": pd.Series([None] * (3 * n), dtype=object),
        }
    )
    return out[OBSERVATION_COLUMNS]


def gemeinde_attributes(path: Path, encoding: str = "utf-8") -> pd.DataFrame:
    """Text attributes of every Gemeinde (not part of the canonical import).

    Columns: ags, postcode, several_postcodes (bool), tax_office, court_districts,
    employment_agency, constituency.
    """
    path = Path(path)
    text = decode(path, read_bytes(path), encoding, "UTF-8 (GV100AD as published)")
    rows = []
    for _, line in _records(path, text):
        if line[:2] == "60":
            rows.append(
                {
                    "ags": line[10:18],
                    "postcode": line[165:170].strip() or None,
                    "several_postcodes": line[170:175] == "*****",
                    "tax_office": line[177:181].strip() or None,
                    "court_districts": line[181:185].strip() or None,
                    "employment_agency": line[185:190].strip() or None,
                    "constituency": line[190:193].strip() or None,
                }
            )
    return pd.DataFrame(rows)


def fingerprint(path: Path) -> str:
    """The SHA-256 that ``read(path).sha256`` gives, without parsing:
    the file's content, gzip decompressed."""
    return content_sha256(path)
