"""Lines cut into bounded pieces, so that no ``bpe`` command needs memory in proportion to one line.

A *line* is the text up to a ``\\n`` (a ``\\r`` before it is part of the
line). The backends take a line whole: tokenizers keeps several words of
bookkeeping for every byte (a 16 MB line took 2.7 GB to encode), and a file
that is one 100 MB line (text8, a minified dump) would not fit. So a line
longer than :data:`MAX_PIECE` characters is handed over in pieces, each
marked with whether it starts its line and whether the line ends after it;
callers put the results of the pieces of one line back on one line.

Where a text line is cut (:func:`cut_text`), in this order of preference:

1. just before a single space that has a non-space on both sides. Every
   pre-tokenizer textlab uses starts a word there (GPT-2's byte-level regex
   makes ``" word"`` one pre-token and never joins a space to what precedes
   it; Metaspace and SentencePiece start a word at ``▁``), so the pieces hold
   the same words as the line and encode to the same tokens;
2. just before any whitespace that follows a non-space;
3. anywhere, when the piece has no whitespace at all: a ``str`` is cut
   between code points, so a piece is always whole characters (never part of
   a UTF-8 sequence). A word cut in two encodes differently, but decodes to
   the same text.

A line of tokens (what ``bpe encode`` writes) is cut at a space between two
tokens, by :func:`token_cut`, before a token that decoding may start with.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator

from ..errors import DataError

#: The longest piece of a line handed to a backend at once, in characters (at most 256 KiB of UTF-8).
#: Long enough that real lines (paragraphs) are never cut, so ordinary text is encoded exactly as
#: whole lines; short enough that one piece costs tokenizers some tens of MB at the very most.
MAX_PIECE = 1 << 16
#: Lines (or pieces) encoded per call: enough for the backends to spread the work over every core ...
BATCH_LINES = 10_000
#: ... and at most this many characters, so a batch of long lines stays within the same memory.
BATCH_CHARS = 1 << 20

#: A piece of a line: its text, whether it starts the line, whether a newline ends the line after it.
Piece = tuple[str, bool, bool]
#: ``cut(text, start, last, end)``: where to end the piece that begins at ``start``, in
#: ``(start, last]``; ``text[:end]`` is what is known of the line.
Cut = Callable[[str, int, int, int], int]

_SPACE_BETWEEN_WORDS = re.compile(r"(?<=\S) (?=\S)")
_WHITESPACE_AFTER_WORD = re.compile(r"(?<=\S)\s")


def _last_match(pattern: re.Pattern[str], text: str, start: int, last: int, endpos: int) -> int:
    """The last position in ``(start, last]`` where ``pattern`` matches, or -1.

    Looks near ``last`` first and widens the window only when nothing is
    there, so finding a cut costs about the distance back to it, not the
    length of the piece.
    """
    width = 256
    while True:
        lo = max(start + 1, last - width)
        found = -1
        for m in pattern.finditer(text, lo, endpos):
            if m.start() > last:
                break
            found = m.start()
        if found >= 0 or lo == start + 1:
            return found
        width *= 8


def cut_text(text: str, start: int, last: int, end: int) -> int:
    """Where to cut a line of text (see the module's docstring for the rule)."""
    # the lookahead needs the character after the space, the lookbehind the one before it
    at = _last_match(_SPACE_BETWEEN_WORDS, text, start, last, min(end, last + 2))
    if at < 0:
        at = _last_match(_WHITESPACE_AFTER_WORD, text, start, last, min(end, last + 1))
    return at if at >= 0 else last


def _cut_line(line: str, first: bool, ended: bool, limit: int, cut: Cut) -> Iterator[Piece]:
    at = 0
    while len(line) - at > limit:
        c = cut(line, at, at + limit, len(line))
        yield line[at:c], first, False
        first = False
        at = c
    yield line[at:], first, ended


def pieces(texts: Iterable[str], limit: int = MAX_PIECE, cut: Cut = cut_text) -> Iterator[Piece]:
    """The lines of a stream of text chunks, those longer than ``limit`` cut into pieces.

    Yields ``(text, first, ended)``: ``first`` is False for the later pieces
    of a cut line, ``ended`` is True when a newline follows (False inside a
    cut line, and for a last line without a newline). Nothing held grows
    with the length of a line: what is left of an unfinished line is cut as
    soon as it is longer than ``limit``.
    """
    rest = ""
    first = True
    for text in texts:
        parts = (rest + text).split("\n")
        rest = parts.pop()
        for part in parts:
            if len(part) > limit:
                yield from _cut_line(part, first, True, limit, cut)
            else:
                yield part, first, True
            first = True
        if len(rest) > limit + 1:  # the line goes on: keep a character past the cut for the rule to see
            at = 0
            while len(rest) - at > limit + 1:
                c = cut(rest, at, at + limit, len(rest))
                yield rest[at:c], first, False
                first = False
                at = c
            rest = rest[at:]
    if rest:
        yield from _cut_line(rest, first, False, limit, cut)


def batches(items: Iterable[Piece], lines: int = BATCH_LINES, chars: int = BATCH_CHARS) -> Iterator[list[Piece]]:
    """Lists of up to ``lines`` pieces and about ``chars`` characters."""
    batch: list[Piece] = []
    size = 0
    for item in items:
        batch.append(item)
        size += len(item[0])
        if len(batch) >= lines or size >= chars:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


#: How many spaces back from the longest piece a token line's cut looks for a token decoding may start with.
_TOKEN_TRIES = 64


def token_cut(may_start: Callable[[str], bool]) -> Cut:
    """A cut for lines of tokens separated by spaces: just before a space, so that the token after
    it is one that ``may_start`` a decoded piece (not the middle bytes of a character).

    Among ``_TOKEN_TRIES`` spaces there is always such a token in text that
    ``bpe encode`` wrote from valid text (a character is at most 4 bytes);
    failing that (invalid bytes, which decode to U+FFFD either way) any space
    will do. A line with no space in ``MAX_PIECE`` characters is not a line
    of tokens.
    """

    def cut(text: str, start: int, last: int, end: int) -> int:
        space = text.rfind(" ", start + 1, last + 1)
        if space < 0:
            raise DataError(
                f"a token of more than {last - start:,} characters: not a line of tokens",
                "decode what `textlab bpe encode` wrote",
            )
        at = space
        for _ in range(_TOKEN_TRIES):
            after = text.find(" ", at + 1, end)
            if after >= 0 and may_start(text[at + 1 : after]):
                return at
            at = text.rfind(" ", start + 1, at)
            if at < 0:
                break
        return space

    return cut
