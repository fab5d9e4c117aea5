"""Word vectors with bad rows, benchmark files with bad lines, batches with bad questions:
one line on stderr (or one warning), the right exit status, never a NumPy warning or a NaN."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import warnings

import numpy as np
import pytest

from textlab.errors import DataError, ParameterError
from textlab.vectors import Vectors, evaluate_analogies, evaluate_similarity, formats
from textlab.vectors.keyed import UnusableWord

# Axis 0: royalty, axis 1: gender (+ female), axis 2: fruit, axis 3: youth. Enough words that an
# analogy has candidates left after its three query words (and the bad row) are left out.
GOOD = {
    "king": [1, -1, 0, 0],
    "queen": [1, 1, 0, 0],
    "man": [0.1, -1, 0, 0],
    "woman": [0.1, 1, 0, 0],
    "prince": [1, -1, 0, 1],
    "princess": [1, 1, 0, 1],
    "apple": [0, 0.1, 1, 0],
    "pear": [0.1, 0, 1, 0],
}
BAD_ROW = {"zero": "0 0 0 0", "inf": "inf 0 1 0", "nan": "0.5 nan 1 0"}

QUESTIONS = """: royals
man woman king queen
man woman prince princess
: gram-fruit
apple pear king queen
"""
PAIRS = "king\tqueen\t8\nman\twoman\t7\napple\tpear\t9\nking\tapple\t1\n"


def write_vectors(tmp_path, bad: str | None = None, name: str = "vectors.txt", blank_line: bool = False):
    """A word2vec text file of GOOD, with a row for the word ``bad`` (its values BAD_ROW[bad])
    put fourth, on line 5 (line 6 with a blank line before it)."""
    lines = [f"{w} {' '.join(map(str, v))}" for w, v in GOOD.items()]
    if bad:
        lines.insert(3, f"bad {BAD_ROW[bad]}")
    if blank_line:
        lines.insert(1, "")
    path = tmp_path / name
    path.write_text(f"{len(GOOD) + bool(bad)} 4\n" + "\n".join(lines) + "\n")
    return str(path)


def clean_run(run, *args: str, input: str | None = None):
    """``run`` with NumPy's warnings (which in-process go to Python's warnings, not stderr) recorded:
    there must be none, nor a NaN in the answers."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = run(*args, input=input)
    assert not caught, [str(w.message) for w in caught]
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr, result.stderr
    assert "Warning" not in result.stderr, result.stderr
    # the one NaN meant: the accuracy of an analogy section none of whose questions could be asked
    answers = [line for line in result.stdout.splitlines() if not line.endswith("\t0\t0\tnan")]
    assert "nan" not in "\n".join(answers).lower(), result.stdout
    return result


def errors(result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.startswith("textlab: error: ")]


def commands(tmp_path, vectors: str, query: str = "king") -> dict[str, tuple[list[str], str | None]]:
    """Every vector command, asking about ``query``: (arguments, standard input)."""
    q = tmp_path / "q.txt"
    q.write_text(QUESTIONS.replace("king", query) if query != "king" else QUESTIONS)
    pairs = tmp_path / "pairs.tsv"
    pairs.write_text(PAIRS.replace("king", query))
    return {
        "similar": (["similar", "-v", vectors, query], None),
        "analogy": (["analogy", "-v", vectors, "man", "woman", query], None),
        "analogy-stdin": (["analogy", "-v", vectors], f"man woman {query}\n"),
        "between": (["between", "-v", vectors, query, "queen"], None),
        "odd-one-out": (["odd-one-out", "-v", vectors, query, "queen", "prince", "apple"], None),
        "evaluate-analogies": (["evaluate", "analogies", "-v", vectors, str(q)], None),
        "evaluate-similarity": (["evaluate", "similarity", "-v", vectors, str(pairs)], None),
        "map": (["map", "-v", vectors, query, "queen", "apple"], None),
    }


COMMANDS = [
    "similar",
    "analogy",
    "analogy-stdin",
    "between",
    "odd-one-out",
    "evaluate-analogies",
    "evaluate-similarity",
    "map",
]


# -- inf and nan: a data error at load time, naming the word and its line ----------------
@pytest.mark.parametrize("bad", ["inf", "nan"])
@pytest.mark.parametrize("command", COMMANDS)
def test_a_non_finite_row_is_one_data_error_naming_word_and_line(run, tmp_path, bad, command):
    vectors = write_vectors(tmp_path, bad)
    args, stdin = commands(tmp_path, vectors)[command]
    result = clean_run(run, *args, input=stdin)
    assert result.exit_code == 1
    assert errors(result) == [
        f"textlab: error: {vectors}:5: the vector of 'bad' has {bad!r}, not a finite 32-bit number "
        "(a corrupt file, or a training run that diverged)"
    ]
    assert result.stdout == ""


