"""``textlab word2vec``: file formats, planted structure, repeatability, bad input."""

from __future__ import annotations

import numpy as np
import pytest

from textlab.vectors import Vectors, formats
from textlab.word2vec import Settings, fit, read_corpus
from textlab.word2vec.train import keep_probability, summed_rows, window_pairs


def planted_corpus(lines: int = 400, seed: int = 0) -> str:
    """Two groups of words that only ever co-occur within their group."""
    rng = np.random.default_rng(seed)
    animals = ["cat", "dog", "horse", "cow", "sheep", "goat"]
    tools = ["hammer", "saw", "drill", "wrench", "chisel", "pliers"]
    out = []
    for i in range(lines):
        group = animals if i % 2 else tools
        out.append(" ".join(rng.choice(group, 12)))
    return "\n".join(out) + "\n"


@pytest.fixture(scope="module")
def corpus_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("w2v") / "planted.words"
    path.write_text(planted_corpus())
    return path


def test_window_pairs_stay_inside_lines_and_the_shrunk_window():
    ids = np.array([0, 1, 2, 3, 4])
    lines = np.array([0, 0, 0, 1, 1])
    centres, contexts = window_pairs(ids, lines, np.array([1, 1, 2, 1, 1]), window=2)
    pairs = sorted(zip(centres.tolist(), contexts.tolist()))
    assert pairs == [(0, 1), (1, 0), (1, 2), (2, 0), (2, 1), (3, 4), (4, 3)]


def test_summed_rows_adds_duplicates():
    rows, sums = summed_rows(np.array([2, 0, 2, 2]), np.ones((4, 3), np.float32))
    assert rows.tolist() == [0, 2] and sums[:, 0].tolist() == [1, 3]


def test_subsampling_keeps_rare_words():
    p = keep_probability(np.array([1_000_000, 10, 1]), 1e-3)
    assert p[0] < 0.1 and p[1] == p[2] == 1.0


@pytest.mark.parametrize("cbow", [False, True])
def test_planted_groups_are_neighbours(corpus_file, cbow):
    corpus = read_corpus([corpus_file.read_bytes()], min_count=1)
    vectors = Vectors(corpus.words, fit(corpus, Settings(dim=16, epochs=10, sample=0, seed=3, cbow=cbow)))
    for word, group in (("cat", {"dog", "horse", "cow", "sheep", "goat"}), ("saw", {"hammer", "drill", "wrench", "chisel", "pliers"})):
        nearest = {w for w, _ in vectors.most_similar([word], topn=5)}
        assert nearest == group, (word, nearest)


def test_command_writes_both_formats_and_the_vocabulary(run, corpus_file, tmp_path):
    text, binary, vocab = tmp_path / "v.txt", tmp_path / "v.bin", tmp_path / "vocab.txt"
    args = ["word2vec", str(corpus_file), "--dim", "8", "--epochs", "1", "--min-count", "1", "--quiet"]
    assert run(*args, "-o", str(text), "--save-vocab", str(vocab)).exit_code == 0
    assert run(*args, "-o", str(binary), "--binary").exit_code == 0
    assert text.read_text().splitlines()[0] == "12 8"
    assert binary.read_bytes().startswith(b"12 8\n")
    words_t, m_t = formats.load(str(text))
    words_b, m_b = formats.load(str(binary))
    assert words_t == words_b and len(words_t) == 12
    assert np.allclose(m_t, m_b, atol=1e-5)  # the same seed: the same vectors
    lines = vocab.read_text().splitlines()
    assert len(lines) == 12 and all(len(line.split(" ")) == 2 for line in lines)
    counts = [int(line.split(" ")[1]) for line in lines]
    assert counts == sorted(counts, reverse=True) and sum(counts) == 400 * 12


def test_same_seed_same_vectors(corpus_file):
    corpus = read_corpus([corpus_file.read_bytes()], min_count=1)
    a = fit(corpus, Settings(dim=8, epochs=2, seed=7))
    b = fit(corpus, Settings(dim=8, epochs=2, seed=7))
    c = fit(corpus, Settings(dim=8, epochs=2, seed=8))
    assert np.array_equal(a, b) and not np.array_equal(a, c)


def test_one_huge_line_works():
    corpus = read_corpus([planted_corpus(50).replace("\n", " ").encode()], min_count=1)
    assert len(corpus.line_starts) == 1 and corpus.total_words == 600
    assert fit(corpus, Settings(dim=4, epochs=1)).shape == (12, 4)


@pytest.mark.parametrize(
    "args, stdin, message, code",
    [
        ([], "", "the corpus is empty", 1),
        ([], "a b c a b c\n", "no word occurs 5 times or more", 1),
        (["--min-count", "1"], "same same same\n", "only one word ('same')", 1),
        (["--dim", "0"], "a b\n", "--dim must be at least 1", 2),
    ],
)
def test_bad_input_gets_one_clear_line(run, tmp_path, args, stdin, message, code):
    out = tmp_path / "v.txt"
    result = run("word2vec", "-", "-o", str(out), "--quiet", *args, input=stdin)
    assert result.exit_code == code and message in result.stderr, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and not out.exists()
