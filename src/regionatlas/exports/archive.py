"""Zip archives of several files, every entry dated with the data's reference date."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Iterable


def zip_bytes(files: Iterable[tuple[str, bytes]], date: dt.date) -> bytes:
    """``files`` (name, content) in a zip; entries in the given order, fixed timestamps."""
    stamp = (max(date.year, 1980), date.month, date.day, 0, 0, 0)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, content in files:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, content)
    return buf.getvalue()
