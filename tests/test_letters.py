"""Letter counts against an independent count (collections.Counter) on real text."""

from __future__ import annotations

import gzip
import subprocess
import sys
from collections import Counter

import numpy as np
import pytest

from textlab.io import TextReader
from textlab.letters import ENGLISH_FREQUENCIES, SPANISH_FREQUENCIES, compare, compare_counts, count_letters

from .conftest import ROOT, corpus_bytes, corpus_path, corpus_text

#: The one message of every command that counts or learns, for input with no text at all.
EMPTY = "the input is empty (no text to count or learn from; did an earlier step of the pipe fail?)"


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
    c = count_letters([b"Hello, hello!"])
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


@pytest.mark.parametrize("name", ["en", "es"])
@pytest.mark.parametrize("n,fold", [(1, False), (1, True), (2, False), (3, True), (5, False)])
def test_counts_equal_counter_on_the_bundled_corpora(name, n, fold):
    # textlab reads the .xz file itself; Counter gets the text unpacked by Python's lzma
    got = textlab_counts([corpus_path(name)], n=n, ignore_case=fold)
    assert got == dict(counter_letters(corpus_text(name), n, fold))


def test_counts_equal_counter_on_webster_with_invalid_bytes(webster_text):
    text = webster_text.read_bytes().decode("utf-8", errors="replace")
    assert textlab_counts([webster_text]) == dict(counter_letters(text))


def test_several_files_equal_their_concatenation(tmp_path):
    data = corpus_bytes("en")
    cut = data.index(b" ", 500_000) + 3  # inside a word, and on a character boundary
    while data[cut] & 0xC0 == 0x80:
        cut += 1
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_bytes(data[:cut])
    b.write_bytes(data[cut:])
    for n in (1, 3):
        assert textlab_counts([a, b], n=n) == textlab_counts([corpus_path("en")], n=n)


def test_compare_with_english():
    text = corpus_text("en")
    cmp = compare(count_letters([text.encode()], ignore_case=True))
    assert sorted(cmp.letters) == sorted(ENGLISH_FREQUENCIES)
    assert np.isclose(cmp.percent.sum(), 100.0)
    assert abs(sum(ENGLISH_FREQUENCIES.values()) - 100.0) < 0.01
    # the shares are of a-z only, after folding: the same by Counter
    az = Counter({c: k for c, k in counter_letters(text, fold=True).items() if "a" <= c <= "z"})
    total = sum(az.values())
    assert cmp.letters[0] == az.most_common(1)[0][0] == "e"
    assert np.allclose(cmp.percent, [100 * az[c] / total for c in cmp.letters])
    assert np.allclose(cmp.difference, cmp.percent - [ENGLISH_FREQUENCIES[c] for c in cmp.letters])
    assert abs(cmp.difference[0]) < 2.0  # Wikipedia's e is close to the table's


def test_empty_input():
    c = count_letters([])
    assert len(c) == 0 and c.total == 0


# -- comparing two distributions ----------------------------------------------


def rows(stdout: str) -> list[list[str]]:
    return [line.split("\t") for line in stdout.splitlines()]


def test_compare_counts_of_two_texts():
    a = count_letters([b"Aab"], ignore_case=True)  # a 2, b 1
    b = count_letters(["bbc ñ".encode()], ignore_case=True)  # b 2, c 1, ñ 1
    cmp = compare_counts(a, b)
    # A's order first (a, b), then B's (c and ñ tie at 1: code point order)
    assert cmp.letters == ["a", "b", "c", "ñ"]
    assert cmp.counts.tolist() == [2, 1, 0, 0] and cmp.reference_counts.tolist() == [0, 2, 1, 1]
    assert np.allclose(cmp.percent, [200 / 3, 100 / 3, 0, 0])
    assert np.allclose(cmp.reference, [0, 50, 25, 25])
    assert np.allclose(cmp.difference, [200 / 3, 100 / 3 - 50, -25, -25])


