"""Asking word vectors questions: nearest words, analogies, midpoints, the odd one out.

Everything is cosine similarity: rows are scaled to unit length once, and a
query is one matrix product against all of them (NumPy hands it to BLAS,
which uses every core). The arithmetic follows gensim's ``KeyedVectors`` so
the answers are the same:

    most_similar(positive, negative)   mean of the unit vectors (+1 for positive, -1 for negative),
                                        scaled to unit length; the words nearest to it
    3CosAdd  a : b :: c : ?            most_similar(positive=[b, c], negative=[a])
    3CosMul  a : b :: c : ?            argmax  s(x,b) s(x,c) / (s(x,a) + 1e-6),  s = (1 + cos) / 2
                                        (Levy and Goldberg 2014)

Rows a cosine cannot use (where gensim would compute 0/0 and answer NaN):

    inf or nan    refused when the vectors are made (``DataError`` naming the word): a vector
                  with one is a corrupt file or a training run that diverged, and every
                  cosine with it is NaN, so no answer could be trusted
    all zeros     kept in their place (row numbers and ``restrict_vocab`` count them, as in
                  the file), but they have no direction: never an answer, and a query with
                  one raises ``UnusableWord``; ``zero_words`` lists them
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence

import numpy as np

from ..errors import DataError, ParameterError, UsageError


def _top_rows(scores: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """The ``k`` best columns of every row, best first. For a few, ``k`` passes of argmax
    (a fast vectorised scan) beat a partition of every row; ``scores`` is overwritten."""
    if k > 16:
        best = np.argpartition(-scores, k - 1, axis=1)[:, :k]
        order = np.argsort(-np.take_along_axis(scores, best, axis=1), axis=1, kind="stable")
        best = np.take_along_axis(best, order, axis=1)
        return best, np.take_along_axis(scores, best, axis=1)
    rows = np.arange(len(scores))
    best = np.empty((len(scores), k), np.int64)
    values = np.empty((len(scores), k), scores.dtype)
    for j in range(k):
        best[:, j] = scores.argmax(axis=1)
        values[:, j] = scores[rows, best[:, j]]
        scores[rows, best[:, j]] = -np.inf
    return best, values


class UnknownWord(DataError):
    """A query word that is not among the vectors' words."""

    def __init__(self, word: str, message: str, hint: str | None = None) -> None:
        super().__init__(message, hint)
        self.word = word


class UnusableWord(DataError):
    """A query word whose vector is all zeros: it has no direction, so no cosine with it exists."""

    def __init__(self, word: str) -> None:
        super().__init__(f"{word!r} is not usable: its vector is all zeros (no direction to compare)")
        self.word = word


