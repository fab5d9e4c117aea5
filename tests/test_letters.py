"""Letter counts against an independent count (collections.Counter) on real text."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from textlab.io import TextReader
from textlab.letters import ENGLISH_FREQUENCIES, compare, count_letters

from .conftest import shared_file


def counter_letters(text: str, n: int = 1, fold: bool = False) -> Counter:
    if fold:
        text = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    if n == 1:
        return Counter(c for c in text if c.isalpha())
    grams = (text[i : i + n] for i in range(len(text) - n + 1))
    return Counter(g for g in grams if g.isalpha())


def textlab_counts(paths, **kw) -> dict[str, int]:
    return count_letters(TextReader([str(p) for p in paths]).chunks(), **kw).as_dict()


def test_small_example_most_frequent_first():
    c = count_letters(["Hello, hello!".encode()])
    assert c.ngrams[:3] == ["l", "e", "o"]
    assert c.as_dict() == {"l": 4, "e": 2, "o": 2, "H": 1, "h": 1}
    assert c.total == 10


def test_unicode_letters_count_and_others_do_not():
    c = count_letters(["ñandú Ärger добро 42 !? \u00e9".encode()]).as_dict()
    assert c["ñ"] == 1 and c["ú"] == 1 and c["Ä"] == 1 and c["д"] == 1 and c["é"] == 1
    assert not set(c) & set("42 !?")


def test_all_chars_counts_everything():
    c = count_letters([b"a b\n1"], all_chars=True).as_dict()
    assert c == {"a": 1, " ": 1, "b": 1, "\n": 1, "1": 1}


def test_ngrams_only_where_all_characters_are_letters():
    c = count_letters([b"the cat, the hat"], n=2).as_dict()
    assert c == {"th": 2, "he": 2, "at": 2, "ca": 1, "ha": 1}


def test_ngrams_across_chunk_boundaries():
    whole = count_letters([b"abcabcab"], n=3).as_dict()
    pieces = count_letters([b"ab", b"ca", b"bc", b"ab"], n=3).as_dict()
    assert whole == pieces == {"abc": 2, "bca": 2, "cab": 2}


def test_many_distinct_characters_use_the_wide_keys():
    # 3000 distinct CJK characters need 12 bits; 6-grams need 72 bits > 64
    text = "".join(chr(0x4E00 + (i * 7919) % 3000) for i in range(20000))
    got = count_letters([text.encode()], n=6).as_dict()
    assert got == dict(counter_letters(text, 6))


@pytest.mark.parametrize("name", ["tinyshakespeare.txt", "quijote.txt"])
@pytest.mark.parametrize("n,fold", [(1, False), (1, True), (2, False), (3, True), (5, False)])
def test_counts_equal_counter_on_shared_texts(name, n, fold):
    path = shared_file(name)
    text = path.read_bytes().decode("utf-8-sig")
    assert textlab_counts([path], n=n, ignore_case=fold) == dict(counter_letters(text, n, fold))


def test_counts_equal_counter_on_webster_with_invalid_bytes(webster_text):
    text = webster_text.read_bytes().decode("utf-8", errors="replace")
    assert textlab_counts([webster_text]) == dict(counter_letters(text))


def test_several_files_equal_their_concatenation(tmp_path):
    shake = shared_file("tinyshakespeare.txt").read_bytes()
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_bytes(shake[:500_001])
    b.write_bytes(shake[500_001:])
    both = tmp_path / "both.txt"
    both.write_bytes(shake)
    for n in (1, 3):
        assert textlab_counts([a, b], n=n) == textlab_counts([both], n=n)


def test_compare_with_english():
    text = shared_file("tinyshakespeare.txt").read_bytes()
    cmp = compare(count_letters([text], ignore_case=True))
    assert sorted(cmp.letters) == sorted(ENGLISH_FREQUENCIES)
    assert np.isclose(cmp.percent.sum(), 100.0)
    assert abs(sum(ENGLISH_FREQUENCIES.values()) - 100.0) < 0.01
    e = cmp.letters.index("e")
    assert cmp.letters[0] == "e" and abs(cmp.difference[e]) < 2.0  # Shakespeare's e is close to the table's


def test_empty_input():
    c = count_letters([])
    assert len(c) == 0 and c.total == 0
