"""The command line: formats, the conventions shared by every command, errors."""

from __future__ import annotations

import bz2
import json
import subprocess
import sys

import pytest

from .conftest import ROOT, corpus_path, corpus_text, shell

#: The one message of every command that counts or learns, for input with no text at all.
EMPTY = "the input is empty (no text to count or learn from; did an earlier step of the pipe fail?)"


def test_letters_tsv_with_header(run):
    r = run("letters", "--format", "tsv", input="Hello, hello!")
    assert r.exit_code == 0
    assert r.stdout.splitlines()[:3] == ["letter\tcount", "l\t4", "e\t2"]
    assert r.stderr == ""


def test_tsv_is_the_default_when_not_a_terminal(run):
    assert run("letters", input="aab").stdout == "letter\tcount\na\t2\nb\t1\n"


def test_no_header_top_and_percent(run):
    r = run("letters", "--no-header", "--top", "1", "--percent", input="aab")
    assert r.stdout == "a\t2\t66.6667\n"


def test_json_lines(run):
    r = run("letters", "-f", "json", input="aab")
    rows = [json.loads(line) for line in r.stdout.splitlines()]
    assert rows == [{"letter": "a", "count": 2}, {"letter": "b", "count": 1}]


def test_rich_table_has_labels_and_bars(run):
    r = run("letters", "-f", "table", input="aaab")
    assert "letter" in r.stdout and "count" in r.stdout and "█" in r.stdout


def test_ngrams_and_ignore_case(run):
    r = run("letters", "-n", "2", "-i", input="The the")
    assert r.stdout == "ngram\tcount\nhe\t2\nth\t2\n"


def test_compare_english(run):
    r = run("letters", "--compare", "english", str(corpus_path("en")))
    lines = r.stdout.splitlines()
    assert lines[0] == "letter\tcount\tpercent\tenglish\tdifference"
    assert len(lines) == 27 and lines[1].startswith("e\t")
    # the counts are of a-z after folding case: "e" counts e and E
    text = corpus_text("en")
    assert lines[1].split("\t")[1] == str(text.count("e") + text.count("E"))


def test_merging_files_equals_cat(run, tmp_path):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("gato perro\n")
    b.write_text("ñandú\n")
    both = run("letters", "-n", "2", str(a), str(b)).stdout
    assert both == run("letters", "-n", "2", input="gato perro\nñandú\n").stdout


def test_bz2_input_and_output_file(run, tmp_path):
    src = tmp_path / "text.txt.bz2"
    src.write_bytes(bz2.compress("mañana mañana".encode()))
    out = tmp_path / "out.tsv"
    r = run("letters", str(src), "-o", str(out))
    assert r.exit_code == 0 and r.stdout == ""
    assert out.read_text().splitlines()[1] == "a\t6"


def test_invalid_utf8_warns_once_with_a_count(run, tmp_path):
    p = tmp_path / "bad.txt"
    p.write_bytes(b"caf\xe9 \xff ok")
    r = run("letters", str(p))
    assert r.exit_code == 0
    assert r.stderr.count("warning") == 1 and "replaced 2 invalid byte(s)" in r.stderr
    assert "--encoding latin-1" in r.stderr


def test_empty_input_is_an_error(run):
    r = run("letters", input="")
    assert r.exit_code == 1 and r.stdout == ""
    assert r.stderr.splitlines() == [f"textlab: error: {EMPTY}"]


@pytest.mark.parametrize(
    "args,message",
    [
        (["letters", "/no/such/file.txt"], "/no/such/file.txt: no such file"),
        (["letters", "/"], "/: is a directory"),
        (["letters", "--encoding", "nope", "-"], "unknown encoding 'nope'"),
    ],
)
def test_bad_input_is_one_line_and_exit_1_or_2(run, args, message):
    r = run(*args, input="")
    assert r.exit_code in (1, 2)
    assert r.stdout == ""
    assert r.stderr.strip().splitlines() == [f"textlab: error: {r.stderr.split('error: ', 1)[1].strip()}"]
    assert message in r.stderr and "Traceback" not in r.stderr


def test_usage_error_exits_2(run):
    r = run("letters", "-n", "0", input="")
    assert r.exit_code == 2


def test_failed_run_leaves_no_output_file(run, tmp_path):
    out = tmp_path / "out.tsv"
    r = run("letters", str(tmp_path / "missing.txt"), "-o", str(out))
    assert r.exit_code == 1 and not out.exists()
    assert list(tmp_path.iterdir()) == []


def test_words_command(run):
    r = run("words", input="Hola, MUNDO!\n¿Qué tal?\n")
    assert r.stdout == "hola mundo\nqué tal\n"


def _textlab(*args: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "textlab", *args], check=False, capture_output=True, cwd=ROOT, **kw)


