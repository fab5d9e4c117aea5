"""N-gram tables: counts against an independent count, merging, probabilities, errors."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from textlab.io import TextReader
from textlab.ngrams import count_ngrams, merge_tables, read_table
from textlab.vocab import Vocabulary

from .conftest import corpus_bytes, corpus_head, corpus_path, corpus_text


def table_dict(table) -> dict:
    return dict(zip(table.ngrams, table.counts.tolist()))


def char_counter(text: str, n: int) -> Counter:
    return Counter(text[i : i + n] for i in range(len(text) - n + 1))


def word_counter(text: str, n: int) -> Counter:
    c: Counter = Counter()
    for line in text.split("\n"):
        w = line.split()
        c.update(" ".join(w[i : i + n]) for i in range(len(w) - n + 1))
    return c


@pytest.mark.parametrize("name", ["en", "es"])
@pytest.mark.parametrize("n", [1, 2, 4])
def test_char_ngrams_equal_counter(name, n):
    # small chunks, so that many n-grams straddle two; the .xz file is read by textlab itself
    got = count_ngrams(TextReader([str(corpus_path(name))], chunk_size=1 << 16).chunks(), n=n)
    assert table_dict(got) == dict(char_counter(corpus_text(name), n))


@pytest.mark.parametrize(
    "flags", [{}, {"ignore_case": True}, {"letters_only": True}, {"ignore_case": True, "letters_only": True}]
)
def test_unigram_histogram_path_agrees_with_the_general_counter(flags):
    # Single characters take a byte-histogram shortcut; orders=[1, 2] takes the general path.
    text = "Ñandú  Über café\nÇa va? 42 ÑAÑA\n".encode()
    fast = count_ngrams([text], n=1, **flags)
    general = count_ngrams([text], orders=[1, 2], **flags)
    general = general.select(general.order == 1)
    assert table_dict(fast) == table_dict(general)
    if "letters_only" in flags:
        assert all(ch.isalpha() for ch in fast.ngrams)


@pytest.mark.parametrize("n", [1, 2, 3])
def test_word_ngrams_equal_counter_on_spanish(n, tmp_path):
    from textlab.words import normalize_words

    src = corpus_path("es")
    words = tmp_path / "words.txt"
    words.write_bytes(b"".join(normalize_words(TextReader([str(src)]).chunks())))
    got = count_ngrams(TextReader([str(words)], chunk_size=1 << 15).chunks(), n=n, unit="word")
    assert table_dict(got) == dict(word_counter(words.read_text(encoding="utf-8"), n))


def test_vocabulary_matches_a_dict():
    text = corpus_bytes("en")
    v = Vocabulary()
    ids = np.concatenate([v.encode(text[i : i + 100_003]) for i in range(0, len(text), 100_003)])
    # chunks may cut words in two: compare against the same cuts
    expected: dict[bytes, int] = {}
    ref = [
        expected.setdefault(w, len(expected))
        for i in range(0, len(text), 100_003)
        for w in text[i : i + 100_003].split()
    ]
    assert ids.tolist() == ref
    assert v.words == [w.decode() for w in expected]


def test_words_looked_up_in_a_frozen_copy_get_the_ids_of_a_plain_lookup():
    # hashed_lines looks each piece up on a worker thread in the vocabulary's last frozen copy,
    # two pieces ahead: words added since must be found again, new words numbered in order
    from textlab.tokens import hashed_lines, word_chunks

    text = corpus_bytes("en")
    pieces = [text[i : i + 20_011] for i in range(0, len(text), 20_011)]
    plain = Vocabulary()
    expected = np.concatenate([plain.encode(piece) for piece in word_chunks(pieces)])
    v = Vocabulary()
    stale = 0
    parts = []
    for hashed, _ in hashed_lines(pieces, vocab=v):
        before = len(v.words)
        parts.append(v.encode(hashed))
        if hashed.known is not None:  # missing from the copy, but added before this piece
            stale += int((parts[-1][~hashed.known[0]] < before).sum())
    assert stale > 0  # some words were added after the copy a piece was looked up in
    assert np.concatenate(parts).tolist() == expected.tolist()
    assert v.words == plain.words


def test_boundaries_wrap_words_and_lines():
    t = count_ngrams([b"the cat, the hat"], n=2, letters_only=True, boundaries=True)
    assert table_dict(t) == {"^t": 2, "th": 2, "he": 2, "e$": 2, "^c": 1, "ca": 1, "at": 2, "t$": 2, "^h": 1, "ha": 1}
    w = count_ngrams([b"the cat sat\nthe c", b"at ran\n"], n=2, unit="word", boundaries=True)
    assert table_dict(w) == {"<s> the": 2, "the cat": 2, "cat sat": 1, "sat </s>": 1, "cat ran": 1, "ran </s>": 1}


def test_word_ngrams_never_cross_lines():
    t = count_ngrams([b"a b\nc d\n"], n=2, unit="word")
    assert table_dict(t) == {"a b": 1, "c d": 1}


def test_orders_and_probabilities_sum_to_one():
    text = corpus_head("en", 1_000_000)
    t = count_ngrams([text], orders=[1, 2, 3], letters_only=True, ignore_case=True, boundaries=True)
    assert set(t.order.tolist()) == {1, 2, 3}
    p = t.probabilities()
    tri = t.order == 3
    contexts: dict[str, float] = {}
    for g, q in zip(np.array(t.ngrams, dtype=object)[tri], p[tri]):
        contexts[g[:-1]] = contexts.get(g[:-1], 0.0) + q
    assert np.allclose(list(contexts.values()), 1.0)
    assert np.isclose(p[t.order == 1].sum(), 1.0)


def test_merge_equals_counting_the_concatenation(tmp_path, run):
    text = corpus_head("en", 600_000).decode("utf-8")
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    cut = text.index("\n", len(text) // 2) + 1  # at a line end: no n-gram spans the cut
    a.write_text(text[:cut])
    b.write_text(text[cut:])
    for part in ("a", "b"):
        r = run(
            "ngrams",
            "--unit",
            "word",
            "--orders",
            "1-2",
            str(tmp_path / f"{part}.txt"),
            "-o",
            str(tmp_path / f"{part}.tsv"),
        )
        assert r.exit_code == 0, r.stderr
    merged = run("ngrams", "--merge", "--unit", "word", str(tmp_path / "a.tsv"), str(tmp_path / "b.tsv")).stdout
    whole = run("ngrams", "--unit", "word", "--orders", "1-2", input=text).stdout
    assert sorted(merged.splitlines()) == sorted(whole.splitlines())


def test_read_table_round_trip(tmp_path, run):
    out = tmp_path / "t.tsv"
    run("ngrams", "-n", "3", "-o", str(out), input="abcabd\tx\n")
    t = read_table(str(out), "char")
    assert table_dict(t) == dict(char_counter("abcabd\tx\n", 3))
    assert table_dict(merge_tables([t, t])) == {k: 2 * v for k, v in char_counter("abcabd\tx\n", 3).items()}


def test_cli_prob_min_count_and_top(run):
    r = run("ngrams", "-n", "2", "--prob", "--top", "2", input="abab")
    assert r.stdout.splitlines() == ["ngram\tcount\tprob", "ab\t2\t1", "ba\t1\t1"]
    r = run("ngrams", "-n", "2", "--min-count", "2", input="abab")
    assert r.stdout.splitlines() == ["ngram\tcount", "ab\t2"]


@pytest.mark.parametrize(
    "args,stdin,message",
    [
        (["ngrams"], "", "the input is empty"),
        (["ngrams", "-n", "5", "-l"], "ab\ncd\n", "every run of letters is shorter than n"),
        (["ngrams", "--unit", "word", "-n", "3"], "a b\nc d\n", "every line is shorter"),
        (["ngrams", "--orders", "0-2"], "abc", "orders start at 1"),
        (["ngrams", "--orders", "x"], "abc", "expected a range"),
        (["ngrams", "--merge"], "", "--merge needs"),
    ],
)
def test_bad_input_gets_one_clear_line(run, args, stdin, message):
    r = run(*args, input=stdin)
    assert r.exit_code in (1, 2)
    assert message in r.stderr and len(r.stderr.strip().splitlines()) == 1


def test_n_zero_is_a_usage_error(run):
    assert run("ngrams", "-n", "0", input="abc").exit_code == 2


def test_long_orders_need_no_huge_table(run):
    # the dense counting table is only for small key spaces: n = 32 must not ask for 2**32 slots
    result = run("ngrams", "-n", "32", input="hello world\n")
    assert result.exit_code == 1 and "no 32-grams found" in result.stderr
    text = "a fairly long line of text, well over forty characters in all\n"
    result = run("ngrams", "-n", "32", "--format", "tsv", input=text)
    assert result.exit_code == 0 and len(result.stdout.splitlines()) == 1 + len(text) - 32 + 1  # header + windows


def test_backwards_order_range_is_explained(run):
    result = run("ngrams", "--orders", "3-1", input="abc\n")
    assert result.exit_code == 2 and "low to high, e.g. 1-3" in result.stderr


@pytest.mark.parametrize("unit", ["char", "word"])
def test_reading_by_columns_equals_reading_by_rows(tmp_path, run, unit):
    """The fast reader gives the very table the row-by-row reader gives: tokens, ids, order, counts."""
    import numpy as np

    from textlab.ngrams import _read_columns, _read_rows, _read_word_bytes

    text = "the cat sat\ton the mat\nthe dog \\ sat\n" * 50 + "ñandú é ü\n"
    if unit == "word":  # a backslash is escaped in the table, which the byte reader leaves to the others
        text = text.replace("\\", "")
    source = tmp_path / "t.txt"
    source.write_text(text)
    table = tmp_path / "t.tsv"
    for orders, prob in (("1-3", []), ("2", []), ("1-3", ["--prob"]), ("2", ["--prob"])):
        r = run("ngrams", "--unit", unit, "--orders", orders, *prob, "--format", "tsv", str(source), "-o", str(table))
        assert r.exit_code == 0, r.stderr
        with_order = table.read_text().startswith("order\t")
        with_prob = bool(prob)  # a prob column last: not read, the counts say it
        rows = _read_rows(str(table), unit, "t")
        readers = [_read_columns(str(table), unit, "t", with_order, with_prob)]
        if unit == "word":
            readers.append(_read_word_bytes(str(table), with_order, with_prob))
        for columns in readers:
            assert columns is not None
            assert columns.tokens == rows.tokens
            for field in ("order", "rows", "counts"):
                assert np.array_equal(getattr(columns, field), getattr(rows, field)), field
    table.write_text("ngram\tcount\nab\t3\ncd\t4")  # no newline at the end: the row reader takes it
    assert _read_columns(str(table), "char", "t", False) is None


def test_word_bytes_reader_counts_and_odd_tables(tmp_path):
    import numpy as np

    from textlab.ngrams import _read_word_bytes

    table = tmp_path / "w.tsv"
    table.write_text("ngram\tcount\nthe cat\t123456789012345678\na\t0\nñu é\t7\n")
    t = _read_word_bytes(str(table))
    assert t is not None and t.counts.tolist() == [123456789012345678, 0, 7]
    assert t.tokens == ["the", "cat", "a", "ñu", "é"] and t.order.tolist() == [2, 1, 2]
    assert np.array_equal(t.rows, [[0, 1], [2, -1], [3, 4]])
    odd_rows = ("x\t1\t2\n", "x\t-1\n", "x\t1234567890123456789\n", "a\\tb\t1\n", "x\t\n")
    # cells the row reader splits otherwise: an empty word, another control byte
    odd_rows += ("a  b\t1\n", " a\t1\n", "a \t1\n", "a\x0bb\t1\n", "a\rb\t1\n", "a b\t1\nc\t2\r\n")
    for odd in odd_rows:
        table.write_text("ngram\tcount\n" + odd, newline="")
        assert _read_word_bytes(str(table)) is None, odd  # the row reader takes it, and names what is wrong
    for odd in ("3\ta b\t1\n", "1\ta b\t1\n", "2\ta  b\t1\n", "x\ta\t1\n", "1\ta\t1\t\n"):
        table.write_text("order\tngram\tcount\n" + odd, newline="")
        assert _read_word_bytes(str(table), with_order=True) is None, odd
    for odd in ("1\ta\t1\n", "1\ta\t1\t0.5\t\n", "1\ta\t1\t\n", "1\ta\tx\t0.5\n", "1\ta\t1\t0 5\n"):
        table.write_text("order\tngram\tcount\tprob\n" + odd, newline="")
        assert _read_word_bytes(str(table), with_order=True, with_prob=True) is None, odd
    table.write_text("order\tngram\tcount\tprob\n1\ta\t5\t0.625\n2\ta b\t3\t1e-05\n1\tb\t3\t0.375\n")
    t = _read_word_bytes(str(table), with_order=True, with_prob=True)
    assert t is not None and t.counts.tolist() == [5, 3, 3] and np.array_equal(t.rows, [[0, -1], [0, 1], [1, -1]])
    table.write_text("order\tngram\tcount\n1\ta\t5\n2\ta b\t3\n1\tb\t2\n")
    t = _read_word_bytes(str(table), with_order=True)
    assert t is not None and t.order.tolist() == [1, 2, 1] and np.array_equal(t.rows, [[0, -1], [0, 1], [1, -1]])


def test_vocabulary_keys_long_words_by_every_byte():
    # words of 1 to 40 bytes sharing their first bytes, at every offset from an 8-byte boundary
    words = [("abcdefghij" * 4)[:n] for n in range(1, 41)] + ["x" * 16 + "y", "x" * 17, "x" * 16, "y" + "x" * 16]
    v = Vocabulary()
    for shift in range(9):
        text = (" " * shift + " ".join(words) + "\n").encode()
        assert v.encode(text).tolist() == list(range(len(words)))
    assert v.words == words


def test_table_numbers():
    """The table reader's numbers equal Python's int() for 1 to 18 digits, and any byte
    that is not a digit, at any place, is refused (for the row reader to name)."""
    import numpy as np

    from textlab.ngrams import _numbers

    rng = np.random.default_rng(3)
    values = [0, 7, 10**18 - 1, *(10**w for w in range(18)), *rng.integers(0, 10**18, 500).tolist()]
    texts = [str(v) for v in values] + ["007", "0" * 18]
    blob = "\t".join(texts).encode() + b"\n"
    ends = np.cumsum([len(t) + 1 for t in texts]) - 1
    padded = np.frombuffer(blob + bytes(8), np.uint8)
    assert _numbers(padded, ends - [len(t) for t in texts], ends).tolist() == [int(t) for t in texts]
    for byte in set(range(256)) - set(b"0123456789"):
        for width in (1, 2, 8, 9, 16, 18):
            for at in {0, width // 2, width - 1}:
                digits = bytearray(b"9" * width)
                digits[at] = byte
                padded = np.frombuffer(bytes(digits) + b"\n" + bytes(8), np.uint8)
                assert _numbers(padded, np.array([0]), np.array([width])) is None, (byte, width, at)