def test_the_line_number_counts_blank_lines(run, tmp_path):
    vectors = write_vectors(tmp_path, "nan", blank_line=True)
    result = clean_run(run, "similar", "-v", vectors, "king")
    assert result.exit_code == 1 and f"{vectors}:6: the vector of 'bad'" in result.stderr


def test_a_number_too_big_for_32_bits_is_not_finite(run, tmp_path):
    path = tmp_path / "big.txt"
    path.write_text("2 2\nking 1 0\nhuge 1e50 1\n")
    result = clean_run(run, "similar", "-v", str(path), "king")
    assert result.exit_code == 1 and errors(result)[0].startswith(f"textlab: error: {path}:3: the vector of 'huge'")
    assert "'1e50'" in result.stderr


def test_non_finite_rows_are_counted_and_the_binary_format_names_the_vector(tmp_path):
    words = ["king", "bad", "worse"]
    matrix = np.array([[1, 0], [np.inf, 0], [0, np.nan]], np.float32)
    buffer = io.BytesIO()
    formats.save(words, matrix, buffer, binary=True)
    path = tmp_path / "v.bin"
    path.write_bytes(buffer.getvalue())
    with pytest.raises(DataError) as e:
        formats.load(str(path))
    assert str(e.value) == (
        f"{path}: vector 2: the vector of 'bad' has 'inf', not a finite 32-bit number "
        "(a corrupt file, or a training run that diverged; 1 more vectors like it)"
    )


def test_vectors_made_in_python_refuse_nan_too():
    with pytest.raises(DataError, match=r"the vector of 'b' \(row 2\) has inf or nan values"):
        Vectors(["a", "b"], np.array([[1, 0], [np.nan, 1]], np.float32))
    with pytest.raises(DataError, match="too long for 32-bit floats"):
        Vectors(["a", "b"], np.array([[1, 0], [3e38, 3e38]], np.float32))


# -- all-zero rows: kept in place, never an answer, one warning; a query on one is refused --
ZERO_WARNING = "textlab: warning: {}: left out 1 word whose vector is all zeros (no direction to compare): 'bad'"


@pytest.mark.parametrize("command", COMMANDS)
def test_a_zero_row_is_one_warning_and_never_an_answer(run, tmp_path, command):
    vectors = write_vectors(tmp_path, "zero")
    args, stdin = commands(tmp_path, vectors)[command]
    result = clean_run(run, *args, input=stdin)
    assert result.exit_code == 0, result.stderr
    assert ZERO_WARNING.format(vectors) in result.stderr.splitlines()
    assert sum("warning" in line for line in result.stderr.splitlines()) == 1
    assert errors(result) == []
    assert "bad" not in result.stdout


@pytest.mark.parametrize("command", [c for c in COMMANDS if not c.startswith("evaluate")])
def test_a_query_on_a_zero_row_says_the_word_is_not_usable(run, tmp_path, command):
    vectors = write_vectors(tmp_path, "zero")
    args, stdin = commands(tmp_path, vectors, query="bad")[command]
    result = clean_run(run, *args, input=stdin)
    assert result.exit_code == 1
    line = "'bad' is not usable: its vector is all zeros (no direction to compare)"
    assert errors(result) == [f"textlab: error: {'line 1: ' if stdin else ''}{line}"]


@pytest.mark.parametrize("command", ["evaluate-analogies", "evaluate-similarity"])
def test_benchmarks_count_a_zero_row_word_as_outside_the_vocabulary(run, tmp_path, command):
    vectors = write_vectors(tmp_path, "zero")
    args, _ = commands(tmp_path, vectors, query="bad")[command]
    result = clean_run(run, *args, "-f", "tsv")
    assert result.exit_code == 0 and errors(result) == []
    table = result.stdout.splitlines()
    if command == "evaluate-analogies":  # two of the three questions ask about 'bad'
        assert "3 questions, 2 skipped" in result.stderr and "(or with an all-zero vector)" in result.stderr
        assert table[-1].startswith("total\t") and table[-1].split("\t")[2] == "1"
    else:
        assert table[1].startswith("2\t2\t")  # two pairs had 'bad': out of the vocabulary


