"""Fingerprints: the SHA-256 identities of files and derived batches.

A batch's fingerprint decides whether an import is new; the same fingerprint makes
re-importing a no-op.
"""

from __future__ import annotations

import hashlib
from pathlib import Path


def sha256_of(*paths: Path) -> str:
    """SHA-256 over the bytes of one or more files (in the given order)."""
    h = hashlib.sha256()
    for p in paths:
        with open(p, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
    return h.hexdigest()


def derived_fingerprint(kind: str, *parts: str, inputs: list[str]) -> str:
    """The SHA-256 identity of a derived batch: its kind, parameters and input batches.

    Same inputs give the same fingerprint, so re-deriving is a no-op import.
    """
    return hashlib.sha256("\n".join([kind, *parts, *sorted(inputs)]).encode()).hexdigest()
