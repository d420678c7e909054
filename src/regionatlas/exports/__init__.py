"""One writer per download format: CSV (plain and for German Excel), XLSX, GeoJSON, GeoPackage,
PDF, and zip archives of several files. The CLI, the web downloads, the scenario exports and
the LMA output all write through here, so one table gives the same bytes wherever it is
written.

Every writer takes an ``ExportTable`` (``exports.table``): the rows, an optional geometry per
row, the sources the rows come from, the reference date of the data and the precision of
each number column. Each returns ``bytes``; ``write(table, path, fmt)`` writes a file
atomically (never half-written).

Where the attribution is, in every format:

* the data table's last two columns are ``attribution`` and ``licence`` (the same text in
  every row);
* a second table ``sources`` (one row per source: attribution, licence, source, publisher,
  vintage, batch, synthetic) — XLSX sheet "Quellen - Sources" (the data is sheet
  "Daten - Data"), GeoPackage attribute table ``sources``, GeoJSON member ``sources`` (plus
  ``attribution``/``licence`` members). A CSV stays one parseable table, so it has only the
  two columns.

Numbers as people read them: each number column is rounded to its precision (0 decimals for
counts of persons, which are written as integers); a missing value keeps its marker in
``flag`` and says why in ``missing_reason`` (e.g. "gesperrt (x)"), never an empty cell
without a reason and never 0.

Files are byte-reproducible: nothing in them comes from the clock. XLSX document properties
and GeoPackage ``last_change`` dates are the data's reference date, zip entries carry that
date too, PDFs carry no creation date from the clock.
"""

from __future__ import annotations

from regionatlas.exports.table import ExportTable, Source
from regionatlas.exports.write import FORMATS, MEDIA_TYPES, to_bytes, write, write_bytes

__all__ = [
    "FORMATS",
    "MEDIA_TYPES",
    "ExportTable",
    "Source",
    "to_bytes",
    "write",
    "write_bytes",
]
