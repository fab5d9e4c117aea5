"""Word vectors: the three file formats, queries with planted answers, the benchmarks' counting, errors."""

from __future__ import annotations

import io

import numpy as np
import pytest

from textlab.vectors import Vectors, evaluate_analogies, evaluate_similarity, formats
from textlab.vectors.evaluate import rankdata

from .conftest import corpus_path, corpus_text

# A tiny world with planted structure. Axis 0: royalty, axis 1: gender (+ female),
# axis 2: fruit, axis 3: city/country, axis 4: France/Italy. Small noise keeps ties away.
PLANTED = {
    "king": [1, -1, 0, 0, 0],
    "queen": [1, 1, 0, 0, 0],
    "man": [0, -1, 0, 0, 0],
    "woman": [0, 1, 0, 0, 0],
    "prince": [0.9, -1, 0, 0, 0.6],
    "princess": [0.9, 1, 0, 0, 0.6],
    "apple": [0, 0, 1, 0, 0],
    "pear": [0, 0, 1, 0, 0.2],
    "banana": [0, 0, 1, 0.1, -0.2],
    "paris": [0, 0, 0, 1, 1],
    "france": [0, 0, 0, -1, 1],
    "rome": [0, 0, 0, 1, -1],
    "italy": [0, 0, 0, -1, -1],
    "Paris": [0, 0, 0.6, 0.3, 0],  # a less frequent capitalised duplicate (comes later)
}


def planted() -> Vectors:
    rng = np.random.default_rng(0)
    words = list(PLANTED)
    matrix = np.array([PLANTED[w] for w in words], np.float32) + rng.normal(0, 0.01, (len(words), 5)).astype(np.float32)
    return Vectors(words, matrix)


@pytest.fixture(params=["text", "binary", "glove"])
def vectors_file(request, tmp_path):
    v = planted()
    path = tmp_path / f"vectors.{request.param}"
    buffer = io.BytesIO()
    formats.save(v.words, v.matrix, buffer, binary=request.param == "binary")
    data = buffer.getvalue()
    if request.param == "glove":
        data = data.split(b"\n", 1)[1]  # GloVe: no header line
    path.write_bytes(data)
    return path


def test_all_three_formats_load_the_same_vectors(vectors_file):
    words, matrix = formats.load(str(vectors_file))
    v = planted()
    assert words == v.words
    assert np.allclose(matrix, v.matrix, atol=1e-5)


def test_text_format_has_the_right_header(tmp_path):
    v = planted()
    buffer = io.BytesIO()
    formats.save(v.words, v.matrix, buffer)
    lines = buffer.getvalue().decode().splitlines()
    assert lines[0] == f"{len(v.words)} 5"
    assert lines[1].split()[0] == "king" and len(lines[1].split()) == 6


def test_limit_keeps_the_first_rows(vectors_file):
    words, matrix = formats.load(str(vectors_file), limit=4)
    assert words == ["king", "queen", "man", "woman"] and matrix.shape == (4, 5)


def test_planted_queries(run, vectors_file):
    v = planted()
    assert v.analogy("man", "woman", "king")[0][0] == "queen"
    assert v.analogy("man", "woman", "king", method="mul")[0][0] == "queen"
    assert v.analogy("france", "paris", "italy")[0][0] == "rome"
    assert {w for w, _ in v.most_similar(["apple"], topn=2)} == {"pear", "banana"}
    assert v.odd_one_out(["apple", "pear", "banana", "king"])[0][0] == "king"
    result = run("analogy", "-v", str(vectors_file), "man", "woman", "king", "--top", "1", "-f", "tsv")
    assert result.stdout.splitlines()[1].split("\t")[0] == "queen"
    result = run("similar", "-v", str(vectors_file), "paris", "--not", "france", "--top", "1", "-f", "tsv")
    assert result.stdout.splitlines()[1].split("\t")[0] == "rome"
    result = run("between", "-v", str(vectors_file), "man", "king", "--top", "1", "-f", "tsv")
    assert result.stdout.splitlines()[1].split("\t")[0] == "prince"
    result = run("odd-one-out", "-v", str(vectors_file), "apple", "pear", "banana", "rome", "-f", "tsv")
    assert result.stdout.splitlines()[1].split("\t")[0] == "rome"


def test_batch_analogies_from_stdin(run, vectors_file):
    result = run(
        "analogy",
        "-v",
        str(vectors_file),
        "--top",
        "1",
        "-f",
        "tsv",
        input="man woman king\nfrance paris italy\nman woman prince\n",
    )
    answers = [line.split("\t")[4] for line in result.stdout.splitlines()[1:]]
    assert answers == ["queen", "rome", "princess"]
    batch_ids, _ = planted().analogies(np.array([[2, 3, 0]]), topn=3)
    single = [w for w, _ in planted().analogy("man", "woman", "king", topn=3)]
    assert [planted().words[i] for i in batch_ids[0]] == single