def test_compare_with_a_file(run, tmp_path):
    a = tmp_path / "a.txt"
    a.write_text("Aab\n")
    b = tmp_path / "b.txt.gz"  # any input textlab reads: compressed too
    b.write_bytes(gzip.compress("bbc Ñ\n".encode()))
    r = run("letters", str(a), "--compare", str(b))
    assert r.exit_code == 0 and r.stderr == ""
    assert rows(r.stdout) == [
        ["letter", "count_a", "percent_a", "count_b", "percent_b", "difference"],
        ["a", "2", "66.6667", "0", "0", "66.6667"],
        ["b", "1", "33.3333", "2", "50", "-16.6667"],
        ["c", "0", "0", "1", "25", "-25"],
        ["ñ", "0", "0", "1", "25", "-25"],
    ]
    # the other way round, the difference changes sign
    back = rows(run("letters", str(b), "--compare", str(a)).stdout)
    assert back[1] == ["b", "2", "50", "1", "33.3333", "16.6667"]
    # the terminal table says which text is a and which is b
    table = run("letters", str(a), "--compare", str(b), "-f", "table").stdout
    assert "a = a.txt, b = b.txt.gz" in table


def test_compare_with_a_file_reads_it_from_standard_input_too(run, tmp_path):
    a = tmp_path / "a.txt"
    a.write_text("ab")
    r = run("letters", str(a), "--compare", "-", "--top", "1", input="bb")
    assert rows(r.stdout)[1] == ["b", "1", "50", "2", "100", "-50"]
    r = run("letters", "--compare", "-", input="ab")
    assert r.exit_code == 2 and r.stderr.startswith("textlab: error: --compare -: standard input")


def test_compare_spanish_over_the_spanish_alphabet(run):
    # folded letters: a 3, m 2, then ñ n d ú á 1 each; ç is not in the Spanish alphabet
    r = run("letters", "--compare", "spanish", input="Ñandú, mamá, ça")
    table = rows(r.stdout)
    assert table[0] == ["letter", "count", "percent", "spanish", "difference"]
    assert len(table) == 1 + 33 and not any(row[0] == "ç" for row in table)
    # percent of the 10 Spanish letters, not of all 11; ties ordered by the reference's share
    assert table[1:8] == [
        ["a", "3", "30", "11.525", "18.475"],
        ["m", "2", "20", "3.157", "16.843"],
        ["n", "1", "10", "6.712", "3.288"],
        ["d", "1", "10", "5.01", "4.99"],
        ["á", "1", "10", "0.502", "9.498"],
        ["ñ", "1", "10", "0.311", "9.689"],
        ["ú", "1", "10", "0.168", "9.832"],
    ]
    assert table[8][:3] == ["e", "0", "0"]  # unseen letters follow, most frequent in Spanish first


def test_compare_spanish_library():
    cmp = compare(count_letters(["¡Añádeme ÜÑ, Ça!".encode()]), "spanish")
    assert sorted(cmp.letters) == sorted(SPANISH_FREQUENCIES)
    assert abs(sum(SPANISH_FREQUENCIES.values()) - 100.0) < 1e-9
    assert np.isclose(cmp.percent.sum(), 100.0)
    got = dict(zip(cmp.letters, cmp.counts.tolist()))
    assert got["ñ"] == 2 and got["á"] == 1 and got["ü"] == 1 and got["a"] == 2  # Ç is left out


def test_compare_english_leaves_out_accented_letters():
    cmp = compare(count_letters(["año".encode()]), "english")
    assert dict(zip(cmp.letters, cmp.percent.tolist()))["a"] == 50.0  # a and o; ñ is not English


@pytest.mark.parametrize("value", ["klingon", "no-such-file.txt"])
def test_unknown_compare_value_is_one_line_and_exit_2(run, value):
    r = run("letters", "--compare", value, input="abc")
    assert r.exit_code == 2 and r.stdout == ""
    assert r.stderr.splitlines() == [
        f"textlab: error: --compare {value}: not a reference (english, spanish) nor an existing file"
    ]


def test_compare_with_n_is_one_line_and_exit_2(run):
    r = run("letters", "-n", "2", "--compare", "english", input="abc")
    assert r.exit_code == 2 and r.stderr.splitlines() == ["textlab: error: --compare works on single letters: drop -n"]


