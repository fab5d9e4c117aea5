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
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..errors import DataError
from ..io import TextReader, exact_lines
from .keyed import Vectors


def _ok_vocab(vectors: Vectors, restrict: int) -> dict[str, int]:
    """UPPER-CASED word -> row, over the first ``restrict`` rows; the most frequent spelling wins."""
    return {w.upper(): i for i, w in reversed(list(enumerate(vectors.words[:restrict])))}


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
    skipped: int = 0  # of which some word is outside the restricted vocabulary

    def total(self, semantic: bool | None = None) -> Section:
        chosen = [s for s in self.sections if semantic is None or s.semantic == semantic]
        name = {None: "total", True: "semantic", False: "syntactic"}[semantic]
        return Section(name, sum(s.correct for s in chosen), sum(s.total for s in chosen))


def evaluate_analogies(vectors: Vectors, path: str, restrict_vocab: int = 30_000) -> AnalogyResult:
    """Accuracy on an analogy file, per section and in total, as gensim's ``evaluate_word_analogies``."""
    ok = _ok_vocab(vectors, restrict_vocab)
    result = AnalogyResult()
    rows: list[tuple[int, int, int, int]] = []
    wanted: list[str] = []
    section_of: list[int] = []
    for line, _ in exact_lines(TextReader([path]).texts()):
        if line.startswith(": "):
            result.sections.append(Section(line[2:].strip()))
            continue
        words = line.upper().split()
        if len(words) != 4:
            continue  # gensim skips a line that is not four words
        if not result.sections:
            raise DataError(f"{path}: questions before the first ': section' line")
        result.questions += 1
        if any(w not in ok for w in words):
            result.skipped += 1
            continue
        rows.append(tuple(ok[w] for w in words[:3]))  # type: ignore[arg-type]
        wanted.append(words[3])
        section_of.append(len(result.sections) - 1)
    if result.questions == 0:
        raise DataError(f"{path}: no analogy questions (lines 'a b c d' under ': section' headings)")
    if rows:
        questions = np.array(rows, np.int64)
        best, _ = vectors.analogies(questions, topn=5, restrict_vocab=restrict_vocab)
        words = vectors.words
        for q, answers, expected, s in zip(questions.tolist(), best.tolist(), wanted, section_of):
            ignore = {words[i].upper() for i in q}
            predicted = next((words[i].upper() for i in answers if words[i].upper() not in ignore), None)
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


def evaluate_similarity(vectors: Vectors, path: str, restrict_vocab: int = 300_000) -> SimilarityResult:
    """Spearman and Pearson correlation with human similarity scores, as gensim's ``evaluate_word_pairs``."""
    ok = _ok_vocab(vectors, restrict_vocab)
    gold, model = [], []
    oov = 0
    for line, _ in exact_lines(TextReader([path]).texts()):
        if not line or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) != 3:
            continue
        try:
            score = float(fields[2])
        except ValueError:
            continue  # a header line
        a, b = fields[0].upper(), fields[1].upper()
        if a not in ok or b not in ok:
            oov += 1
            continue
        gold.append(score)
        model.append(float(vectors.unit[ok[a]] @ vectors.unit[ok[b]]))
    if len(gold) < 2:
        raise DataError(f"{path}: fewer than two word pairs with known words ({oov} pairs had unknown words)")
    g, m = np.array(gold), np.array(model)
    return SimilarityResult(len(gold), oov, pearson(rankdata(g), rankdata(m)), pearson(g, m))
