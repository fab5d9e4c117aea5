"""``textlab tour``: the whole lecture runs, shows its commands, keeps its files, and explains its errors."""

from __future__ import annotations

import pytest

from textlab.tour import steps

from .conftest import shared_file


def test_the_whole_tour_runs_and_shows_every_command(run, tmp_path):
    result = run("tour", "--out", str(tmp_path))
    assert result.exit_code == 0, result.stderr
    text = result.stdout
    for step in steps("corpus.txt"):
        assert step.title in text
        for pipeline in step.pipelines:
            assert "$ " + pipeline.shell() in text  # printed whole, on one line
    for name in ("pairs.png", "tokenizer.json", "vectors.txt", "corpus.words"):
        assert (tmp_path / name).is_file(), name
    assert "n = 5:" in text and "␣t" in text


def test_one_step_and_the_commands_rerun_as_printed(run, tmp_path, monkeypatch):
    result = run("tour", "--step", "tokens", "--out", str(tmp_path))
    assert result.exit_code == 0 and "Tokens" in result.stdout and "Letter counts" not in result.stdout
    monkeypatch.chdir(tmp_path)  # the printed command works in the tour's directory
    again = run("bpe", "inspect", "-t", "tokenizer.json", "--top", "8", "-f", "tsv")
    shown = [line.split() for line in result.stdout.splitlines()]  # the terminal view expands tabs
    assert all(line.split() in shown for line in again.stdout.splitlines())


def test_steps_that_need_the_word_stream_make_it(run, tmp_path):
    result = run("tour", "--step", "next-word", "--out", str(tmp_path))
    assert result.exit_code == 0, result.stderr
    assert "temperature 1.5" in result.stdout


def test_spanish_needs_a_corpus_and_says_how_to_get_one(run):
    result = run("tour", "--lang", "es")
    assert result.exit_code == 1
    assert "textlab wiki fetch --lang es" in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_spanish_tour_on_a_spanish_corpus(run, tmp_path):
    quijote = shared_file("quijote.txt")
    result = run("tour", "--lang", "es", "--corpus", str(quijote), "--step", "word-ngrams", "--out", str(tmp_path))
    assert result.exit_code == 0, result.stderr
    assert "--start el" in result.stdout


@pytest.mark.parametrize("args, message", [(["--step", "nope"], "choose one of"), (["--lang", "fr"], "en or es"),
                                           (["--corpus", "missing.txt"], "no such corpus")])
def test_bad_options(run, args, message):
    result = run("tour", *args)
    assert result.exit_code in (1, 2) and message in result.stderr


def test_step_names_are_listed_in_the_help(run):
    help_text = run("tour", "--help").stdout
    for name in ("letters", "random-words", "embeddings", "next-word"):
        assert name in help_text