def test_python_dash_m_and_head_exit_quietly():
    text = corpus_path("en")  # 2.9 MB of words: far more than a pipe holds
    # `textlab letters -n 2 ... | head -3`: the reader goes away early
    proc = subprocess.Popen(
        [sys.executable, "-m", "textlab", "words", str(text)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT
    )
    assert proc.stdout is not None
    proc.stdout.readline()
    proc.stdout.close()
    err = proc.stderr.read() if proc.stderr else b""
    proc.wait()
    assert err == b""
    assert proc.returncode in (0, 141)


def test_debug_shows_a_traceback():
    r = _textlab("letters", "/no/such/file", "--debug")
    assert r.returncode == 1 and b"Traceback" in r.stderr
    r = _textlab("letters", "/no/such/file")
    assert r.returncode == 1 and b"Traceback" not in r.stderr


def _commands(group, prefix=()):
    """Every leaf command of the click group behind the typer app, with its path (through
    list_commands/get_command: the top group loads its commands on demand)."""
    for name in group.list_commands(None):
        command = group.get_command(None, name)
        if hasattr(command, "list_commands"):  # a group (typer vendors its own click)
            yield from _commands(command, (*prefix, name))
        else:
            yield (*prefix, name)


def test_the_command_table_matches_each_commands_own_help():
    """textlab --help lists commands from textlab.cli.commands without loading them: it must say what they say."""
    import typer

    from textlab.cli import app
    from textlab.cli.commands import COMMANDS

    group = typer.main.get_command(app)
    for entry in COMMANDS:
        command = group.get_command(None, entry.name)
        first = " ".join((command.help or "").strip().split("\n\n")[0].split())
        assert first == entry.help, entry.name


def test_help_and_version_import_no_numpy():
    """`--help` of textlab, of every group and of every command, and `--version`, load no NumPy:
    a command's module imports the library only when the command runs."""
    import typer

    from textlab.cli import app

    paths = list(_commands(typer.main.get_command(app)))
    groups = {path[:i] for path in paths for i in range(1, len(path))}
    assert ("bpe",) in groups and ("evaluate",) in groups and ("wiki",) in groups
    runs = [["--help"], ["--version"]] + [[*path, "--help"] for path in sorted(groups) + paths]
    # all at once: each is a fresh interpreter, and they do not depend on one another
    command = [sys.executable, "-X", "importtime", "-m", "textlab"]
    procs = [
        (args, subprocess.Popen([*command, *args], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE))
        for args in runs
    ]
    for args, proc in procs:
        _, err = proc.communicate()
        assert proc.returncode == 0, args
        imported = {line.split("|")[-1].strip() for line in err.decode().splitlines() if "|" in line}
        assert "textlab.cli" in imported, args
        assert "numpy" not in imported, f"textlab {' '.join(args)} imports NumPy"


def test_every_command_has_a_purpose_and_an_example(run):
    import typer

    from textlab.cli import app

    paths = list(_commands(typer.main.get_command(app)))
    assert ("bpe", "train") in paths and ("wiki", "dump") in paths and ("letters",) in paths
    for path in paths:
        result = run(*path, "--help")
        assert result.exit_code == 0, path
        text = result.stdout
        assert "Examples:" in text and "textlab " in text.split("Examples:")[1], f"{' '.join(path)}: no example"
        assert text.split("Usage:")[1].split("\n")[2].strip(), f"{' '.join(path)}: no purpose line"


def _examples() -> list[tuple[str, str]]:
    """(command path, example) for every example in every command's help."""
    import re

    import typer

    from textlab.cli import app

    group = typer.main.get_command(app)
    found = []
    for path in _commands(group):
        command = group
        for name in path:
            command = command.get_command(None, name)
        found += [(" ".join(path), ex) for ex in re.findall(r"^  (textlab .*)$", command.epilog or "", re.M)]
    return found


def test_examples_run_anywhere_on_the_bundled_corpora():
    # a student copies an example from --help, in a folder of their own, with textlab installed
    # by pip: the examples name no file of the checkout (corpora/...), they read the bundled
    # corpora through `textlab corpus`, and each corpus they name exists
    import re

    from textlab.corpora import path as bundled

    examples = _examples()
    assert not [ex for _, ex in examples if "corpora/" in ex]
    names = {name for _, ex in examples for name in re.findall(r"textlab corpus (\w+)", ex)}
    assert {"en", "es"} <= names
    for name in names:
        assert bundled(name).is_file(), name


@pytest.mark.parametrize(
    "example",
    [
        "textlab corpus en | textlab letters --top 5",
        'textlab corpus es | textlab letters --compare "$(textlab corpus en --path)" --top 10',
        "textlab corpus en | textlab predict -n 4 'th' --top 5",
        "textlab corpus en | textlab words | textlab ngrams --unit word -n 3 --top 10",
    ],
)
def test_help_examples_run_from_another_folder(example, tmp_path):
    assert example in [ex for _, ex in _examples()], "the example is no longer in the help: update this test"
    proc = shell(example, tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.count("\n") >= 3 and not proc.stderr


def test_examples_are_never_rewrapped():
    # in a narrow terminal each example stays one line, so it copies as a whole command
    from typer.testing import CliRunner

    from textlab.cli import app

    result = CliRunner().invoke(app, ["word2vec", "--help"], env={"COLUMNS": "60"})
    lines = [line.strip() for line in result.stdout.splitlines()]
    examples = [ex for path, ex in _examples() if path == "word2vec"]
    assert examples and max(map(len, examples)) > 60
    assert all(ex in lines for ex in examples), result.stdout