def test_case_folding_for_lowercase_vectors():
    v = Vectors(["king", "queen"], np.eye(2, dtype=np.float32))
    assert v.id("King") == 0
    mixed = Vectors(["King", "queen"], np.eye(2, dtype=np.float32))
    with pytest.raises(Exception, match="'king' is not among"):
        mixed.id("king")


def test_unknown_word_names_it_and_suggests(run, vectors_file):
    result = run("similar", "-v", str(vectors_file), "quen")
    assert result.exit_code == 1
    assert (
        result.stderr.strip() == "textlab: error: 'quen' is not among the 14 words of the vectors (did you mean queen?)"
    )


@pytest.mark.parametrize(
    "content, message",
    [
        ("3 2\na 1 2\nb 1 2\n", "the header says 3 vectors, the file has 2"),
        ("2 2\na 1 2\nb 1 2 3\n", ":3: 3 numbers, but the vectors have 2"),
        ("2 2\na 1 2\nb 1 x\n", ":3: 'x' is not a number"),
        ("a 1 2\nb 1\n", ":2: 1 numbers, but the vectors have 2"),
        ("", "empty vectors file"),
        ("2 0\na\nb\n", "dimension 0"),
    ],
)
def test_bad_vector_files(run, tmp_path, content, message):
    path = tmp_path / "bad.txt"
    path.write_text(content)
    result = run("similar", "-v", str(path), "a")
    assert result.exit_code == 1 and message in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


def test_truncated_binary_file(run, tmp_path):
    v = planted()
    buffer = io.BytesIO()
    formats.save(v.words, v.matrix, buffer, binary=True)
    path = tmp_path / "cut.bin"
    path.write_bytes(buffer.getvalue()[:-30])
    result = run("similar", "-v", str(path), "king")
    assert result.exit_code == 1 and "the header says 14 vectors, the file ends after" in result.stderr


QUESTIONS = """: capital-world
france paris italy rome
italy rome france paris
france paris spain madrid
: gram-gender
man woman king queen
man woman prince princess
king queen man woman
bad line
"""


def test_evaluate_analogies_counts_like_gensim(run, tmp_path):
    questions = tmp_path / "q.txt"
    questions.write_text(QUESTIONS)
    result = evaluate_analogies(planted(), str(questions), restrict_vocab=30_000)
    assert result.questions == 6 and result.skipped == 1  # "spain madrid" are unknown; "bad line" is not a question
    assert [(s.name, s.correct, s.total) for s in result.sections] == [("capital-world", 2, 2), ("gram-gender", 3, 3)]
    assert result.total(True).total == 2 and result.total(False).total == 3
    # restrict to the first 4 words: every question with another word is skipped
    small = evaluate_analogies(planted(), str(questions), restrict_vocab=4)
    assert small.skipped == 4 and small.total().total == 2
    table = run("evaluate", "analogies", "-v", _saved(tmp_path), str(questions), "-f", "tsv").stdout.splitlines()
    assert table[0] == "section\tcorrect\tquestions\taccuracy"
    assert table[-1] == "total\t5\t5\t1"


def _saved(tmp_path) -> str:
    v = planted()
    path = tmp_path / "v.txt"
    with open(path, "wb") as f:
        formats.save(v.words, v.matrix, f)
    return str(path)


def test_evaluate_similarity(run, tmp_path):
    pairs = tmp_path / "pairs.tsv"
    pairs.write_text("# word1\tword2\tscore\nking\tprince\t8\napple\tpear\t9\nking\tapple\t1\nparis\tunknownword\t5\n")
    result = evaluate_similarity(planted(), str(pairs))
    assert result.pairs == 3 and result.oov == 1
    assert result.spearman == pytest.approx(1.0)
    out = run("evaluate", "similarity", "-v", _saved(tmp_path), str(pairs), "-f", "tsv").stdout.splitlines()
    assert out[0] == "pairs\toov\tspearman\tpearson" and out[1].startswith("3\t1\t1\t")


def test_rankdata_averages_ties():
    assert rankdata(np.array([3.0, 1.0, 3.0, 2.0])).tolist() == [3.5, 1.0, 3.5, 2.0]


def test_map_in_text_and_as_an_image(run, tmp_path):
    path = _saved(tmp_path)
    text = run("map", "-v", path, "king", "queen", "apple", "pear", "paris", "rome").stdout
    for word in ("king", "queen", "apple", "pear", "paris", "rome"):
        assert word in text
    image = tmp_path / "map.png"
    assert run("map", "-v", path, "--top", "8", "-o", str(image)).exit_code == 0
    assert image.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert run("map", "-v", path).exit_code == 2  # neither words nor --top


# -- the bundled analogy questions, and a WordSim-353-like file ---------------------


def average_ranks(values: list[float]) -> list[float]:
    """Ranks from 1, ties sharing the mean of their places: [10, 20, 10] -> [1.5, 3.0, 1.5]."""
    places: dict[float, list[int]] = {}
    for place, value in enumerate(sorted(values), start=1):
        places.setdefault(value, []).append(place)
    return [sum(places[v]) / len(places[v]) for v in values]


