"""``textlab tour``: the whole lecture runs in both languages on the bundled corpora, shows its commands,
keeps its files, teaches what it says (vectors that mean something, commands that give what is shown),
and explains its errors."""

from __future__ import annotations

import shlex
import shutil
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from textlab.cli import app
from textlab.tour import LANGUAGES, STEP_NAMES, steps
from textlab.vectors import Vectors, formats

from .conftest import shell


@pytest.fixture(scope="module")
def tours(tmp_path_factory):
    """The whole tour in each language, run once (on first use) with --pause, Enter given on stdin."""
    done = {}

    def get(lang):
        if lang not in done:
            out = tmp_path_factory.mktemp(f"tour-{lang}")
            argv = ["tour", "--lang", lang, "--out", str(out), "--pause"]
            result = CliRunner().invoke(app, argv, input="\n" * 10, catch_exceptions=False)
            assert result.exit_code == 0, result.stderr
            done[lang] = (lang, out, result)
        return done[lang]

    return get


@pytest.fixture(params=["en", "es"])
def tour(request, tours):
    return tours(request.param)


def test_every_step_shows_its_title_explanation_and_commands(tour):
    lang, out, result = tour
    for step in steps(lang):
        assert step.title in result.stdout and step.explain in result.stdout
        for pipeline in step.pipelines:
            assert "$ " + pipeline.shell() in result.stdout  # printed whole, on one line
    for name in (
        "corpus.txt",
        "corpus.words",
        "letters.png",
        "pairs.png",
        "ranked.png",
        "tokenizer.json",
        "vectors.txt",
    ):
        assert (out / name).is_file(), name
    assert (out / "pairs.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_pause_waits_between_steps(tour):
    lang, _, result = tour
    assert result.stderr.count(LANGUAGES[lang].text["pause"]) == len(STEP_NAMES) - 1


def test_the_spanish_tour_speaks_spanish(tours):
    _, out, result = tours("es")
    assert "Frecuencia de las letras" in result.stdout and "Letter counts" not in result.stdout
    header = next(line for line in result.stdout.splitlines() if line.startswith("letter"))
    assert header.split() == ["letter", "count", "percent", "spanish", "difference"]
    assert "--compare spanish" in result.stdout and "--alphabet es" in result.stdout
    matrix = CliRunner().invoke(app, ["heatmap", "--alphabet", "es", str(out / "corpus.txt"), "-f", "tsv"])
    assert "ñ" in matrix.stdout.splitlines()[0].split("\t")  # the heatmap has a column for ñ
    assert "recorrido terminado" in result.stderr


def _shown(result, label: str) -> str:
    """The line the tour printed after ``label``."""
    return next(line for line in result.stdout.splitlines() if line.startswith(label + " "))[len(label) + 1 :]


def test_random_text_commands_give_what_the_tour_shows(tour, monkeypatch):
    lang, out, result = tour
    monkeypatch.chdir(out)
    for step in steps(lang):
        for pipeline in step.pipelines:
            if pipeline.label is None:
                continue
            (stage,) = pipeline.stages
            again = CliRunner().invoke(app, stage)  # run as printed, in the tour's directory
            assert again.stdout.rstrip("\n") == _shown(result, pipeline.label).rstrip(), pipeline.shell()


def test_order_zero_draws_the_alphabet_and_rows_differ(tour):
    lang, _, result = tour
    alphabet = set("abcdefghijklmnopqrstuvwxyz" + ("ñáéíóúü" if lang == "es" else "") + " ")
    assert set(_shown(result, "n = 0:")) <= alphabet
    rows = [_shown(result, f"n = {n}:") for n in range(6)]
    firsts = [row.split()[0] for row in rows]
    assert len(set(rows)) == 6 and len(set(firsts)) >= 5  # each row its own random stream


def test_without_the_space_has_no_space_and_with_it_only_letters_and_spaces(tour):
    lang, _, result = tour
    text = LANGUAGES[lang].text
    without, with_space = _shown(result, text["without"]), _shown(result, text["with"])
    letters = set("abcdefghijklmnopqrstuvwxyz" + ("ñáéíóúü" if lang == "es" else ""))
    assert len(without) == 60 and set(without) <= letters
    assert " " in with_space and set(with_space) <= letters | {" "}


def test_embeddings_mean_something(tour):
    """The shown analogies' answers are in the top 3, and the shown neighbours stand far above chance."""
    lang, out, _ = tour
    ex = LANGUAGES[lang]
    words, matrix = formats.load(str(out / "vectors.txt"))
    vectors = Vectors(words, matrix)
    for a, b, c, expected in ex.analogies:
        assert expected in [w for w, _ in vectors.analogy(a, b, c, topn=3)], (a, b, c)
    unit = matrix / np.linalg.norm(matrix, axis=1, keepdims=True)
    rng = np.random.default_rng(0)
    i, j = rng.integers(0, len(unit), 5000), rng.integers(0, len(unit), 5000)
    chance = float((unit[i] * unit[j]).sum(axis=1)[i != j].mean())
    near = [s for _, s in vectors.most_similar([ex.neighbour], topn=5)]
    assert chance < 0.35
    assert min(near) > chance + 0.25  # topical neighbours, well above two random words
    assert max(near) < 0.98  # not collapsed onto one direction (the old tour showed 0.996 for every one)


def test_temperature_zero_continues_with_predicts_top_word(run, tmp_path):
    words = tmp_path / "w.txt"
    run("words", str(Path(__file__).parent.parent / "corpora" / "wikipedia-en.txt.xz"), "-o", str(words))
    for context in ("the first", "in the", "of"):
        top = run("predict", "--unit", "word", "-n", "3", context, "--top", "1", str(words), "-f", "tsv")
        word = top.stdout.splitlines()[1].split("\t")[0]
        drawn = run(
            "generate",
            "--unit",
            "word",
            "-n",
            "3",
            "--start",
            context,
            "--length",
            "1",
            "--temperature",
            "0",
            str(words),
        )
        assert drawn.stdout.split()[-1] == word, context


def test_one_step_and_the_commands_rerun_as_printed(run, tmp_path, monkeypatch):
    result = run("tour", "--step", "tokens", "--out", str(tmp_path))
    assert result.exit_code == 0 and "Tokens" in result.stdout and "Letter counts" not in result.stdout
    monkeypatch.chdir(tmp_path)  # the printed command works in the tour's directory
    again = run("bpe", "inspect", "-t", "tokenizer.json", "--top", "8", "-f", "tsv")
    shown = [line.split() for line in result.stdout.splitlines()]  # the terminal view expands tabs
    assert all(line.split() in shown for line in again.stdout.splitlines())


def test_your_own_corpus(run, tmp_path):
    text = tmp_path / "mine.txt"
    text.write_text("el gato y el perro\nel perro y el gato\n" * 50, encoding="utf-8")
    result = run("tour", "--lang", "es", "--corpus", str(text), "--step", "word-ngrams", "--out", str(tmp_path / "t"))
    assert result.exit_code == 0, result.stderr
    assert "--start el" in result.stdout and (tmp_path / "t" / "corpus.txt").resolve() == text.resolve()


@pytest.mark.parametrize(
    "args, message",
    [
        (["--step", "nope"], "choose one of"),
        (["--lang", "fr"], "en or es"),
        (["--corpus", "missing.txt"], "no such corpus"),
    ],
)
def test_bad_options(run, args, message):
    result = run("tour", *args)
    assert result.exit_code in (1, 2) and message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_out_naming_a_file_is_refused(run, tmp_path):
    existing = tmp_path / "notes.txt"
    existing.write_text("keep me")
    result = run("tour", "--step", "letters", "--out", str(existing))
    assert result.exit_code == 2 and "is a file" in result.stderr and existing.read_text() == "keep me"


def test_step_names_are_listed_in_the_help(run):
    help_text = run("tour", "--help").stdout
    for name in ("letters", "random-words", "embeddings", "next-word"):
        assert name in help_text


def test_printed_commands_are_valid_shell():
    for lang in LANGUAGES:
        for step in steps(lang):
            for pipeline in step.pipelines:
                assert shlex.split(pipeline.shell())[0] in ("textlab", "echo")


def test_a_step_alone_shows_every_command_it_needs(run, tmp_path):
    # a student reruns the printed commands in a folder that holds only the corpus
    result = run("tour", "--step", "next-word", "--out", str(tmp_path / "t"))
    assert result.exit_code == 0, result.stderr
    commands = [line[2:] for line in result.stdout.splitlines() if line.startswith("$ ")]
    assert commands[0] == "textlab words corpus.txt -o corpus.words"
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    shutil.copy(tmp_path / "t" / "corpus.txt", fresh / "corpus.txt")
    for command in commands:
        proc = shell(command, fresh)
        assert proc.returncode == 0, (command, proc.stderr)
