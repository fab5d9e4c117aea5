"""Zipf's law: the r-th most frequent word occurs about C / r**s times.

On log-log axes that is a straight line of slope -s; ``fit_zipf`` finds s by
least squares over a range of ranks. The head (the, of, and) and the long tail
of words seen once or twice bend away from the line, so by default the fit
runs from rank 1 to the last word seen at least 5 times.

The same line fits any values ranked from largest to smallest: the lecture's
power-law plot is of one prompt's next-word probabilities (``textlab predict
--top 50``), p ~ C / rank**s. ``read_ranked`` reads such values from a textlab
table: its ``count`` column, or else its ``prob`` column.

>>> fit = fit_zipf(np.array([1000, 500, 333, 250, 200]))
>>> round(fit.exponent, 2)
1.0
>>> fit = fit_zipf(0.5 / np.arange(1, 51) ** 1.2, min_count=None)
>>> round(fit.exponent, 2), round(fit.constant, 2), (fit.lo, fit.hi)
(1.2, 0.5, (1, 50))
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .errors import DataError
from .io import describe, read_tsv

#: The columns a table can be ranked by, in order of preference: counts are
#: what Zipf's law is about, so ``ngrams --prob`` tables (count and prob) rank
#: their counts.
VALUE_COLUMNS = ("count", "prob")

#: Numeric columns textlab writes beside the label of a row; the label is the first other column.
_NUMERIC = {"order", "count", "prob", "percent", "fitted", "rank"}


@dataclass
class ZipfFit:
    exponent: float  # s in value ~ C / rank**s
    constant: float  # C
    lo: int  # the fit's range of ranks, inclusive
    hi: int
    r2: float  # R² of the straight line in log-log space

    def predict(self, ranks: np.ndarray) -> np.ndarray:
        return self.constant / np.asarray(ranks, float) ** self.exponent


@dataclass
class Ranked:
    """Values ranked from largest to smallest, and what each one is of.

    ``values`` are all positive, int64 for whole-number counts, float64
    otherwise; ``labels[i]`` names ``values[i]`` (a word, an n-gram, a token),
    or ``labels`` is None when the table had no label column. ``quantity`` is
    the column ranked (``count`` or ``prob``), ``label`` the label column's
    name, ``zeros`` how many zero values were dropped (a log axis cannot show
    them).
    """

    values: np.ndarray
    labels: list[str] | None
    quantity: str
    label: str | None
    zeros: int = 0

    @property
    def what(self) -> str:
        """The ranked things in the plural, for a summary: words, n-grams, tokens."""
        return {"word": "words", "ngram": "n-grams", "letter": "letters", "token": "tokens"}.get(
            self.label or "", "values"
        )


def fit_zipf(counts: np.ndarray, ranks: tuple[int, int] | None = None, min_count: float | None = 5) -> ZipfFit:
    """Fit value = C / rank**s to positive values sorted from largest to smallest.

    Parameters
    ----------
    counts:
        The values by rank: word counts, or probabilities, or anything positive,
        sorted descending (``counts[0]`` is rank 1).
    ranks:
        Fit over these ranks, ``(first, last)`` inclusive; ``last`` past the
        end is cut to the number of values.
    min_count:
        Without ``ranks``, fit from rank 1 to the last value >= ``min_count``
        (but over at least 10 ranks, or all of them if fewer). The default 5
        leaves out the tail of words seen once or twice, whose counts are
        steps, not a line. ``None`` fits every rank: the choice for
        probabilities, where no threshold means "seen 5 times" (and a prompt's
        top 50 next words are all head, no tail).

    Returns
    -------
    ZipfFit
        The exponent s, the constant C, the range of ranks fitted, and the R²
        of the line in log-log space.
    """
    counts = np.asarray(counts, float)
    if len(counts) < 2:
        raise DataError(f"a power law needs at least two ranked values to fit, found {len(counts)}")
    if not (counts > 0).all():
        raise DataError("a power law is fitted on log values: every value must be positive")
    if (np.diff(counts) > 0).any():
        raise DataError("the values must be sorted from largest to smallest (rank 1 first)")
    if ranks is not None:
        lo, hi = ranks[0], min(ranks[1], len(counts))
        if hi - lo < 1:
            raise DataError(f"the fit range starts at rank {lo} but there are only {len(counts)} values")
    elif min_count is None:
        lo, hi = 1, len(counts)
    else:
        hi = int(np.searchsorted(-counts, -min_count, side="right"))
        lo, hi = 1, max(hi, min(len(counts), 10))
    x = np.log(np.arange(lo, hi + 1))
    y = np.log(counts[lo - 1 : hi])
    slope, intercept = np.polyfit(x, y, 1)
    residual = y - (slope * x + intercept)
    r2 = 1 - residual.var() / y.var() if y.var() > 0 else 1.0
    return ZipfFit(float(-slope), float(np.exp(intercept)), lo, hi, float(r2))


def value_column(header: Sequence[str], path: str) -> str:
    """The column of a table to rank: ``count``, or else ``prob``.

    ``path`` only names the input in the error a table with neither raises.
    """
    for name in VALUE_COLUMNS:
        if name in header:
            return name
    shown = ", ".join(header)
    shown = shown if len(shown) <= 80 else shown[:77] + "..."
    if any(_is_number(cell) for cell in header):
        hint = "its first line looks like data: was the table written without its header row?"
    else:
        hint = "a first line with a tab makes a table; to rank the words of a text, pipe it through textlab words"
    raise DataError(
        f"zipf reads text, or a table with a count or prob column; {describe(path)}'s header is {shown}", hint
    )


def read_ranked(path: str) -> Ranked:
    """Read one textlab table and rank its ``count`` column (or else ``prob``).

    A table with an ``order`` column (``textlab ngrams --orders 1-5``) ranks
    its lowest order only: ranks of words and of word pairs are not one
    sequence. Every value must be a number >= 0; zeros are dropped.
    """
    header, rows = read_tsv(path, [])
    quantity = value_column(header, path)
    at_value = header.index(quantity)
    at_order = header.index("order") if "order" in header else None
    label = next((c for c in header if c not in _NUMERIC), None)
    at_label = header.index(label) if label is not None else None
    expected = f"zipf ranks the {quantity} column: numbers >= 0"

    # array('d') holds a float in 8 bytes, not a Python object's 24 and a pointer
    values, orders, labels = array("d"), array("q"), []
    for number, cells in enumerate(rows, start=2):
        cell = cells[at_value]
        try:
            value = float(cell)
        except ValueError:
            raise DataError(f"{describe(path)}:{number}: {quantity} {cell!r} is not a number", expected) from None
        if not math.isfinite(value) or value < 0:
            what = "negative" if value < 0 else "not a finite number"
            raise DataError(f"{describe(path)}:{number}: {quantity} {cell!r} is {what}", expected)
        values.append(value)
        if at_order is not None:
            try:
                orders.append(int(cells[at_order]))
            except ValueError:
                raise DataError(f"{describe(path)}:{number}: order {cells[at_order]!r} is not a whole number") from None
        if at_label is not None:
            labels.append(cells[at_label])
    kept = np.frombuffer(values, np.float64) if values else np.zeros(0)
    names = labels if at_label is not None else None
    if at_order is not None and len(orders):
        order = np.frombuffer(orders, np.int64)
        lowest = order == order.min()
        kept = kept[lowest]
        names = [n for n, keep in zip(names, lowest.tolist()) if keep] if names is not None else None
    return rank(kept, names, quantity, label, path)


def add_up(tables: Sequence[Ranked], paths: Sequence[str]) -> Ranked:
    """Several count tables as one, counts added label by label (a corpus counted in parts)."""
    if len(tables) == 1:
        return tables[0]
    kinds = {t.quantity for t in tables}
    if kinds != {"count"}:
        raise DataError(
            f"{', '.join(map(describe, paths))}: zipf adds up several count tables, "
            "but ranks probabilities one table at a time"
        )
    totals: dict[str, float] = {}
    for t, path in zip(tables, paths):
        if t.labels is None:
            raise DataError(f"{describe(path)}: a table without a label column cannot be added to others")
        for name, value in zip(t.labels, t.values.tolist()):
            totals[name] = totals.get(name, 0) + value
    labels = list(totals)
    summed = rank(np.array(list(totals.values()), float), labels, "count", tables[0].label, ", ".join(paths))
    summed.zeros = sum(t.zeros for t in tables)
    return summed


def rank(values: np.ndarray, labels: list[str] | None, quantity: str, label: str | None, path: str) -> Ranked:
    """Sort values from largest to smallest (ties keep their order), drop zeros, check two are left."""
    values = np.asarray(values, float)
    order = np.argsort(-values, kind="stable")
    values = values[order]
    positive = int(np.count_nonzero(values > 0))  # sorted: the zeros are at the end
    zeros = len(values) - positive
    values = values[:positive]
    if positive < 2:
        zero = f" (and {zeros} of 0)" if zeros else ""
        raise DataError(
            f"{describe(path)}: zipf needs at least two rows with a {quantity} above 0, found {positive}{zero}"
        )
    if labels is not None:
        labels = [labels[i] for i in order[:positive].tolist()]
    if quantity == "count" and values[0] < 2**53 and (values == np.round(values)).all():
        # counts are written as whole numbers, not as 1.23457e+06
        values = values.astype(np.int64)
    return Ranked(values, labels, quantity, label, zeros)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
