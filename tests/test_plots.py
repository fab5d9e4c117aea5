"""Heatmap and Zipf: the numbers behind the pictures, and the image files."""

from __future__ import annotations

import io
import re
import sys
import xml.etree.ElementTree as ET
from collections import Counter

import numpy as np
import pytest

from textlab.alphabets import ALPHABETS
from textlab.cli.parsing import parse_alphabet
from textlab.errors import DataError
from textlab.heatmap import bigram_matrix
from textlab.ngrams import count_ngrams
from textlab.zipf import fit_zipf

from .conftest import corpus_bytes, corpus_head, corpus_path, corpus_text, run_pipeline


def test_q_is_followed_by_u_on_the_english_articles():
    table = count_ngrams([corpus_bytes("en")], n=2, letters_only=True, ignore_case=True)
    m = bigram_matrix(table, list(ALPHABETS["a-z"]))
    q, u = m.labels.index("q"), m.labels.index("u")
    row = m.normalized("row")[q]
    # the same share by Counter: pairs of a-z letters (after folding) that start with q
    text = "".join(c.lower() if len(c.lower()) == 1 else c for c in corpus_text("en"))
    after_q = Counter(pair[1] for pair in re.findall(r"(?=(q[a-z]))", text))
    assert np.isclose(row[u], after_q["u"] / after_q.total())
    assert row[u] > 0.9
    assert np.isclose(row.sum(), 1.0)


def test_spanish_alphabet_keeps_enye():
    assert parse_alphabet("es")[14] == "ñ" and len(parse_alphabet("es")) == 33
    t = count_ngrams(["año señor niño".encode()], n=2, letters_only=True)
    m = bigram_matrix(t, list(ALPHABETS["es"]))
    assert m.counts[m.labels.index("ñ"), m.labels.index("o")] == 3


def test_heatmap_images_are_valid(run, tmp_path):
    text = tmp_path / "en.txt"
    text.write_bytes(corpus_head("en", 500_000))
    png, svg = tmp_path / "h.png", tmp_path / "h.svg"
    assert run("heatmap", str(text), "--alphabet", "a-z", "-o", str(png)).exit_code == 0
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert run("heatmap", str(text), "-o", str(svg)).exit_code == 0
    assert ET.parse(svg).getroot().tag.endswith("svg")


def test_heatmap_tsv_and_terminal(run):
    r = run("heatmap", "--alphabet", "a-c", "--normalize", "none", input="abcab cab")
    assert r.stdout.splitlines() == ["first\ta\tb\tc", "a\t0\t3\t0", "b\t0\t0\t1", "c\t2\t0\t0"]
    r = run("heatmap", "-f", "table", input="abcab cab")
    assert "Letter pairs" in r.stdout


def test_heatmap_reads_a_bigram_table(run, tmp_path):
    table = tmp_path / "pairs.tsv"
    run("ngrams", "-n", "2", "-l", "-i", "-o", str(table), input="Quick queen quota")
    r = run("heatmap", str(table), "--alphabet", "q-u", "--normalize", "row")
    assert r.stdout.splitlines()[1].split("\t") == ["q", "0", "0", "0", "0", "1"]


def test_bad_image_name(run):
    r = run("heatmap", "-o", "picture.jpg", input="abc")
    assert r.exit_code == 2 and "use .png, .svg or .pdf" in r.stderr


@pytest.mark.parametrize("s", [0.8, 1.0, 1.3])
def test_zipf_fit_recovers_the_exponent(s):
    counts = np.round(1e6 / np.arange(1, 5001) ** s)
    fit = fit_zipf(counts[counts >= 1], ranks=(1, 1000))
    assert abs(fit.exponent - s) < 0.01 and fit.r2 > 0.999


def test_zipf_command(run, tmp_path):
    words = run("words", str(corpus_path("en"))).stdout
    png = tmp_path / "z.png"
    r = run("zipf", "-o", str(png), "-f", "tsv", input=words)
    assert "Zipf exponent s = " in r.stderr
    lines = r.stdout.splitlines()
    # ranks and counts as Counter has them (ties in any order)
    counts = Counter(words.split())
    assert lines[0] == "rank\tword\tcount\tfitted"
    rows = [line.split("\t") for line in lines[1:]]
    assert rows[0][:2] == ["1", counts.most_common(1)[0][0]] == ["1", "the"]
    assert [int(r[2]) for r in rows] == sorted(counts.values(), reverse=True)[: len(rows)]
    assert all(counts[r[1]] == int(r[2]) for r in rows)
    assert png.read_bytes()[:4] == b"\x89PNG"
    s = float(r.stderr.split("s = ")[1].split()[0])
    assert 0.8 < s < 1.4


def _prob_table(constant: float, s: float, n: int = 50) -> str:
    """A `textlab predict`-style table whose probabilities are exactly constant / rank**s."""
    probs = constant / np.arange(1, n + 1) ** s
    return "token\tprob\n" + "".join(f"w{r}\t{p!r}\n" for r, p in enumerate(probs.tolist(), start=1))