def test_bundled_analogy_questions_with_planted_capitals(run, tmp_path):
    """The bundled questions-words, against vectors where country = capital + one shared offset:
    every capital-common-countries question is then right, by construction."""
    questions = corpus_path("analogies")
    lines = corpus_text("analogies").splitlines()
    sections: dict[str, list[list[str]]] = {}
    for line in lines:
        if line.startswith(": "):
            sections[line[2:]] = []
        else:
            sections[list(sections)[-1]].append(line.split())
    rng = np.random.default_rng(0)
    offset = rng.normal(size=100)
    vecs: dict[str, np.ndarray] = {}
    for a, b, c, d in sections["capital-common-countries"]:
        for capital, country in ((a, b), (c, d)):
            vecs.setdefault(capital, rng.normal(size=100))
            vecs.setdefault(country, vecs[capital] + offset)
    for question in (q for qs in sections.values() for q in qs):
        for w in question:
            vecs.setdefault(w, rng.normal(size=100))
    words = list(vecs)
    v = Vectors(words, np.array([vecs[w] for w in words], np.float32))
    result = evaluate_analogies(v, str(questions), restrict_vocab=len(words))
    assert [s.name for s in result.sections] == list(sections)
    assert result.questions == sum(len(qs) for qs in sections.values()) == len(lines) - len(sections)
    assert result.skipped == 0  # every word has a vector
    assert [s.total for s in result.sections] == [len(qs) for qs in sections.values()]
    capitals = result.sections[0]
    assert capitals.correct == capitals.total == len(sections["capital-common-countries"])
    assert result.total().correct < result.total().total / 2  # the rest is random
    # the command reads the same .xz file; its total row adds the sections up
    path = tmp_path / "v.txt"
    with open(path, "wb") as f:
        formats.save(v.words, v.matrix, f)
    table = run(
        "evaluate", "analogies", "-v", str(path), "--restrict-vocab", str(len(words)), str(questions), "-f", "tsv"
    )
    assert table.exit_code == 0, table.stderr
    rows = {r.split("\t")[0]: r.split("\t") for r in table.stdout.splitlines()[1:]}
    assert rows["capital-common-countries"][1:3] == [str(capitals.total)] * 2
    assert rows["total"][1:3] == [str(result.total().correct), str(result.total().total)]


WORDSIM = """# The WordSimilarity-353 layout: comments, a header, word pairs with a mean human score
Word 1\tWord 2\tHuman (mean)
King\tQueen\t8.58
king\tprince\t8.58
apple\tpear\t7.50
apple\tbanana\t7.50
Paris\tfrance\t6.00
rome\titaly\t6.00
king\tapple\t1.10
pear\trome\t0.92
queen\tbanana\t1.10
tiger\tcat\t7.35
"""


def test_similarity_with_tied_scores_is_spearman_of_average_ranks(run, tmp_path):
    pairs = tmp_path / "wordsim.tsv"
    pairs.write_text(WORDSIM)
    v = planted()
    result = evaluate_similarity(v, str(pairs))
    known = [line.split("\t") for line in WORDSIM.splitlines()[2:] if "tiger" not in line]
    unit = v.matrix / np.linalg.norm(v.matrix, axis=1, keepdims=True)
    # lower-cased lookups: "King" and "Paris" are the rows of king and paris, the more frequent spellings
    cosines = [float(unit[v.words.index(a.lower())] @ unit[v.words.index(b.lower())]) for a, b, _ in known]
    human = [float(s) for _, _, s in known]
    assert (result.pairs, result.oov) == (9, 1)
    assert result.spearman == pytest.approx(np.corrcoef(average_ranks(human), average_ranks(cosines))[0, 1])
    assert result.pearson == pytest.approx(np.corrcoef(human, cosines)[0, 1])
    # the ties matter: ranking them in file order instead gives another figure
    ordinal = np.argsort(np.argsort(human, kind="stable"))
    assert not np.isclose(result.spearman, np.corrcoef(ordinal, average_ranks(cosines))[0, 1])


def test_average_ranks_helper():
    assert average_ranks([10, 20, 10, 30]) == [1.5, 3.0, 1.5, 4.0]


def test_gensim_names_read_the_same(vectors_file):
    """A gensim user's calls work as they are: load_word2vec_format, most_similar(restrict_vocab=),
    doesnt_match, index_to_key, key_to_index."""
    from textlab.vectors import Vectors

    v = Vectors.load_word2vec_format(str(vectors_file), binary=False)
    assert v.index_to_key == v.words and v.key_to_index[v.words[0]] == 0
    best = v.most_similar(positive=[v.words[0]], topn=2, restrict_vocab=3)
    assert len(best) == 2 and all(v.key_to_index[w] < 3 for w, _ in best)
    assert v.doesnt_match(["apple", "pear", "banana", "king"]) == "king"
