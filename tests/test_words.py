"""The word stream: normalisation rules, chunk-boundary invariance."""

from __future__ import annotations

import pytest

from textlab.io import TextReader
from textlab.words import normalize_words

from .conftest import corpus_path, corpus_text


def words(text: str, **kw) -> str:
    return b"".join(normalize_words([text.encode()], **kw)).decode()


def test_basic_rules():
    assert words("Hello, World!\nDon't panic: 42 times.") == "hello world\ndon t panic times\n"


def test_lines_are_kept_and_edges_trimmed():
    assert words("  A  b \n\n-- c --\r\n") == "a b\n\nc\n"


def test_keep_case_and_digits():
    assert words("R2-D2 Rocks", keep_case=True, keep_digits=True) == "R2 D2 Rocks\n"


def test_unicode_letters_and_combining_accents():
    assert words("ÉTÉ à Москва, cafe\u0301!") == "été à москва café\n"


def test_no_words_no_output():
    assert words("") == ""
    assert words("123 ... !!!") == "\n"


@pytest.mark.parametrize("chunk_size", [1, 3, 17, 1000])
def test_same_output_whatever_the_chunking(tmp_path, chunk_size):
    text = "Él dijo: «¡Hola, mundo!»  \n\n  Año 2024 — ça va?\nEnd" * 3
    p = tmp_path / "t.txt"
    p.write_text(text, encoding="utf-8")
    pieces = normalize_words(TextReader([str(p)], chunk_size=chunk_size).chunks())
    assert b"".join(pieces).decode() == words(text)


@pytest.mark.parametrize("name", ["es", "en"])
def test_bundled_corpus_words_are_its_runs_of_letters(name):
    import re
    import unicodedata

    # a word is a run of letters and combining marks (not digits, not ² or _), in lower case
    text = "".join(c.lower() if len(c.lower()) == 1 else c for c in corpus_text(name))
    letters = [c for c in set(text) if c.isalpha() or unicodedata.category(c).startswith("M")]
    runs = re.findall("[" + "".join(re.escape(c) for c in sorted(letters)) + "]+", text)
    expected = [unicodedata.normalize("NFC", w) for w in runs]
    got = b"".join(normalize_words(TextReader([str(corpus_path(name))]).chunks())).decode().split()
    assert got == expected
