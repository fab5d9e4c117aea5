"""Zipf's law: the r-th most frequent word occurs about C / r**s times.

On log-log axes that is a straight line of slope -s; ``fit_zipf`` finds s by
least squares over a range of ranks. The head (the, of, and) and the long tail
of words seen once or twice bend away from the line, so by default the fit
runs from rank 1 to the last word seen at least 5 times.

>>> fit = fit_zipf(np.array([1000, 500, 333, 250, 200]))
>>> round(fit.exponent, 2)
1.0
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .errors import DataError, UsageError


@dataclass
class ZipfFit:
    exponent: float  # s in count ~ C / rank**s
    constant: float  # C
    lo: int  # the fit's range of ranks, inclusive
    hi: int
    r2: float  # R² of the straight line in log-log space

    def predict(self, ranks: np.ndarray) -> np.ndarray:
        return self.constant / np.asarray(ranks, float) ** self.exponent


def parse_range(spec: str) -> tuple[int, int]:
    lo, _, hi = spec.partition("-")
    try:
        a, b = int(lo), int(hi)
    except ValueError:
        raise UsageError(f"--fit-range {spec!r}: expected FIRST-LAST ranks, like 1-1000") from None
    if not 1 <= a < b:
        raise UsageError(f"--fit-range {spec!r}: need 1 <= FIRST < LAST")
    return a, b


def fit_zipf(counts: np.ndarray, ranks: tuple[int, int] | None = None, min_count: int = 5) -> ZipfFit:
    """Fit count = C / rank**s to counts sorted from most to least frequent."""
    counts = np.asarray(counts, float)
    if len(counts) < 2:
        raise DataError("Zipf's law needs at least two different words")
    if ranks is None:
        hi = int(np.searchsorted(-counts, -min_count, side="right"))
        lo, hi = 1, max(hi, min(len(counts), 10))
    else:
        lo, hi = ranks[0], min(ranks[1], len(counts))
        if hi - lo < 1:
            raise DataError(f"the fit range starts at rank {lo} but there are only {len(counts)} words")
    x = np.log(np.arange(lo, hi + 1))
    y = np.log(counts[lo - 1 : hi])
    slope, intercept = np.polyfit(x, y, 1)
    residual = y - (slope * x + intercept)
    r2 = 1 - residual.var() / y.var() if y.var() > 0 else 1.0
    return ZipfFit(float(-slope), float(np.exp(intercept)), lo, hi, float(r2))
