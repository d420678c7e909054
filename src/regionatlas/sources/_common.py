"""Helpers every reader shares: reading (gzip) bytes, strict decoding, provenance, dates,
and the SourceData a reader returns."""

from __future__ import annotations

import calendar
import gzip
import hashlib
import re
import zlib
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from regionatlas.errors import SourceFormatError
from regionatlas.model.schema import OBSERVATION_COLUMNS
from regionatlas.model.source_data import SourceData

DL_DE_BY_2_0 = "Datenlizenz Deutschland – Namensnennung – 2.0 (dl-de/by-2-0)"
SYNTHETIC_MARKER = "SYNTHETIC.txt"
SYNTHETIC_PUBLISHER = "regionatlas synth (synthetische Daten / synthetic data)"
SYNTHETIC_LICENCE = "CC0-1.0"

BA_PUBLISHER = "Statistik der Bundesagentur für Arbeit"
BA_LICENCE = (
    "Nutzung und Weitergabe mit Quellenangabe erlaubt; eigene Berechnungen sind als "
    "solche kenntlich zu machen (Statistik der BA, Impressum)"
)

GERMANY_KEYS = frozenset({"D", "DG", "DE"})  # how tables key Deutschland; canonical "DE"
THOUSANDS = re.compile(r"\d{1,3}(\.\d{3})+")

GERMAN_MONTHS = {
    "januar": 1,
    "februar": 2,
    "märz": 3,
    "april": 4,
    "mai": 5,
    "juni": 6,
    "juli": 7,
    "august": 8,
    "september": 9,
    "oktober": 10,
    "november": 11,
    "dezember": 12,
}


def read_bytes(path: Path) -> bytes:
    """The file's bytes; ``.gz`` files are decompressed (a cut gzip stream is an error)."""
    data = path.read_bytes()
    if path.suffix.lower() == ".gz" or data[:2] == b"\x1f\x8b":
        try:
            return gzip.decompress(data)
        except (EOFError, OSError, zlib.error) as exc:
            raise SourceFormatError(
                path, f"gzip stream is damaged or truncated ({exc})", expected="a complete .gz file"
            ) from None
    return data


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def content_sha256(path: Path) -> str:
    """SHA-256 of a file's content as most readers hash it for their batch: the bytes, a
    gzip stream decompressed first (``read_bytes``). Cheap: nothing is parsed."""
    return sha256_bytes(read_bytes(Path(path)))


def decode(path: Path, data: bytes, encoding: str = "utf-8", what: str = "UTF-8") -> str:
    """Decode strictly; a bad byte is reported with its 1-based line and character column."""
    if encoding.lower().replace("_", "-") in ("utf-8", "utf8", "utf-8-sig"):
        data = data.removeprefix(b"\xef\xbb\xbf")
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        head = data[: exc.start]
        line = head.count(b"\n") + 1
        line_start = head.rfind(b"\n") + 1
        column = len(data[line_start : exc.start].decode(encoding, errors="replace")) + 1
        raise SourceFormatError(
            path,
            f"byte 0x{data[exc.start]:02x} is not valid {encoding} (a Latin-1/Windows-1252 file?)",
            line=line,
            column=column,
            value=data[exc.start : exc.start + 1],
            expected=f"{what} text",
        ) from None


def find_synthetic_marker(path: Path) -> Path | None:
    """``SYNTHETIC.txt`` in the file's directory or one of its two parents (synthetic.md)."""
    start = path if path.is_dir() else path.parent
    for folder in [start, *list(start.parents)[:2]]:
        marker = folder / SYNTHETIC_MARKER
        if marker.is_file():
            return marker
    return None


@dataclass(frozen=True)
class Provenance:
    publisher: str
    licence: str
    attribution: str
    synthetic: bool = False


def seeded_provenance(seed: str) -> Provenance:
    """The provenance of data written by ``regionatlas synth`` with this seed."""
    return Provenance(
        SYNTHETIC_PUBLISHER,
        SYNTHETIC_LICENCE,
        f"Synthetische Daten, erzeugt von regionatlas synth (Seed {seed}) – synthetic data, "
        "not official statistics",
        synthetic=True,
    )


def synthetic_provenance(marker: Path) -> Provenance:
    text = marker.read_text(encoding="utf-8", errors="replace")
    m = re.search(r"seed\W{0,3}(\d+)", text, re.IGNORECASE)
    return seeded_provenance(m.group(1) if m else "?")


def provenance(
    path: Path,
    official: Provenance,
    *,
    attribution: str | None = None,
    seed: str | None = None,
) -> Provenance:
    """The official provenance, or the synthetic one when the data is synthetic.

    Synthetic is a SYNTHETIC.txt marker beside the file (it wins), else a ``seed`` the
    reader found in the file itself (a synthetic title block). ``attribution`` replaces the
    official one's generic text, e.g. with one naming the reference date; synthetic data
    never carries the official attribution.
    """
    marker = find_synthetic_marker(path)
    if marker:
        return synthetic_provenance(marker)
    if seed is not None:
        return seeded_provenance(seed)
    return official if attribution is None else replace(official, attribution=attribution)