def test_zero_rows_in_the_library():
    v = Vectors(["a", "z", "b", "c"], np.array([[1, 0], [0, 0], [0.9, 0.1], [0, 1]], np.float32))
    assert v.zero_words == ["z"] and v.key_to_index["z"] == 1  # kept in its row
    with pytest.raises(UnusableWord):
        v.similarity("a", "z")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert [w for w, _ in v.most_similar(["a"], topn=10)] == ["b", "c"]
        assert [w for w, _ in v.most_similar_cosmul(["a"], topn=10)] == ["b", "c"]
        ids, scores = v.analogies(np.array([[0, 2, 3]]), topn=4)
    # four asked, one candidate (the three query words and the zero row are never answers)
    assert ids.tolist() == [[-1, -1, -1, -1]] and np.isneginf(scores).all()


def test_many_zero_rows_are_named_a_few_at_a_time(run, tmp_path):
    path = tmp_path / "v.txt"
    rows = [f"z{i} 0 0" for i in range(8)]
    path.write_text("10 2\nking 1 0\nqueen 1 1\n" + "\n".join(rows) + "\n")
    result = clean_run(run, "similar", "-v", str(path), "king")
    assert result.exit_code == 0 and result.stdout.splitlines()[1:] == ["queen\t0.707107"]
    assert result.stderr.strip() == (
        f"textlab: warning: {path}: left out 8 words whose vectors are all zeros (no direction to compare): "
        "'z0', 'z1', 'z2', 'z3', 'z4' and 3 more"
    )


def test_map_top_leaves_zero_rows_out(run, tmp_path):
    vectors = write_vectors(tmp_path, "zero")
    result = clean_run(run, "map", "-v", vectors, "--top", "5")
    assert result.exit_code == 0 and "bad" not in result.stdout and "prince" in result.stdout


def test_query_words_that_cancel_out(run, tmp_path):
    result = clean_run(run, "similar", "-v", write_vectors(tmp_path), "king", "--not", "king")
    assert result.exit_code == 1
    assert errors(result) == ["textlab: error: the query words cancel out: their mean has no direction to compare"]


@pytest.mark.parametrize("bad", ["zero", "nan"])
def test_no_warning_text_from_a_real_process(tmp_path, bad):
    """NumPy warns on the process's stderr, which the in-process runner does not capture."""
    vectors = write_vectors(tmp_path, bad)
    for args, stdin in (
        (["similar", "-v", vectors, "king"], None),
        (["analogy", "-v", vectors], "man woman king\nking bad man\n"),
    ):
        done = subprocess.run(
            [sys.executable, "-m", "textlab", *args], input=stdin, capture_output=True, text=True, timeout=60
        )
        assert "Warning" not in done.stderr and "Traceback" not in done.stderr, done.stderr
        assert done.returncode == (0 if bad == "zero" and stdin is None else 1), done.stderr
        if bad == "nan":
            assert done.stderr.count("textlab: error:") == 1


# -- similarity files: scores all equal, malformed lines --------------------------------
def test_all_equal_human_scores_are_a_data_error(run, tmp_path):
    pairs = tmp_path / "same.tsv"
    pairs.write_text("king\tqueen\t5\nman\twoman\t5\napple\tpear\t5\n")
    result = clean_run(run, "evaluate", "similarity", "-v", write_vectors(tmp_path), str(pairs))
    assert result.exit_code == 1 and result.stdout == ""
    assert errors(result) == [
        f"textlab: error: {pairs}: all 3 pairs with known words have the same score (5) "
        "(a correlation with scores that do not vary is undefined)"
    ]


def test_all_equal_cosines_are_a_data_error(tmp_path):
    pairs = tmp_path / "pairs.tsv"
    pairs.write_text("king\tqueen\t5\nking\tqueen\t7\n")
    v = Vectors(["king", "queen"], np.array([[1, 0], [0, 1]], np.float32))
    with pytest.raises(DataError, match=r"the vectors give all 2 pairs with known words the same cosine \(0\)"):
        evaluate_similarity(v, str(pairs))


