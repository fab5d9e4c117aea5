"""The standard benchmarks of word vectors, counted exactly as gensim counts them.

Analogies (``questions-words.txt``: sections headed ``: name``, then lines
``a b c d``): a question counts when all four words are among the
``restrict_vocab`` most frequent words (case-insensitively: ``Paris`` is the
row of the most frequent of Paris/paris/PARIS); it is correct when the best
3CosAdd answer over those words, leaving out a, b and c, is d. Sections
whose name starts with ``gram`` are syntactic, the others semantic (as in
the word2vec paper). All questions of the file are answered in a few matrix
products.

Word similarity (WordSim-353 and the like: ``word1<TAB>word2<TAB>score``,
``#`` comments): Spearman's rank correlation and Pearson's correlation
between the human scores and the cosine similarities, over the pairs whose
two words are known.

Where textlab differs from gensim, on purpose:

- a line that is not a question (not four words) or not a pair (not three
  fields, or a score that is not a finite number) is skipped as gensim skips
  it, but counted: ``malformed`` holds how many and the first, so the command
  can say so (gensim only logs them at INFO level). The first line of a
  similarity file may be a header (WordSim-353 has one): not counted.
- a word whose vector is all zeros has no cosine: it counts as outside the
  vocabulary (a skipped question, an out-of-vocabulary pair), where gensim
  would count NaN.
- when all the human scores, or all the cosines, are equal, no correlation
  exists: a ``DataError``, where gensim (through scipy) returns NaN with a
  warning. A benchmark that cannot rank is a broken benchmark file, and a
  NaN in a table of scores is too easy to miss.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..errors import DataError, ParameterError
from ..io import TextReader, exact_lines
from .keyed import Vectors


def _ok_vocab(vectors: Vectors, restrict: int) -> dict[str, int]:
    """UPPER-CASED word -> row, over the first ``restrict`` rows; the most frequent spelling wins
    (of those with a direction: an all-zero row is left out)."""
    if restrict < 1:
        raise ParameterError("restrict_vocab", "must be at least 1")
    zero = vectors.zero
    return {w.upper(): i for i, w in reversed(list(enumerate(vectors.words[:restrict]))) if not zero[i]}


@dataclass
class Malformed:
    """The lines of a benchmark file that were skipped as unreadable: how many, and the first."""

    count: int = 0
    first: str = ""  # "line 12: 2 words, ..."

    def add(self, number: int, problem: str) -> None:
        if not self.count:
            self.first = f"line {number}: {problem}"
        self.count += 1

    def __str__(self) -> str:
        """``skipped 3 malformed lines (first: line 12: ...)``, for a warning."""
        s = "" if self.count == 1 else "s"
        return f"skipped {self.count:,} malformed line{s} (first: {self.first})"


@dataclass
class Section:
    name: str
    correct: int = 0
    total: int = 0

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else float("nan")

    @property
    def semantic(self) -> bool:
        return not self.name.startswith("gram")


@dataclass
class AnalogyResult:
    sections: list[Section] = field(default_factory=list)
    questions: int = 0  # well-formed questions in the file
    skipped: int = 0  # of which some word is outside the restricted vocabulary (or has no direction)
    malformed: Malformed = field(default_factory=Malformed)  # lines that are neither a section nor a question

    def total(self, semantic: bool | None = None) -> Section:
        chosen = [s for s in self.sections if semantic is None or s.semantic == semantic]
        name = {None: "total", True: "semantic", False: "syntactic"}[semantic]
        return Section(name, sum(s.correct for s in chosen), sum(s.total for s in chosen))


def evaluate_analogies(vectors: Vectors, path: str, restrict_vocab: int = 30_000) -> AnalogyResult:
    """Accuracy on an analogy file, per section and in total, as gensim's ``evaluate_word_analogies``
    (lines that are not questions are skipped and counted in ``malformed``)."""
    ok = _ok_vocab(vectors, restrict_vocab)
    result = AnalogyResult()
    rows: list[tuple[int, int, int, int]] = []
    wanted: list[str] = []
    section_of: list[int] = []
    for number, (line, _) in enumerate(exact_lines(TextReader([path]).texts()), start=1):
        if line.startswith(": "):
            result.sections.append(Section(line[2:].strip()))
            continue
        words = line.upper().split()
        if not words:
            continue  # a blank line (at the end, say) is not worth a warning
        if len(words) != 4:  # gensim skips it too, saying so only at INFO level
            result.malformed.add(number, f"{len(words)} words, expected 'a b c d' or ': section' ({line[:40]!r})")
            continue
        if not result.sections:
            raise DataError(f"{path}:{number}: a question before the first ': section' line")
        result.questions += 1
        if any(w not in ok for w in words):
            result.skipped += 1
            continue
        rows.append(tuple(ok[w] for w in words[:3]))  # type: ignore[arg-type]
        wanted.append(words[3])
        section_of.append(len(result.sections) - 1)
    if result.questions == 0:  # an error, so the malformed lines go in its one line
        raise DataError(
            f"{path}: no analogy questions (lines 'a b c d' under ': section' headings)",
            str(result.malformed) if result.malformed.count else None,
        )
    if rows:
        questions = np.array(rows, np.int64)
        best, _ = vectors.analogies(questions, topn=5, restrict_vocab=restrict_vocab)
        words = vectors.words
        for q, answers, expected, s in zip(questions.tolist(), best.tolist(), wanted, section_of):
            ignore = {words[i].upper() for i in q}
            # an id of -1 is no answer (fewer candidates than asked for)
            predicted = next((words[i].upper() for i in answers if i >= 0 and words[i].upper() not in ignore), None)
            section = result.sections[s]
            section.total += 1
            section.correct += predicted == expected
    return result


def rankdata(x: np.ndarray) -> np.ndarray:
    """Ranks 1..n, ties sharing their average rank (as ``scipy.stats.rankdata``).

    >>> rankdata(np.array([10, 20, 10, 30])).tolist()
    [1.5, 3.0, 1.5, 4.0]
    """
    order = np.argsort(x, kind="stable")
    sorted_x = x[order]
    starts = np.flatnonzero(np.concatenate([[True], sorted_x[1:] != sorted_x[:-1]]))
    ends = np.concatenate([starts[1:], [len(x)]])
    average = (starts + ends + 1) / 2  # mean of the ranks starts+1 .. ends
    ranks = np.empty(len(x))
    ranks[order] = np.repeat(average, ends - starts)
    return ranks


def pearson(x: np.ndarray, y: np.ndarray) -> float:
    x, y = x - x.mean(), y - y.mean()
    return float((x @ y) / np.sqrt((x @ x) * (y @ y)))


@dataclass
class SimilarityResult:
    pairs: int
    oov: int
    spearman: float
    pearson: float
    malformed: Malformed = field(default_factory=Malformed)  # lines that are not 'word1<TAB>word2<TAB>score'


def evaluate_similarity(vectors: Vectors, path: str, restrict_vocab: int = 300_000) -> SimilarityResult:
    """Spearman and Pearson correlation with human similarity scores, as gensim's ``evaluate_word_pairs``.

    All scores equal (or all cosines equal) is a ``DataError``: neither correlation exists.
    """
    ok = _ok_vocab(vectors, restrict_vocab)
    gold, model = [], []
    oov = 0
    malformed = Malformed()
    first = True  # the first line that is not a comment may be a header
    for number, (line, _) in enumerate(exact_lines(TextReader([path]).texts()), start=1):
        line = line.rstrip("\r")
        if not line.strip() or line.startswith("#"):
            continue
        header, first = first, False
        fields = line.split("\t")
        if len(fields) != 3:
            malformed.add(number, f"{len(fields)} fields, expected word1<TAB>word2<TAB>score ({line[:40]!r})")
            continue
        try:
            score = float(fields[2])
        except ValueError:
            if not header:  # WordSim-353's "Word 1, Word 2, Human (mean)"
                malformed.add(number, f"the score {fields[2][:30]!r} is not a number")
            continue
        if not np.isfinite(score):  # float() reads "nan" and "inf"; a correlation cannot
            malformed.add(number, f"the score {fields[2][:30]!r} is not a finite number")
            continue
        a, b = fields[0].upper(), fields[1].upper()
        if a not in ok or b not in ok:
            oov += 1
            continue
        gold.append(score)
        model.append(float(vectors.unit[ok[a]] @ vectors.unit[ok[b]]))
    if len(gold) < 2:
        also = f"; {malformed}" if malformed.count else ""
        raise DataError(f"{path}: fewer than two word pairs with known words ({oov} pairs had unknown words{also})")
    g, m = np.array(gold), np.array(model)
    # tested exactly, not through a NaN: x - mean(x) of equal floats need not come out 0
    if g.min() == g.max():
        raise DataError(
            f"{path}: all {len(g):,} pairs with known words have the same score ({g[0]:g})",
            "a correlation with scores that do not vary is undefined",
        )
    if m.min() == m.max():
        raise DataError(
            f"{path}: the vectors give all {len(m):,} pairs with known words the same cosine ({m[0]:.6g})",
            "a correlation with cosines that do not vary is undefined",
        )
    return SimilarityResult(len(gold), oov, pearson(rankdata(g), rankdata(m)), pearson(g, m), malformed)
