"""Central-place categories: each state's own designations and the BBSR's, on one scale.

The harmonised level: 3 Oberzentrum, 2 Mittelzentrum, 1 Grundzentrum, 0 explicitly no central
place. Readers (``sources/``) validate cited designations against these vocabularies; the
analysis (``analysis.central_places``) compares designated and functional levels on them.
"""

from __future__ import annotations

LEVEL_LABELS = {3: "Oberzentrum", 2: "Mittelzentrum", 1: "Grundzentrum", 0: "kein zentraler Ort"}

# Each state's own vocabulary -> harmonised level. Keys are two-digit Land keys.
STATE_CATEGORIES: dict[str, dict[str, int]] = {
    "06": {  # Hessen: LEP Hessen 2000 / 2020 (4. Änderung), Regionalplan Nordhessen 2009
        "Oberzentrum": 3,
        "Mittelzentrum mit Teilfunktion eines Oberzentrums": 2,
        "Mittelzentrum": 2,
        "Grundzentrum": 1,
        "Grundzentrum (Unterzentrum)": 1,
        "Grundzentrum (Kleinzentrum)": 1,
        "keine zentralörtliche Funktion": 0,
    },
    "05": {  # Nordrhein-Westfalen: LEP NRW, Regionalplan Detmold
        "Oberzentrum": 3,
        "Mittelzentrum": 2,
        "Grundzentrum": 1,
        "keine zentralörtliche Funktion": 0,
    },
    "03": {  # Niedersachsen: LROP (Ober-/Mittelzentren), RROP der Landkreise (Grundzentren)
        "Oberzentrum": 3,
        "Mittelzentrum mit oberzentralen Teilfunktionen": 2,
        "Mittelzentrum": 2,
        "Grundzentrum": 1,
        "keine zentralörtliche Funktion": 0,
    },
}
STATE_NAMES = {"03": "Niedersachsen", "05": "Nordrhein-Westfalen", "06": "Hessen"}

# BBSR Raumabgrenzungen, "Zentralörtliche Einstufung (zusammengefasst) Name".
BBSR_CATEGORIES: dict[str, int] = {
    "Oberzentrum und höher": 3,
    "Mittelzentrum": 2,
    "Grundzentrum und niedriger": 1,
    "keine zentralörtliche Einstufung": 0,
}
BBSR_SOURCE = "BBSR Raumabgrenzungen: Zentralörtliche Einstufung (zusammengefasst)"