def test_malformed_similarity_lines_are_one_warning(run, tmp_path):
    pairs = tmp_path / "pairs.tsv"
    pairs.write_text(
        "# a comment\n"
        "Word 1\tWord 2\tHuman (mean)\n"  # line 2: the header, not a malformed line
        + PAIRS
        + "king queen 3\n"  # line 7: spaces, one field
        + "king\tpear\tlots\n"  # line 8
        + "man\tapple\tnan\n"  # line 9
        + "\n"
    )
    result = clean_run(run, "evaluate", "similarity", "-v", write_vectors(tmp_path), str(pairs), "-f", "tsv")
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [
        f"textlab: warning: {pairs}: skipped 3 malformed lines "
        "(first: line 7: 1 fields, expected word1<TAB>word2<TAB>score ('king queen 3'))"
    ]
    assert result.stdout.splitlines()[1].startswith("4\t0\t")
    r = evaluate_similarity(Vectors.load_word2vec_format(write_vectors(tmp_path)), str(pairs))
    assert (r.malformed.count, r.pairs) == (3, 4)


def test_a_well_formed_similarity_file_has_no_warning(run, tmp_path):
    pairs = tmp_path / "pairs.tsv"
    pairs.write_text("Word 1\tWord 2\tHuman (mean)\n" + PAIRS)
    result = clean_run(run, "evaluate", "similarity", "-v", write_vectors(tmp_path), str(pairs))
    assert result.exit_code == 0 and result.stderr == ""


def test_a_similarity_file_of_only_malformed_lines_says_so_in_its_error(run, tmp_path):
    pairs = tmp_path / "pairs.tsv"
    pairs.write_text("king queen 3\nman woman 4\n")
    result = clean_run(run, "evaluate", "similarity", "-v", write_vectors(tmp_path), str(pairs))
    assert result.exit_code == 1 and len(errors(result)) == 1 and result.stderr.count("\n") == 1
    assert "skipped 2 malformed lines (first: line 1: 1 fields" in result.stderr


# -- analogy files: malformed lines ------------------------------------------------------
def test_malformed_analogy_lines_are_one_warning(run, tmp_path):
    questions = tmp_path / "q.txt"
    questions.write_text(QUESTIONS + "bad line\nking queen man\n\n:nospace\n")
    result = clean_run(run, "evaluate", "analogies", "-v", write_vectors(tmp_path), str(questions), "-f", "tsv")
    assert result.exit_code == 0
    warning = [line for line in result.stderr.splitlines() if "warning" in line]
    assert warning == [
        f"textlab: warning: {questions}: skipped 3 malformed lines "
        "(first: line 6: 2 words, expected 'a b c d' or ': section' ('bad line'))"
    ]
    assert result.stdout.splitlines()[-1] == "total\t2\t3\t0.666667"
    r = evaluate_analogies(Vectors.load_word2vec_format(write_vectors(tmp_path)), str(questions))
    assert (r.malformed.count, r.questions) == (3, 3)


def test_an_analogy_file_without_questions_names_its_malformed_lines(run, tmp_path):
    questions = tmp_path / "q.txt"
    questions.write_text(": section\nking queen\n")
    result = clean_run(run, "evaluate", "analogies", "-v", write_vectors(tmp_path), str(questions))
    assert result.exit_code == 1 and len(errors(result)) == 1
    assert "no analogy questions" in result.stderr and "skipped 1 malformed line (first: line 2" in result.stderr


def test_a_question_before_any_section_names_its_line(run, tmp_path):
    questions = tmp_path / "q.txt"
    questions.write_text("\nman woman king queen\n")
    result = clean_run(run, "evaluate", "analogies", "-v", write_vectors(tmp_path), str(questions))
    assert result.exit_code == 1
    assert errors(result) == [f"textlab: error: {questions}:2: a question before the first ': section' line"]


# -- analogy batches: a bad question fails alone -----------------------------------------
BATCH = "man woman king\n: a section line gives no row\nman woman xyzzy\nman woman\n\nman woman prince\n"


def test_a_bad_question_in_a_batch_fails_alone(run, tmp_path):
    result = clean_run(run, "analogy", "-v", write_vectors(tmp_path), "-f", "tsv", input=BATCH)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "textlab: error: line 3: unknown word 'xyzzy'",
        "textlab: error: line 4: expected three words 'A B C', got 2",
    ]
    assert [row.split("\t") for row in result.stdout.splitlines()] == [
        ["a", "b", "c", "rank", "answer", "score"],
        ["man", "woman", "king", "1", "queen", result.stdout.splitlines()[1].split("\t")[5]],
        ["man", "woman", "xyzzy", "1", "", ""],
        ["man", "woman", "", "1", "", ""],
        ["man", "woman", "prince", "1", "princess", result.stdout.splitlines()[4].split("\t")[5]],
    ]


