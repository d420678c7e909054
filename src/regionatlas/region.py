"""Region definitions: ``regions/<id>.toml`` read into a validated ``Region``."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from regionatlas.errors import RegionDefinitionError

_KREIS = re.compile(r"^\d{5}$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class District:
    ags: str
    name: str


@dataclass(frozen=True)
class Region:
    id: str
    name_de: str
    name_en: str
    reference_year: int
    reference_date: str
    core: tuple[District, ...]
    ring: tuple[District, ...]
    source_files: tuple[Path, ...]
    colour: str = "#1b6f8c"
    former: tuple[District, ...] = ()
    file: Path | None = None
    extra: dict = field(default_factory=dict)

    @property
    def core_codes(self) -> frozenset[str]:
        return frozenset(d.ags for d in self.core)

    @property
    def ring_codes(self) -> frozenset[str]:
        return frozenset(d.ags for d in self.ring)

    @property
    def all_district_codes(self) -> frozenset[str]:
        return self.core_codes | self.ring_codes

    @property
    def boundary_district_codes(self) -> frozenset[str]:
        """Districts whose municipal boundaries the bundle keeps (incl. former ones)."""
        return self.all_district_codes | frozenset(d.ags for d in self.former)

    @property
    def states(self) -> frozenset[str]:
        return frozenset(a[:2] for a in self.core_codes)

    def role_of(self, ags: str) -> str | None:
        """'core', 'ring' or None for a district or municipality key."""
        kreis = ags[:5]
        if kreis in self.core_codes:
            return "core"
        if kreis in self.ring_codes:
            return "ring"
        return None


def _districts(path: Path, raw: object, key: str) -> tuple[District, ...]:
    if not isinstance(raw, list) or not raw:
        raise RegionDefinitionError(f"{path}: [[region.{key}]] must list at least one district")
    out = []
    for i, item in enumerate(raw, 1):
        ags = str(item.get("ags", "")) if isinstance(item, dict) else ""
        if not _KREIS.match(ags):
            raise RegionDefinitionError(
                f"{path}: region.{key} entry {i}: ags {ags!r} is not a 5-digit district key "
                '(write it as a quoted string, e.g. "06611")'
            )
        out.append(District(ags=ags, name=str(item.get("name", ags))))
    codes = [d.ags for d in out]
    dupes = sorted({c for c in codes if codes.count(c) > 1})
    if dupes:
        raise RegionDefinitionError(f"{path}: region.{key} lists {dupes} more than once")
    return tuple(out)


def load_region(path: Path, root: Path | None = None) -> Region:
    """Read and validate a region TOML; source paths resolve against ``root``."""
    path = Path(path)
    if not path.is_file():
        raise RegionDefinitionError(f"{path}: region file not found")
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise RegionDefinitionError(f"{path}: not valid UTF-8 TOML: {exc}") from exc
    reg = doc.get("region")
    if not isinstance(reg, dict):
        raise RegionDefinitionError(f"{path}: missing [region] table")
    for key in ("id", "name_de", "name_en", "reference_year", "reference_date"):
        if key not in reg:
            raise RegionDefinitionError(f"{path}: [region] lacks '{key}'")
    if not _DATE.match(str(reg["reference_date"])):
        raise RegionDefinitionError(
            f"{path}: region.reference_date {reg['reference_date']!r}; expected YYYY-MM-DD"
        )
    core = _districts(path, reg.get("core"), "core")
    ring = _districts(path, reg.get("ring", []) or [], "ring") if reg.get("ring") else ()
    former = _districts(path, reg["former"], "former") if reg.get("former") else ()
    overlap = {d.ags for d in core} & {d.ags for d in ring}
    if overlap:
        raise RegionDefinitionError(f"{path}: {sorted(overlap)} are both core and ring")
    base = root if root is not None else path.resolve().parent.parent
    files = tuple(base / f for f in doc.get("sources", {}).get("files", []))
    return Region(
        id=str(reg["id"]),
        name_de=str(reg["name_de"]),
        name_en=str(reg["name_en"]),
        reference_year=int(reg["reference_year"]),
        reference_date=str(reg["reference_date"]),
        core=core,
        ring=ring,
        source_files=files,
        colour=str(reg.get("colour", "#1b6f8c")),
        former=former,
        file=path,
    )
