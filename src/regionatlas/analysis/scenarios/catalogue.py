"""The levers and their parameters, described for forms (web page, docs).

``lever_catalogue()`` lists every lever with its parameters: key, default (None = required or
unset), kind, unit and bilingual labels. The lever modules hold the behaviour; a test keeps
this list and their accepted keys and defaults in step.
"""

from __future__ import annotations

from typing import Any

P = dict[str, Any]


def _p(key: str, default: Any, kind: str, unit: str, de: str, en: str) -> P:
    return {
        "key": key,
        "default": default,
        "kind": kind,
        "unit": unit,
        "label_de": de,
        "label_en": en,
    }


LEVERS: list[dict[str, Any]] = [
    {
        "lever": "remote_work",
        "label_de": "Homeoffice",
        "label_en": "Remote work",
        "parameters": [
            _p(
                "share",
                0.0,
                "share",
                "0..1",
                "Anteil der Pendelnden mit Homeoffice",
                "share of commuters working remotely",
            ),
            _p(
                "days_per_week",
                0.0,
                "number",
                "days",
                "Homeoffice-Tage je Woche",
                "remote days per week",
            ),
            _p(
                "share_by_settlement_type",
                None,
                "mapping",
                "0..1",
                "Anteil je Siedlungstyp des Wohnorts",
                "share by settlement type of residence",
            ),
            _p("min_km", 0.0, "number", "km", "nur Wege ab (km)", "only commutes from (km)"),
        ],
    },
    {
        "lever": "satellite_offices",
        "label_de": "Co-Working / Satellitenbüros",
        "label_en": "Co-working sites / satellite offices",
        "parameters": [
            _p("k", None, "integer", "sites", "Zahl der Standorte", "number of sites"),
            _p("candidates", "all", "places", "", "mögliche Standorte", "candidate places"),
            _p(
                "sites",
                None,
                "places",
                "",
                "feste Standorte (statt Auswahl)",
                "fixed sites (instead of choosing)",
            ),
            _p("objective", "p-median", "choice:p-median,coverage", "", "Ziel", "objective"),
            _p("radius_km", 15.0, "number", "km", "Einzugsradius (Abdeckung)", "coverage radius"),
            _p(
                "eligible_share",
                0.0,
                "share",
                "0..1",
                "Anteil, der dort arbeiten könnte",
                "share who could work at a site",
            ),
            _p(
                "days_per_week",
                5.0,
                "number",
                "days",
                "Tage je Woche am Standort",
                "site days per week",
            ),
            _p(
                "max_site_km",
                None,
                "number",
                "km",
                "längster Weg zum Standort",
                "longest trip to a site",
            ),
            _p(
                "capacity",
                None,
                "number",
                "persons/day",
                "Plätze je Standort und Tag",
                "places per site and day",
            ),
            _p("solver", "heuristic", "choice:heuristic,exact", "", "Verfahren", "solver"),
        ],
    },
    {
        "lever": "ride_sharing",
        "label_de": "Fahrgemeinschaften",
        "label_en": "Ride-sharing corridors",
        "parameters": [
            _p(
                "participation",
                0.0,
                "share",
                "0..1",
                "Teilnahme der Autopendelnden",
                "participation of car commuters",
            ),
            _p(
                "occupancy",
                2.0,
                "number",
                "persons/car",
                "Personen je geteiltem Auto",
                "persons per shared car",
            ),
            _p("min_km", 10.0, "number", "km", "nur Wege ab (km)", "only commutes from (km)"),
            _p(
                "cell_km",
                10.0,
                "number",
                "km",
                "Rastergröße der Korridor-Enden",
                "grid size of corridor ends",
            ),
            _p("bearing_sectors", 8, "integer", "", "Richtungssektoren", "bearing sectors"),
            _p(
                "band_km",
                10.0,
                "number",
                "km",
                "Breite der Entfernungsklassen",
                "width of distance bands",
            ),
            _p(
                "cross_state_only",
                False,
                "boolean",
                "",
                "nur über Landesgrenzen",
                "cross-state flows only",
            ),
            _p(
                "min_participants",
                10.0,
                "number",
                "persons",
                "Mindestteilnehmende je Korridor",
                "smallest corridor",
            ),
            _p(
                "top",
                0,
                "integer",
                "corridors",
                "nur die n besten Korridore (0 = alle)",
                "only the n best corridors (0 = all)",
            ),
        ],
    },
    {
        "lever": "job_relocation",
        "label_de": "Arbeitsplätze verlagern",
        "label_en": "Job relocation",
        "parameters": [
            _p("jobs", 0.0, "number", "jobs", "zu verlagernde Arbeitsplätze", "jobs to move"),
            _p("targets", None, "places", "", "Zielorte", "target places"),
            _p(
                "allocation",
                "proportional",
                "choice:proportional,equal",
                "",
                "Verteilung auf die Zielorte",
                "split among targets",
            ),
            _p("sources", "all", "places", "", "abgebende Orte", "source places"),
            _p(
                "decay",
                "exponential",
                "choice:exponential,power",
                "",
                "Distanzfunktion des Gravitationsmodells",
                "distance decay of the gravity model",
            ),
        ],
    },
]


def lever_catalogue() -> list[dict[str, Any]]:
    """A copy of the lever descriptions (JSON-ready)."""
    return [{**lever, "parameters": [dict(p) for p in lever["parameters"]]} for lever in LEVERS]