class Vectors:
    """Words and their vectors, with cosine-similarity queries.

    >>> v = Vectors(["king", "queen", "man", "woman"], np.array([[1, 1], [1, -1], [2, 1.1], [2, -0.9]], np.float32))
    >>> v.analogy("man", "woman", "king")[0][0]
    'queen'
    """

    @classmethod
    def load_word2vec_format(
        cls, path: str, binary: bool | None = None, limit: int | None = None, encoding: str | None = None
    ) -> Vectors:
        """Read a word2vec text or binary file (or GloVe's text), as gensim's ``KeyedVectors.load_word2vec_format``.

        ``binary`` is accepted for gensim's callers and not needed: the format is recognised from the file.
        """
        from .formats import load

        return cls(*load(path, limit, encoding))

    @property
    def index_to_key(self) -> list[str]:
        """The words, row by row (gensim's name)."""
        return self.words

    @property
    def key_to_index(self) -> dict[str, int]:
        """Word -> row (gensim's name)."""
        return self.index

    def __init__(self, words: list[str], matrix: np.ndarray) -> None:
        """``matrix``: one row a word. A row with inf or nan raises ``DataError`` (the files'
        reader says which line); all-zero rows are kept and marked in ``zero``."""
        if len(words) != len(matrix):
            raise ValueError("one vector a word")
        self.words = words
        self.matrix = np.asarray(matrix, np.float32)
        self.index: dict[str, int] = {}
        for i, w in enumerate(words):
            self.index.setdefault(w, i)  # a word listed twice: its first (most frequent) row
        # the squares may overflow float32 for huge (finite) values: that row is refused below
        with np.errstate(over="ignore"):
            self.norms = np.linalg.norm(self.matrix, axis=1).astype(np.float32)
        if not np.isfinite(self.norms).all():
            self._refuse(int(np.flatnonzero(~np.isfinite(self.norms))[0]))
        #: True for a row of zeros (or of numbers too small to square in float32): no direction
        self.zero: np.ndarray = self.norms == 0
        # the norms to divide by, 1 for a zero row (so no 0/0; its score is set to -inf anyway):
        # a plain division is faster than one with where=
        self._divisor = np.where(self.zero, np.float32(1), self.norms)
        self.unit = self.matrix / self._divisor[:, None]
        # Lowercase vectors (as textlab words writes them): fold the queries too.
        self.lowercase = not any(w != w.lower() for w in words)

    def _refuse(self, row: int) -> None:
        word = self.words[row]
        if np.isfinite(self.matrix[row]).all():
            raise DataError(f"the vector of {word!r} (row {row + 1:,}) is too long for 32-bit floats")
        bad = int((~np.isfinite(self.matrix).all(axis=1)).sum())
        more = f" ({bad - 1:,} more rows like it)" if bad > 1 else ""
        raise DataError(f"the vector of {word!r} (row {row + 1:,}) has inf or nan values{more}")

    @property
    def zero_words(self) -> list[str]:
        """The words whose vector is all zeros: kept in their rows, but never an answer nor a query."""
        return [self.words[i] for i in np.flatnonzero(self.zero).tolist()]

    def __len__(self) -> int:
        return len(self.words)

    @property
    def dim(self) -> int:
        return int(self.matrix.shape[1])

    # -- words -----------------------------------------------------------------------
    def id(self, word: str, suggest: bool = True) -> int:
        """The row of ``word``; an unknown word is an error (``UnknownWord``) that suggests close
        spellings unless not ``suggest`` (a batch of questions: the search costs tens of ms a
        word); a word with an all-zero vector raises ``UnusableWord``."""
        i = self.index.get(word.lower() if self.lowercase else word)
        if i is None:
            close = (
                difflib.get_close_matches(word.lower() if self.lowercase else word, self.words[:50_000], n=3)
                if suggest
                else []
            )
            hint = f"did you mean {', '.join(close)}?" if close else None
            raise UnknownWord(word, f"{word!r} is not among the {len(self):,} words of the vectors", hint)
        if self.zero[i]:
            raise UnusableWord(word)
        return i

    def ids(self, words: Sequence[str], suggest: bool = True) -> list[int]:
        return [self.id(w, suggest) for w in words]

    def _end(self, restrict_vocab: int | None) -> int:
        """How many rows a query looks at: the first ``restrict_vocab`` (None: all of them);
        more than there are is all of them."""
        if restrict_vocab is None:
            return len(self)
        if restrict_vocab < 1:
            raise ParameterError("restrict_vocab", "must be at least 1", "or None for all the words")
        return min(int(restrict_vocab), len(self))

    # -- queries -----------------------------------------------------------------------
    def _mean(self, positive: Sequence[int], negative: Sequence[int]) -> np.ndarray:
        """Unit-length mean of the unit vectors, +1 for positive and -1 for negative (gensim's order)."""
        mean = np.zeros(self.dim, np.float32)
        for i in positive:
            mean += self.unit[i]
        for i in negative:
            mean -= self.unit[i]
        mean /= len(positive) + len(negative)
        length = np.linalg.norm(mean)
        if length == 0:  # e.g. `king --not king`: every cosine with it would be 0/0
            raise DataError("the query words cancel out: their mean has no direction to compare")
        return (mean / length).astype(np.float32)

    def _top(self, scores: np.ndarray, exclude: Sequence[int], topn: int) -> list[tuple[str, float]]:
        """The ``topn`` best words by ``scores`` (all-zero rows and ``exclude`` are never answers:
        there may be fewer than ``topn``)."""
        scores = scores.copy()
        scores[list(exclude)] = -np.inf
        scores[self.zero[: len(scores)]] = -np.inf
        topn = min(topn, len(scores))
        if topn <= 0:  # gensim's most_similar answers [] to topn < 1 too
            return []
        best, values = _top_rows(scores[None, :], topn)
        return [(self.words[i], float(s)) for i, s in zip(best[0].tolist(), values[0].tolist()) if s != -np.inf]

    def most_similar(
        self,
        positive: Sequence[str],
        negative: Sequence[str] = (),
        topn: int = 10,
        restrict_vocab: int | None = None,
    ) -> list[tuple[str, float]]:
        """The words nearest to the mean of ``positive`` minus ``negative`` (the query words excluded)."""
        if not positive and not negative:
            raise UsageError("give at least one word")
        pos, neg = self.ids(positive), self.ids(negative)
        end = self._end(restrict_vocab)
        # cos = v . mean / |v|, as gensim computes it; a zero row is left out by _top
        scores = self.matrix[:end] @ self._mean(pos, neg) / self._divisor[:end]
        return self._top(scores, [i for i in pos + neg if i < end], topn)

    def most_similar_cosmul(
        self,
        positive: Sequence[str],
        negative: Sequence[str] = (),
        topn: int = 10,
        restrict_vocab: int | None = None,
    ) -> list[tuple[str, float]]:
        """3CosMul: similarities shifted to [0, 1], multiplied for positive, divided for negative."""
        pos, neg = self.ids(positive), self.ids(negative)
        end = self._end(restrict_vocab)
        unit = self.unit[:end]
        score = np.ones(end, np.float32)
        for i in pos:
            score *= (1 + unit @ self.unit[i]) / 2
        below = np.ones(end, np.float32)
        for i in neg:
            below *= (1 + unit @ self.unit[i]) / 2
        return self._top(score / (below + 1e-6), [i for i in pos + neg if i < end], topn)

    def analogy(self, a: str, b: str, c: str, topn: int = 10, method: str = "add") -> list[tuple[str, float]]:
        """a is to b as c is to ?  (``method`` "add" is 3CosAdd, "mul" 3CosMul)."""
        if method == "mul":
            return self.most_similar_cosmul([b, c], [a], topn)
        return self.most_similar([b, c], [a], topn)

    def analogies(
        self,
        questions: np.ndarray,
        topn: int = 1,
        method: str = "add",
        restrict_vocab: int | None = None,
        batch: int = 1024,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Answers to many analogies at once: ``questions`` is (m, 3) rows of ids a, b, c.

        Returns the ids of the ``topn`` answers (m, topn) and their scores. The
        three query words and all-zero rows are never answers. Where there is no
        answer (fewer candidates than ``topn``, or a 3CosAdd question whose b + c - a
        has no direction) the id is -1 and the score -inf. ``topn`` beyond the
        words looked at is all of them. One matrix product per batch.
        """
        if topn < 1:
            raise ParameterError("topn", "must be at least 1")
        if batch < 1:
            raise ParameterError("batch", "must be at least 1")
        end = self._end(restrict_vocab)
        topn = min(int(topn), end)
        unit = self.unit[:end]
        vectors_t = np.ascontiguousarray(self.matrix[:end].T)  # (dim, end): each batch is one product
        zero = self.zero[:end]
        inv_norms = 1 / self._divisor[:end]  # a zero row's scores are set to -inf below
        out_ids = np.empty((len(questions), topn), np.int64)
        out_scores = np.empty((len(questions), topn), np.float32)
        rows = np.arange(min(batch, len(questions)))
        for start in range(0, len(questions), batch):
            q = questions[start : start + batch]
            a, b, c = (self.unit[q[:, k]] for k in range(3))
            if method == "mul":
                s = [(1 + x @ unit.T) / 2 for x in (a, b, c)]  # (m, end) each
                scores = s[1] * s[2] / (s[0] + 1e-6)
            else:
                mean = (b + c - a) / 3
                length = np.linalg.norm(mean, axis=1, keepdims=True)
                flat = length[:, 0] == 0  # b + c = a exactly: no direction, no answer (not 0/0)
                np.divide(mean, length, out=mean, where=~flat[:, None])
                scores = mean @ vectors_t  # cos = v . mean / |v|, as gensim computes it
                scores *= inv_norms
                scores[flat] = -np.inf
            if zero.any():
                scores[:, zero] = -np.inf
            r = rows[: len(q)]
            for k in range(3):
                inside = q[:, k] < end
                scores[r[inside], q[inside, k]] = -np.inf
            best, best_scores = _top_rows(scores, topn)
            best[best_scores == -np.inf] = -1
            out_ids[start : start + len(q)] = best
            out_scores[start : start + len(q)] = best_scores
        return out_ids, out_scores

    def similarity(self, a: str, b: str) -> float:
        """The cosine of two words (a word with an all-zero vector raises ``UnusableWord``)."""
        return float(self.unit[self.id(a)] @ self.unit[self.id(b)])

    def doesnt_match(self, words: Sequence[str]) -> str:
        """The word that does not belong with the others (gensim's ``doesnt_match``)."""
        return self.odd_one_out(words)[0][0]

    def odd_one_out(self, words: Sequence[str]) -> list[tuple[str, float]]:
        """Each word with its similarity to the mean of all of them, least similar (the odd one) first."""
        if len(words) < 3:
            raise UsageError("give at least three words")
        ids = self.ids(words)
        mean = self._mean(ids, [])
        sims = self.unit[ids] @ mean
        order = np.argsort(sims, kind="stable")
        return [(self.words[ids[i]], float(sims[i])) for i in order]