def ba_attribution(product: str, stichtag: str | None = None) -> str:
    """The source statement the BA asks for, for one of its products (e.g. 'Pendleratlas'),
    naming the reference date (ISO) when it is known."""
    dated = f", Stichtag {iso_to_german_date(stichtag)}" if stichtag else ""
    return f"Quelle: {BA_PUBLISHER}, {product}{dated}; eigene Berechnungen"


def ba_official(product: str) -> Provenance:
    """The official provenance of a BA product (undated attribution)."""
    return Provenance(BA_PUBLISHER, BA_LICENCE, ba_attribution(product))


def source_data(
    format_id: str,
    path: Path,
    sha256: str,
    prov: Provenance,
    *,
    vintage: str | None,
    notes: list[str],
    units: pd.DataFrame | None = None,
    observations: pd.DataFrame | None = None,
    flows: pd.DataFrame | None = None,
) -> SourceData:
    """What a reader returns: its frames, labelled with ``prov`` (publisher, licence,
    attribution and whether the data is synthetic)."""
    return SourceData(
        source=format_id,
        file=path,
        sha256=sha256,
        publisher=prov.publisher,
        licence=prov.licence,
        attribution=prov.attribution,
        vintage=vintage,
        units=units,
        observations=observations,
        flows=flows,
        synthetic=prov.synthetic,
        notes=notes,
    )


def observation_frame(
    ags: Sequence[str],
    indicators: Sequence[str],
    periods: str | Sequence[str],
    values: Sequence[float | None],
    flags: Sequence[str | None],
) -> pd.DataFrame:
    """Observations from parallel lists; ``periods`` as one text is the period of every row.

    Keys, indicators and periods are text columns, values float (None is NaN: a marker's
    value), flags objects (None or the marker as published).
    """
    frame = pd.DataFrame(
        {
            "ags": pd.array(ags, dtype="str"),
            "indicator": pd.array(indicators, dtype="str"),
            # one text is broadcast as a text column (same dtype, no per-row list)
            "period": periods if isinstance(periods, str) else pd.array(periods, dtype="str"),
            "value": pd.array(values, dtype="float64"),
            "flag": pd.Series(flags, dtype=object),
        }
    )
    return frame[OBSERVATION_COLUMNS]


def whole_number(text: str) -> float | None:
    """A published whole number: ASCII digits, optionally with ``.`` thousands separators
    (``1.234``); None for anything else (markers, signs, decimals, blanks)."""
    if text.isdigit() and text.isascii():
        return float(text)
    if THOUSANDS.fullmatch(text):
        return float(text.replace(".", ""))
    return None


def regional_key(
    where: str | Path,
    raw: str,
    line: int,
    column: int | str,
    lengths: Collection[int],
    expected: str,
) -> str:
    """A regional key (AGS/ARS or a prefix) as text with its leading zeros, its length one
    of ``lengths``; Deutschland (``DG``, ``D``, ``DE``) is ``DE``."""
    key = raw.strip()
    if key in GERMANY_KEYS:
        return "DE"
    if not (key.isdigit() and key.isascii() and len(key) in lengths):
        raise SourceFormatError(
            where,
            "bad regional key (no AGS)",
            line=line,
            column=column,
            value=raw,
            expected=expected,
        )
    return key


def month_end(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}-{calendar.monthrange(year, month)[1]:02d}"


def german_month_to_date(text: str) -> str | None:
    """'Juni 2023' -> '2023-06-30' (the BA's reference day is the month's last day)."""
    m = re.fullmatch(r"\s*([A-Za-zÄÖÜäöü]+)\s+(\d{4})\s*", text)
    if not m or m.group(1).lower() not in GERMAN_MONTHS:
        return None
    return month_end(int(m.group(2)), GERMAN_MONTHS[m.group(1).lower()])


def iso_to_german_date(iso: str) -> str:
    """'2023-06-30' -> '30.06.2023' (the Stichtag as the official attributions write it)."""
    return f"{iso[8:10]}.{iso[5:7]}.{iso[:4]}"


def german_date_to_iso(text: str) -> str | None:
    """'01.01.2021' -> '2021-01-01'; None when the text is not such a date."""
    m = re.search(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", text)
    if not m:
        return None
    return f"{int(m.group(3)):04d}-{int(m.group(2)):02d}-{int(m.group(1)):02d}"


def strip_archive_suffix(path: Path) -> str:
    """File name without a trailing .gz (used for sniffing by name)."""
    name = path.name
    return name[:-3] if name.lower().endswith(".gz") else name