def test_a_bad_question_keeps_its_rows_with_top_k_and_json(run, tmp_path):
    result = clean_run(
        run,
        "analogy",
        "-v",
        write_vectors(tmp_path),
        "-k",
        "2",
        "-f",
        "json",
        input="man woman xyzzy\nman woman king\n",
    )
    assert result.exit_code == 1
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(r["c"], r["rank"], r["answer"]) for r in rows][:2] == [("xyzzy", 1, ""), ("xyzzy", 2, "")]
    assert [(r["c"], r["rank"]) for r in rows[2:]] == [("king", 1), ("king", 2)] and rows[2]["answer"] == "queen"


def test_a_batch_of_good_questions_exits_0_and_questions_words_lines_are_fine(run, tmp_path):
    result = clean_run(
        run, "analogy", "-v", write_vectors(tmp_path), "-f", "tsv", input=QUESTIONS.replace("apple pear", "man woman")
    )
    assert result.exit_code == 0 and result.stderr == ""
    assert [row.split("\t")[4] for row in result.stdout.splitlines()[1:]] == ["queen", "princess", "queen"]


def test_a_batch_of_only_bad_questions(run, tmp_path):
    result = clean_run(run, "analogy", "-v", write_vectors(tmp_path), "-f", "tsv", input="a b c d e\nxyzzy man king\n")
    assert result.exit_code == 1 and len(errors(result)) == 2
    assert result.stdout.splitlines()[1:] == ["a\tb\tc\t1\t\t", "xyzzy\tman\tking\t1\t\t"]


# -- options: floors checked, ceilings are "all of them" ---------------------------------
@pytest.mark.parametrize(
    "args",
    [
        ["similar", "{v}", "king", "--top", "0"],
        ["similar", "{v}", "king", "--limit", "0"],
        ["analogy", "{v}", "man", "woman", "king", "--top", "-1"],
        ["between", "{v}", "king", "queen", "--top", "x"],
        ["map", "{v}", "--top", "1"],
        ["evaluate", "analogies", "{v}", "{q}", "--restrict-vocab", "0"],
        ["evaluate", "similarity", "{v}", "{q}", "--restrict-vocab", "-5"],
    ],
)
def test_out_of_range_counts_are_usage_errors(run, tmp_path, args):
    q = tmp_path / "q.txt"
    q.write_text(QUESTIONS)
    vectors = write_vectors(tmp_path)
    result = clean_run(run, *[a.replace("{v}", f"-v={vectors}").replace("{q}", str(q)) for a in args])
    assert result.exit_code == 2 and len(errors(result)) == 1 and result.stderr.count("\n") == 1, result.stderr


@pytest.mark.parametrize(
    "args, stdin",
    [
        (["similar", "king", "--top", "99999999999999999999"], None),
        (["analogy", "man", "woman", "king", "--top", "99999999999999999999"], None),
        (["analogy", "--top", "99999999999999999999"], "man woman king\n"),
        (["map", "--top", "99999999999999999999"], None),
        (["similar", "king", "--limit", "99999999999999999999"], None),
    ],
)
def test_counts_beyond_the_vocabulary_mean_all_of_it(run, tmp_path, args, stdin):
    tsv = [] if args[0] == "map" else ["-f", "tsv"]
    result = clean_run(run, args[0], "-v", write_vectors(tmp_path, "zero"), *args[1:], *tsv, input=stdin)
    assert result.exit_code == 0 and errors(result) == [], result.stderr
    assert "bad" not in result.stdout


def test_evaluate_restrict_vocab_beyond_the_vocabulary(run, tmp_path):
    args, _ = commands(tmp_path, write_vectors(tmp_path))["evaluate-analogies"]
    result = clean_run(run, *args, "--restrict-vocab", "99999999999999999999", "-f", "tsv")
    assert result.exit_code == 0 and result.stdout.splitlines()[-1] == "total\t2\t3\t0.666667"


def test_library_counts_are_checked():
    v = Vectors(list(GOOD), np.array(list(GOOD.values()), np.float32))
    with pytest.raises(ParameterError, match="restrict_vocab must be at least 1"):
        v.most_similar(["king"], restrict_vocab=0)
    with pytest.raises(ParameterError, match="topn must be at least 1"):
        v.analogies(np.array([[2, 3, 0]]), topn=0)
    assert len(v.most_similar(["king"], topn=100, restrict_vocab=3)) == 2
    ids, _ = v.analogies(np.array([[2, 3, 0]]), topn=100)
    assert ids.shape == (1, len(GOOD)) and (ids[0, -3:] == -1).all()  # the three query words are no answers
