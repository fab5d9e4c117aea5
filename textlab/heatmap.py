"""The letter-pair matrix: how often each letter is followed by each other letter.

Rows are the first letter, columns the next one. Row-normalised, row ``q``
is the distribution of what follows a q — in English almost all of it is u.

>>> from textlab.ngrams import count_ngrams
>>> m = bigram_matrix(count_ngrams([b"quiet queen"], n=2, letters_only=True), list(ALPHABETS["a-z"]))
>>> m.labels[16], int(m.counts[16].sum()), int(m.counts[16, 20])   # row q: 2 pairs, both qu
('q', 2, 2)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .alphabets import ALPHABETS  # noqa: F401  (re-exported: the named alphabets)
from .errors import DataError, ParameterError
from .ngrams import NgramTable


@dataclass
class BigramMatrix:
    labels: list[str]
    counts: np.ndarray  # counts[i, j]: times labels[i] is followed by labels[j]

    def normalized(self, how: str = "row") -> np.ndarray:
        """``row``: P(next | first) per row; ``total``: share of all pairs; ``none``: counts."""
        c = self.counts.astype(float)
        if how == "row":
            sums = c.sum(axis=1, keepdims=True)
            return np.divide(c, sums, out=np.zeros_like(c), where=sums > 0)
        if how == "total":
            return c / max(c.sum(), 1.0)
        if how == "none":
            return c
        raise ParameterError("how", f"{how!r} is not row, total or none")


def bigram_matrix(table: NgramTable, alphabet: list[str] | None = None, max_letters: int = 40) -> BigramMatrix:
    """The matrix of a table of character bigrams.

    ``alphabet`` lists the letters, in the order of the rows (``ALPHABETS`` has
    named ones); by default it is chosen from the data: the letters that occur,
    in alphabetical order, at most ``max_letters`` of the most frequent.
    """
    at = np.flatnonzero(table.order == 2)
    if table.unit != "char" or not len(at):
        raise DataError("the heatmap needs character bigrams (counted from a text, or a table of them)")
    rows = table.rows[at, :2]
    counts = table.counts[at]
    tokens = np.array(table.tokens, dtype=object)
    if alphabet is None:
        totals: dict[str, int] = {}
        for col in (0, 1):
            for tok, c in zip(tokens[rows[:, col]].tolist(), counts.tolist()):
                if tok.isalpha():
                    totals[tok] = totals.get(tok, 0) + c
        letters = sorted(sorted(totals, key=lambda t: -totals[t])[:max_letters])
    else:
        letters = list(alphabet)
    index = {t: i for i, t in enumerate(letters)}
    pos = np.array([index.get(t, -1) for t in table.tokens])
    a, b = pos[rows[:, 0]], pos[rows[:, 1]]
    inside = (a >= 0) & (b >= 0)
    matrix = np.zeros((len(letters), len(letters)), np.int64)
    np.add.at(matrix, (a[inside], b[inside]), counts[inside])
    if not matrix.any():
        raise DataError("none of the bigrams are made of the alphabet's letters", "try another alphabet")
    return BigramMatrix(letters, matrix)
