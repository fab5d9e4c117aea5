"""Raw text to a normalised word stream: the input format of the later steps.

Output has one line per input line (a document, a paragraph) with its words
separated by single spaces: lower case unless ``keep_case``, letters only
(Unicode-aware, combining accents kept with their letter; digits too with
``keep_digits``), in Unicode NFC.

>>> b"".join(normalize_words([b"Hello, World!\\nDon't panic: 42 times."])).decode()
'hello world\\ndon t panic times\\n'

How, without a Python loop over words: every character is a *word*
character, a newline, or a separator. Separators are dropped except the first
of each run that sits between two word characters, which becomes one space:

    "Don't panic: 42"   ->  word chars kept, "'" -> " ", ": 42" -> (dropped: no word follows)
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Iterator

import numpy as np

from .codepoints import CharTable
from .tokens import code_points

SPACE, NEWLINE = 32, 10


class _Joiner:
    """Carries the state that crosses chunk boundaries: was the last kept
    character a word character, and did separators follow it?"""

    def __init__(self) -> None:
        self.after_word = False  # last non-separator seen was a word character
        self.pending = False  # ... and separators followed it at the end of the last chunk
        self.ends_line: bool | None = None  # the output so far ends with a newline (None: no output yet)


def _select(cps: np.ndarray, word: np.ndarray, state: _Joiner) -> np.ndarray:
    """Keep word characters and newlines, and one space between words."""
    newline = cps == NEWLINE
    sep = ~(word | newline)
    if state.pending:  # the separator run from the previous chunk continues here
        cps = np.concatenate([[SPACE], cps]).astype(np.uint32)
        word = np.concatenate([[False], word])
        newline = np.concatenate([[False], newline])
        sep = np.concatenate([[True], sep])
    n = len(cps)
    prev_word = np.concatenate([[state.after_word], word[:-1]])
    prev_sep = np.concatenate([[False], sep[:-1]])
    gaps = np.flatnonzero(sep & ~prev_sep & prev_word)  # separator runs that follow a word
    solid = np.flatnonzero(~sep)  # positions of word characters and newlines
    # A gap becomes a space only if the next non-separator is a word character.
    nxt = np.searchsorted(solid, gaps)
    found = nxt < len(solid)
    gaps = gaps[found][word[solid[nxt[found]]]]
    keep = word | newline
    keep[gaps] = True
    out = np.where(sep, SPACE, cps)[keep].astype(np.uint32)
    # State for the next chunk.
    if len(solid):
        last = solid[-1]
        state.after_word = bool(word[last])
        state.pending = bool(state.after_word and last < n - 1)
    else:
        state.pending = bool(state.after_word and n > 0)
    return out


def _encode(cps: np.ndarray) -> bytes:
    if not len(cps):
        return b""
    if int(cps.max()) < 128:
        return cps.astype(np.uint8).tobytes()
    text = cps.astype("<u4").tobytes().decode("utf-32-le")
    return unicodedata.normalize("NFC", text).encode("utf-8")


def normalize_words(chunks: Iterable[bytes], keep_case: bool = False, keep_digits: bool = False) -> Iterator[bytes]:
    """Turn valid UTF-8 text chunks into normalised word lines (UTF-8 bytes).

    Joined, the pieces form complete lines, each ending in a newline: one
    line per input line, even a line without words; an empty input gives no
    output. (NFC composition is done per chunk: a combining accent that starts
    a 1 MB chunk stays decomposed.)
    """
    table = CharTable(ignore_case=not keep_case)
    word_kinds = [CharTable.LETTER, CharTable.MARK] + ([CharTable.DIGIT] if keep_digits else [])
    is_word = np.zeros(8, bool)
    is_word[word_kinds] = True
    state = _Joiner()
    seen = False
    for cps, kinds in code_points(chunks, table):
        seen = True
        out = _select(cps, is_word[kinds], state)
        if len(out):
            state.ends_line = bool(out[-1] == NEWLINE)
            yield _encode(out)
    if seen and state.ends_line is not True:  # every input line gives an output line
        yield b"\n"
