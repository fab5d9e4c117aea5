"""One behaviour for bad usage and empty input, whatever the command: one line, the right exit status."""

from __future__ import annotations

import pytest

from textlab import __version__


@pytest.mark.parametrize(
    "args",
    [
        ["letters", "--nope"],
        ["letters", "-n", "x"],
        ["letters", "-n", "0"],
        ["nope"],
        ["bpe", "nope"],
        ["letters", "--compare"],
        ["generate", "--seed", "-1"],
        ["wiki", "dump"],
        ["similar", "king"],
        ["tour", "--step", "nope"],
    ],
)
def test_usage_errors_are_one_line_without_a_box(run, args):
    result = run(*args)
    assert result.exit_code == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("textlab: error: "), result.stderr
    assert "╭" not in result.stderr and "│" not in result.stderr and result.stdout == ""


def test_a_usage_error_says_where_the_help_is(run):
    assert "(see 'textlab letters --help')" in run("letters", "--nope").stderr


@pytest.mark.parametrize(
    "args",
    [
        ["letters"],
        ["letters", "--compare", "english"],
        ["ngrams"],
        ["ngrams", "--unit", "word"],
        ["heatmap"],
        ["zipf"],
        ["generate"],
        ["predict", "th"],
        ["lm", "-o", "{tmp}/model.arpa"],
        ["bpe", "train", "-o", "{tmp}/tokenizer.json"],
        ["word2vec", "-o", "{tmp}/vectors.txt"],
    ],
)
def test_empty_input_is_the_same_error_everywhere(run, tmp_path, args):
    result = run(*[a.replace("{tmp}", str(tmp_path)) for a in args], input="")
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        "textlab: error: the input is empty (no text to count or learn from; did an earlier step of the pipe fail?)"
    ]
    assert list(tmp_path.iterdir()) == []  # nothing written


def test_filters_pass_empty_input_through(run):
    result = run("words", input="")
    assert result.exit_code == 0 and result.stdout == ""


def test_version(run):
    result = run("--version")
    assert result.exit_code == 0 and result.stdout.strip() == f"textlab {__version__}"


def test_no_arguments_shows_the_help(run):
    result = run()
    assert "Usage: textlab" in result.stdout + result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["letters", "-o", "{missing}/counts.tsv"],
        ["words", "-o", "{missing}/w.txt"],
        ["ngrams", "-o", "{missing}/n.tsv"],
        ["heatmap", "-o", "{missing}/pairs.png"],
        ["bpe", "train", "-o", "{missing}/tokenizer.json"],
        ["word2vec", "-o", "{missing}/v.txt"],
        ["generate", "-o", "{missing}/g.txt"],
    ],
)
def test_an_output_path_is_checked_before_any_work(run, tmp_path, args):
    """The path is refused while the command line is read: the (unreadable) input is never opened."""
    result = run(*[a.replace("{missing}", str(tmp_path / "nope")) for a in args], "/no/such/input")
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        f"textlab: error: {tmp_path / 'nope'}/"
        + args[-1].split("/")[-1]
        + f": directory {tmp_path / 'nope'} does not exist"
    ]
