"""One reader per real-world format, and the registry that picks the right one.

A reader module (one per real-world format) exposes::

    FORMAT_ID: str                        # e.g. "destatis-gv100ad"
    def sniff(path: Path) -> bool         # cheap check: is this file in my format?
    def read(path: Path) -> SourceData    # validate everything, raise SourceFormatError
    def fingerprint(path: Path) -> str    # optional: read(path).sha256 without parsing, so
                                          # ``build`` skips files already imported

Readers never touch the store; the store imports a ``model.SourceData`` in one transaction.

    FORMATS                      format id -> reader module (FORMAT_ID, sniff, read)
    detect(path) -> module       by content (sniffing), not only by the file name
    read(path, format=None)      -> list[SourceData]; a directory expands recursively to the
                                 readable files in it (files no reader knows are skipped there,
                                 but a single unknown file is an UnknownFormatError)

Readers: ``bkg-vg`` (bkg_vg), ``destatis-gv100ad`` (destatis_gv100ad), ``ba-pendleratlas-csv``
(ba_pendleratlas), ``ba-krpend`` (ba_krpend), ``ba-gemband`` (ba_gemband), the Regionalstatistik
tables (regionalstatistik_age, regionalstatistik_sectors), ``bbsr-reference`` (bbsr_reference),
the project's curated central-place file (central_places_curated) and territorial changes
(unit_changes). ``od_table`` reads a plain OD table for ``regionatlas lma`` (not registered:
it yields a frame, not a SourceData).
Synthetic files are recognised by a ``SYNTHETIC.txt`` marker (docs/formats/synthetic.md): each
reader then sets ``SourceData.synthetic`` and the synthetic provenance.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from types import ModuleType

from regionatlas.errors import UnknownFormatError
from regionatlas.model.source_data import SourceData

_MODULES = (
    "bkg_vg",
    "destatis_gv100ad",
    "ba_pendleratlas",
    "ba_krpend",
    "ba_gemband",
    "regionalstatistik_age",
    "regionalstatistik_sectors",
    "bbsr_reference",
    "central_places_curated",
    "unit_changes",
)
# side files of a shapefile and documentation that a folder scan passes over silently
_SIDE_SUFFIXES = {".shx", ".dbf", ".prj", ".cpg", ".qix", ".sbn", ".sbx", ".xml", ".pdf", ".md"}
_SIDE_NAMES = {"SYNTHETIC.txt", "aktualitaet.txt", "quellenvermerk_datenlizenz_deutschland.txt"}
# a file with one of these endings in a scanned folder is data: if no reader knows it (a
# damaged download, a truncated archive), the scan refuses it instead of passing over it
_DATA_SUFFIXES = {".csv", ".gz", ".zip", ".xlsx", ".xlsb", ".shp"}
# a folder holding this (empty) file is not a source: e.g. the synthetic ground truth
IGNORE_MARKER = ".regionatlas-ignore"


def _load() -> dict[str, ModuleType]:
    """Every reader; one that fails to import is an error, never a silently missing format."""
    formats: dict[str, ModuleType] = {}
    for name in _MODULES:
        module = importlib.import_module(f"{__name__}.{name}")
        formats[module.FORMAT_ID] = module
    return formats


FORMATS: dict[str, ModuleType] = _load()


def detect(path: Path) -> ModuleType:
    """The reader whose sniff() accepts the file; UnknownFormatError lists the formats."""
    path = Path(path)
    for module in FORMATS.values():
        if module.sniff(path):
            return module
    raise UnknownFormatError(
        f"{path}: no reader recognises this file; known formats: {', '.join(FORMATS)}",
        file=str(path),
        formats=list(FORMATS),
    )


def _module_for(fmt: str) -> ModuleType:
    if fmt not in FORMATS:
        raise UnknownFormatError(
            f"unknown format {fmt!r}; known formats: {', '.join(FORMATS)}",
            value=fmt,
            formats=list(FORMATS),
        )
    return FORMATS[fmt]


def read(path: Path, format: str | None = None) -> list[SourceData]:
    """Read one file, or every readable file below a directory (sorted by path)."""
    path = Path(path)
    if not path.exists():
        raise UnknownFormatError(f"{path}: no such file or directory", file=str(path))
    if path.is_dir():
        return _read_dir(path, format)
    module = _module_for(format) if format else detect(path)
    return [module.read(path)]


def readable_files(path: Path, fmt: str | None = None) -> list[tuple[Path, ModuleType]]:
    """The files below ``path`` (or ``path`` itself) with the reader for each, sorted."""
    path = Path(path)
    if not path.exists():
        raise UnknownFormatError(f"{path}: no such file or directory", file=str(path))
    if not path.is_dir():
        return [(path, _module_for(fmt) if fmt else detect(path))]
    found: list[tuple[Path, ModuleType]] = []
    ignored = {m.parent for m in path.rglob(IGNORE_MARKER)}
    for file in sorted(p for p in path.rglob("*") if p.is_file()):
        if ignored and any(d == file.parent or d in file.parents for d in ignored):
            continue
        if file.suffix.lower() in _SIDE_SUFFIXES or file.name in _SIDE_NAMES:
            continue
        if file.name.startswith("."):
            continue
        if fmt:
            module = _module_for(fmt)
            if not module.sniff(file):
                continue
        else:
            try:
                module = detect(file)
            except UnknownFormatError:
                if file.suffix.lower() in _DATA_SUFFIXES:
                    raise UnknownFormatError(
                        f"{file}: looks like a data file ({file.suffix}) but no reader "
                        f"recognises its content (damaged or truncated?); known formats: "
                        f"{', '.join(FORMATS)}",
                        file=str(file),
                        formats=list(FORMATS),
                    ) from None
                continue
        found.append((file, module))
    if not found:
        raise UnknownFormatError(
            f"{path}: no readable file in this directory; known formats: {', '.join(FORMATS)}",
            file=str(path),
            formats=list(FORMATS),
        )
    return found


def _read_dir(folder: Path, fmt: str | None) -> list[SourceData]:
    return [module.read(file) for file, module in readable_files(folder, fmt)]
