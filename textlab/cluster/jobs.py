"""What a worker does with one partition, and how two results become one.

A *job* says what is counted (``letters``' letters or letter n-grams, the
n-grams of ``ngrams``) with the very functions a local run calls, how far past
its partition a count must read (see :mod:`partitions`), and how partial
results add up.  Jobs are small frozen dataclasses, so they travel to the
workers pickled; the functions at the bottom are the tasks a scheduler runs.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from ..malloc import reusing_big_blocks
from .partitions import Partitions, PieceReader, lookahead


@dataclass
class Partial:
    """A partition's result (``value``) and what the command reports about its input."""

    value: Any
    invalid_bytes: int = 0
    has_text: bool = False
    bytes_read: int = 0


@dataclass(frozen=True)
class LettersJob:
    """``textlab letters``: single letters (``n`` = 1) or letter n-grams."""

    n: int = 1
    ignore_case: bool = False
    all_chars: bool = False

    def count(self, chunks: Iterable[bytes]) -> Any:
        from ..letters import count_letters

        return count_letters(chunks, self.n, ignore_case=self.ignore_case, all_chars=self.all_chars)

    def ahead(self) -> tuple[int, bool]:
        """Characters to read past the partition, and whether to the end of the line."""
        return self.n - 1, False

    def negated(self, value: Any) -> Any:
        from ..letters import NgramCounts

        return NgramCounts(value.ngrams, -value.counts, -value.total, value.n)

    def merge(self, values: list[Any]) -> Any:
        from ..letters import merge_counts

        return merge_counts(values)

    def finish(self, value: Any) -> Any:
        return value


@dataclass(frozen=True)
class NgramsJob:
    """``textlab ngrams``: n-grams of characters or words, of one or several orders."""

    unit: str = "char"
    orders: tuple[int, ...] = (2,)
    ignore_case: bool = False
    letters_only: bool = False
    boundaries: bool = False
    # single characters without markers are counted as ``count_ngrams`` counts them:
    # by the letter counter, whose ties come in code point order
    letters: LettersJob | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        if self.unit == "char" and self.orders == (1,) and not self.boundaries:
            object.__setattr__(self, "letters", LettersJob(1, self.ignore_case, all_chars=not self.letters_only))

    def count(self, chunks: Iterable[bytes]) -> Any:
        if self.letters is not None:
            return self.letters.count(chunks)
        from ..ngrams import count_ngrams

        return count_ngrams(
            chunks,
            unit=self.unit,
            orders=list(self.orders),
            ignore_case=self.ignore_case,
            letters_only=self.letters_only,
            boundaries=self.boundaries,
            sort=False,  # sorted once, when finished
        )

    def ahead(self) -> tuple[int, bool]:
        # Word n-grams end with their line; character n-grams run on across lines, and a
        # segment that goes on past the partition must not be closed by a marker there.
        if self.unit == "word":
            return 0, True
        return max(max(self.orders) - 1, int(self.boundaries)), False

    def negated(self, value: Any) -> Any:
        if self.letters is not None:
            return self.letters.negated(value)
        from ..ngrams import negated

        return negated(value)

    def merge(self, values: list[Any]) -> Any:
        if self.letters is not None:
            return self.letters.merge(values)
        from ..ngrams import merge_tables

        return merge_tables(values, sort=False)

    def finish(self, value: Any) -> Any:
        if self.letters is not None:
            from ..ngrams import letters_table

            return letters_table(value)
        return value.sorted()


Job = LettersJob | NgramsJob


# -- the tasks ----------------------------------------------------------------------
def count_partition(job: Job, partitions: Partitions, number: int) -> Partial:
    """Count partition ``number`` as the local run counts that part of its input:
    ``count(own + lookahead) - count(lookahead)`` (see :mod:`partitions`)."""
    reusing_big_blocks()  # a Dask worker's malloc settings would halve the speed
    first, end = partitions.span(number)
    reader = PieceReader(partitions.pieces[first:end], partitions.encoding)
    chars, line = job.ahead()
    last, has_text = b"\n", False  # the partition's last byte, once read; whether it had any text

    def own() -> Iterator[bytes]:
        nonlocal last, has_text
        for chunk in reader.chunks():
            last, has_text = chunk[-1:], True
            yield chunk

    def needed() -> tuple[int, bool]:
        # a line that ended with the partition needs no more; characters always might
        return chars, line and last != b"\n"

    def ahead() -> Iterator[bytes]:
        want_chars, want_line = needed()
        if want_chars or want_line:
            yield from lookahead(partitions, number, want_chars, want_line)

    value = job.count(itertools.chain(own(), ahead()))
    if (end < len(partitions.pieces) or partitions.more) and any(needed()):
        # the lookahead again, on its own, to take its own n-grams away (streamed twice, not held)
        value = job.merge([value, job.negated(job.count(ahead()))])
    return Partial(value, reader.invalid_bytes, has_text, reader.bytes_read)


def merge_partials(job: Job, first: Partial, second: Partial) -> Partial:
    """Two neighbouring results as one (``first`` comes before ``second`` in the input)."""
    reusing_big_blocks()
    return Partial(
        job.merge([first.value, second.value]),
        first.invalid_bytes + second.invalid_bytes,
        first.has_text or second.has_text,
        first.bytes_read + second.bytes_read,
    )