def _error_line(r) -> str:
    """The one line a failed command writes, checked to be one line with no traceback."""
    assert r.exit_code == 1 and r.stdout == ""
    assert "Traceback" not in r.stderr
    lines = r.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("textlab: error: "), r.stderr
    return lines[0]


def test_zipf_fit_on_probabilities_uses_every_rank():
    probs = 0.5 / np.arange(1, 51)
    fit = fit_zipf(probs, min_count=None)
    assert (fit.lo, fit.hi) == (1, 50)
    assert np.allclose([fit.exponent, fit.constant, fit.r2], [1.0, 0.5, 1.0])
    with pytest.raises(DataError):
        fit_zipf(probs[::-1], min_count=None)  # rank 1 must come first


@pytest.mark.parametrize(("constant", "s"), [(0.5, 1.0), (0.2, 1.3)])
def test_zipf_reads_a_prob_table(run, tmp_path, constant, s):
    png = tmp_path / "p.png"
    r = run("zipf", "-o", str(png), "-f", "tsv", input=_prob_table(constant, s))
    assert r.exit_code == 0, r.stderr
    assert (
        f"Zipf exponent s = {s:.3f} (prob ≈ {constant:.3g} / rank^s), fitted over ranks 1-50 of 50 tokens" in r.stderr
    )
    lines = r.stdout.splitlines()
    assert lines[0] == "rank\ttoken\tprob\tfitted" and len(lines) == 51
    ranks, fitted = np.array([[float(c) for c in (line.split("\t")[0], line.split("\t")[3])] for line in lines[1:]]).T
    assert np.allclose(fitted, constant / ranks**s, rtol=1e-5)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_zipf_ranks_an_unsorted_prob_table_and_drops_zeros(run):
    r = run("zipf", input=f"token\tprob\nb\t0.25\nz\t0\na\t0.5\nc\t{0.5 / 3!r}\n")
    assert r.exit_code == 0
    assert r.stderr.splitlines()[0] == "textlab: warning: left out 1 row with prob 0: a log axis cannot show 0"
    assert [line.split("\t")[1] for line in r.stdout.splitlines()[1:]] == ["a", "b", "c"]
    assert "Zipf exponent s = 1.000" in r.stderr


def test_zipf_ranks_a_letters_table(run):
    table = run("letters", input="aaaaaa bbb cc").stdout  # 6 / rank
    r = run("zipf", input=table)
    assert r.exit_code == 0
    assert r.stdout.splitlines() == ["rank\tletter\tcount\tfitted", "1\ta\t6\t6", "2\tb\t3\t3", "3\tc\t2\t2"]
    assert "of 3 letters" in r.stderr


def test_zipf_refuses_a_table_without_count_or_prob(run):
    line = _error_line(run("zipf", input="token\tscore\nthe\t0.5\nof\t0.25\n"))
    assert "zipf reads text, or a table with a count or prob column; standard input's header is token, score" in line


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ("the\t0.5\nof\tlots\n", "standard input:3: prob 'lots' is not a number"),
        ("the\t0.5\nof\t-0.1\n", "standard input:3: prob '-0.1' is negative"),
        ("the\t0.5\n", "zipf needs at least two rows with a prob above 0, found 1"),
    ],
)
def test_zipf_refuses_bad_prob_values(run, rows, message):
    assert message in _error_line(run("zipf", input="token\tprob\n" + rows))


def test_zipf_of_predict_end_to_end(run, tmp_path):
    # after "the first": cat 12 times, dog 6, day 4, time 3, so P = (12/25) / rank exactly
    text = tmp_path / "text.txt"
    text.write_text("".join(f"The first {w}.\n" * k for w, k in [("cat", 12), ("dog", 6), ("day", 4), ("time", 3)]))
    line = f"textlab words {text} | textlab predict --unit word -n 3 'the first' --top 50 | textlab zipf -f tsv"
    lines = run_pipeline(run, line).splitlines()
    assert lines[0] == "rank\ttoken\tprob\tfitted"
    rows = [row.split("\t") for row in lines[1:]]
    assert [row[1] for row in rows] == ["cat", "dog", "day", "time"]
    assert np.allclose([float(row[2]) for row in rows], 0.48 / np.arange(1, 5), rtol=1e-5)
    assert np.allclose([float(row[3]) for row in rows], 0.48 / np.arange(1, 5), rtol=1e-4)


def test_zipf_reads_a_header_that_arrives_in_pieces(monkeypatch):
    # a pipe may hand over a few bytes at a time: the header is still found, and nothing is lost
    from textlab.io import TextReader
    from textlab.io import table_headers as _headers  # the one way inputs are told apart (was in cli.plots)

    class Trickle(io.RawIOBase):
        def __init__(self, data: bytes) -> None:
            self.data = data

        def readable(self) -> bool:
            return True

        def readinto(self, buffer) -> int:
            n = min(3, len(buffer), len(self.data))
            buffer[:n], self.data = self.data[:n], self.data[n:]
            return n

    data = _prob_table(0.5, 1.0).encode()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BufferedReader(Trickle(data), buffer_size=4)))
    with _headers(["-"], None) as headers:
        assert headers == {"-": ["token", "prob"]}
        assert b"".join(TextReader(["-"]).chunks()) == data
