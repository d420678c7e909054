"""The Jinja environment of every page and of the brief PDF.

Kept free of FastAPI so that ``regionatlas brief`` can render without the web stack."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from regionatlas.web.numbers import format_number

TEMPLATES = Path(__file__).resolve().parent / "templates"


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["num"] = format_number
    env.filters["tojson_attr"] = lambda v: json.dumps(v, ensure_ascii=False)
    # an attribution that covers geodata (outlines): shown under maps that draw only those
    env.tests["geodata_source"] = lambda text: "GeoBasis" in text or "BKG" in text
    return env
