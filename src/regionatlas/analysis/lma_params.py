"""Parameters and validity (containment) function of the LMA method.

Specification: ``shared/design/lma-algorithm.md``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from regionatlas.errors import ParameterError


@dataclass(frozen=True)
class LmaParams:
    """The four parameters of the method: minimum/target size (residents) and
    minimum/target self-containment (share, 0 < sc <= 1)."""

    min_size: float
    min_sc: float
    target_size: float
    target_sc: float

    def __post_init__(self) -> None:
        for name in ("min_size", "min_sc", "target_size", "target_sc"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ParameterError(f"LMA parameter {name} must be a number, got {value!r}")
            if not np.isfinite(value) or value <= 0:
                raise ParameterError(f"LMA parameter {name} must be > 0, got {value!r}")
        if self.min_size >= self.target_size:
            raise ParameterError(
                f"LMA parameter min_size ({self.min_size}) must be smaller than target_size "
                f"({self.target_size}); the validity function divides by their difference"
            )
        if self.min_sc > self.target_sc:
            raise ParameterError(
                f"LMA parameter min_sc ({self.min_sc}) must not exceed target_sc ({self.target_sc})"
            )
        if self.target_sc > 1:
            raise ParameterError(
                f"LMA parameter target_sc is a share and must be <= 1, got {self.target_sc}"
            )


def validity(residents: float, jobs: float, internal: float, p: LmaParams) -> float:
    """The containment function V of the specification, evaluated in its order."""
    msc = min(internal / residents, internal / jobs)
    if msc == 1:
        return 1.0
    y = msc / p.target_sc
    if y > 1:
        y = 1.0
    s = (p.target_size - residents) / (p.target_size - p.min_size)
    if s < 0:
        s = 0.0
    z = 1 - ((1 - (p.min_sc / p.target_sc)) * s)
    return y * z * (p.target_sc / p.min_sc)


# The parameter values of the example (and the reference package's documentation):
# the defaults of `regionatlas lma`, `regionatlas analyse regions` and the web layers.
DEFAULT_LMA = LmaParams(min_size=1000, min_sc=0.6667, target_size=10000, target_sc=0.75)