def test_help_mentions_the_compare_options(run):
    text = " ".join(run("letters", "--help").stdout.split())
    assert "--compare" in text and "english|spanish|FILE" in text
    assert "count_a, percent_a" in text and ".png, .svg or .pdf" in text


# -- bar charts ---------------------------------------------------------------

PNG = b"\x89PNG\r\n\x1a\n"


def test_bar_chart_png(run, tmp_path):
    png = tmp_path / "letters.png"
    r = run("letters", "-o", str(png), input="the quick brown fox")
    assert r.exit_code == 0 and r.stdout == ""
    assert png.read_bytes()[:8] == PNG
    assert [p.name for p in tmp_path.iterdir()] == ["letters.png"]  # no temporary file left


def test_bar_chart_png_compared_with_english(run, tmp_path):
    png = tmp_path / "letters.png"
    assert run("letters", "--compare", "english", "-o", str(png), input="the quick brown fox").exit_code == 0
    assert png.read_bytes()[:8] == PNG


def test_bar_chart_svg_has_both_names_in_the_legend(run, tmp_path):
    a, b = tmp_path / "quijote.txt", tmp_path / "hamlet.txt"
    a.write_text("En un lugar de la Mancha")
    b.write_text("To be, or not to be")
    svg = tmp_path / "both.svg"
    assert run("letters", str(a), "--compare", str(b), "-o", str(svg)).exit_code == 0
    text = svg.read_text()
    assert text.lstrip().startswith("<?xml") and "<svg" in text
    # matplotlib draws text as paths and keeps each string beside its glyphs as a comment
    assert "quijote.txt" in text and "hamlet.txt" in text


def test_table_output_names_and_charts_with_format(run, tmp_path):
    tsv = tmp_path / "letters.tsv"
    assert run("letters", "-o", str(tsv), input="aab").exit_code == 0
    assert tsv.read_text() == "letter\tcount\na\t2\nb\t1\n"  # any other suffix: the table, as before
    png = tmp_path / "letters.png"
    r = run("letters", "-o", str(png), "-f", "tsv", input="aab")  # the chart, and the table on stdout
    assert png.read_bytes()[:8] == PNG and r.stdout == "letter\tcount\na\t2\nb\t1\n"


def test_matplotlib_is_imported_only_for_a_picture(tmp_path):
    src = tmp_path / "a.txt"
    src.write_text("hello")
    code = (
        "import sys\n"
        "from textlab.cli import main\n"
        "try:\n"
        "    main(sys.argv[1:])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print('matplotlib' in sys.modules, file=sys.stderr)\n"
    )

    def imports_matplotlib(*args: str) -> bool:
        proc = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=ROOT, check=True)
        return proc.stderr.strip().splitlines()[-1] == "True"

    assert not imports_matplotlib("letters", str(src), "--compare", "english", "-o", str(tmp_path / "t.tsv"))
    assert imports_matplotlib("letters", str(src), "-o", str(tmp_path / "t.png"))


# -- nothing to count -----------------------------------------------------------


@pytest.mark.parametrize(
    "data,message",
    [
        (b"", EMPTY),
        (gzip.compress(b""), EMPTY),
        (b"123 !? \n", "the input has no letters: nothing to count (--all-chars counts every character)"),
    ],
)
def test_nothing_to_count_is_one_line_and_exit_1(run, tmp_path, data, message):
    path = tmp_path / "in.dat"  # compression is recognised by its first bytes, not the name
    path.write_bytes(data)
    r = run("letters", str(path))
    assert r.exit_code == 1 and r.stdout == ""
    assert r.stderr.splitlines() == [f"textlab: error: {message}"]


def test_empty_standard_input_and_empty_compared_file(run, tmp_path):
    r = run("letters", input="")
    assert r.exit_code == 1 and r.stderr.splitlines() == [f"textlab: error: {EMPTY}"]
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    r = run("letters", "--compare", str(empty), input="abc")
    assert r.exit_code == 1
    assert r.stderr.splitlines() == [f"textlab: error: --compare {empty}: {EMPTY}"]
    r = run("letters", "-n", "3", input="ab cd")
    assert r.exit_code == 1 and "every run of letters is shorter than 3" in r.stderr
