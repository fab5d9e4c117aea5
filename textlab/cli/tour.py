"""``textlab tour``: the whole lecture, step by step, on a bundled corpus, in English or Spanish.

The steps are data (``textlab.tour``); this module runs them: each pipeline as
real ``textlab`` processes in the tour's directory, its command printed first.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from .. import corpora, io
from ..errors import DataError, UsageError
from ..tour import CORPUS, LANGUAGES, MAKE_WORDS, NEEDS_WORDS, STEP_NAMES, Pipeline, steps
from .app import command_app
from .output import ask, note

app = command_app()  # this module's commands; textlab.cli.app loads it when one of them runs


def run_pipeline(pipeline: Pipeline, where: Path) -> str:
    """Run the stages as ``python -m textlab`` processes in ``where``, each one's output the next one's
    input; return the last one's output. A failing stage is one clear error naming the command."""
    data = pipeline.stdin.encode() if pipeline.stdin is not None else b""
    for stage in pipeline.stages:
        proc = subprocess.run([sys.executable, "-m", "textlab", *stage], input=data, capture_output=True, cwd=where)
        if proc.returncode != 0:
            why = proc.stderr.decode("utf-8", "replace").strip().splitlines()
            raise DataError(f"the step `{pipeline.shell()}` failed: {why[-1] if why else proc.returncode}")
        data = proc.stdout
    return data.decode("utf-8", "replace")


def place_corpus(where: Path, corpus: str | None, lang: str) -> str:
    """Put the corpus in ``where`` as corpus.txt; return what to call it in the tour's first line.

    The bundled corpus is unpacked (a student can open it); the user's own is linked, since it may be big.
    """
    target = where / CORPUS
    if target.is_symlink() or target.exists():
        target.unlink()
    if corpus is None:
        source = corpora.path(LANGUAGES[lang].corpus)
        stream, _ = io.open_binary(str(source))  # textlab's reader: it knows the file is xz
        with stream, io.atomic_output(target, binary=True) as out:
            shutil.copyfileobj(stream, out, io.CHUNK_SIZE)
        return LANGUAGES[lang].text["bundled"]
    if not Path(corpus).is_file():
        raise DataError(f"{corpus}: no such corpus file")
    target.symlink_to(Path(corpus).resolve())
    return corpus


@contextmanager
def tour_directory(out: Path | None) -> Iterator[Path]:
    """``out`` (made if needed), or a temporary directory removed afterwards, even on Ctrl-C."""
    if out is None:
        with tempfile.TemporaryDirectory(prefix="textlab-tour-") as d:
            yield Path(d)
        return
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {out}: is a file; name a directory (it is made if missing)")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise DataError(f"--out {out}: cannot make the directory ({e.strerror})") from None
    yield out


@app.command(
    epilog="Examples:\n\n"
    "  textlab tour\n\n"
    "  textlab tour --lang es --pause\n\n"
    "  textlab tour --step pairs --out class-files\n\n"
    "  textlab tour --corpus my-text.txt",
)
def tour(
    step: Annotated[
        str | None, typer.Option("--step", help=f"Run one step: {', '.join(STEP_NAMES)}.", show_default=False)
    ] = None,
    lang: Annotated[
        str,
        typer.Option(
            "--lang",
            help="en (English Wikipedia articles) or es (Don Quijote): the language of the text, the "
            "corpus and the examples.",
        ),
    ] = "en",
    corpus: Annotated[
        str | None,
        typer.Option(
            "--corpus", help="Your own text instead of the bundled one (in the --lang language).", metavar="FILE"
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", help="Keep every file the steps write (tables, tokenizer, vectors, images) here.", metavar="DIR"
        ),
    ] = None,
    pause: Annotated[
        bool, typer.Option("--pause", help="Wait for Enter between steps (for a teacher at the front).")
    ] = False,
) -> None:
    """Run the lecture's path (letters, letter pairs, random text, tokens, embeddings,
    next-word probabilities) printing each textlab command before its output."""
    if lang not in LANGUAGES:
        raise UsageError(f"--lang {lang!r}: the tour speaks en or es")
    if step is not None and step not in STEP_NAMES:
        raise UsageError(f"--step {step!r}: choose one of {', '.join(STEP_NAMES)}")
    text = LANGUAGES[lang].text
    console = Console(highlight=False)
    started = time.perf_counter()
    chosen = [s for s in steps(lang) if step is None or s.name == step]
    with tour_directory(out) as where:
        what = place_corpus(where, corpus, lang)
        console.print(escape(text["corpus"].format(out=where, corpus=what)), style="italic", soft_wrap=True)
        if step in NEEDS_WORDS:  # they read the word stream the word-ngrams step writes: shown too,
            _command(console, MAKE_WORDS)  # so the printed commands rerun as they are
            run_pipeline(MAKE_WORDS, where)
        for i, s in enumerate(chosen):
            if pause and i > 0:
                wait_for_enter(text["pause"])
            console.rule(f"[bold]{escape(s.title)}")
            console.print(escape(s.explain), style="italic", soft_wrap=True)
            for pipeline in s.pipelines:
                _command(console, pipeline)
                show(console, pipeline, run_pipeline(pipeline, where))
    done = text["done"].format(seconds=time.perf_counter() - started)
    note(done if out is not None else done + text["not-kept"])
    if out is not None:
        note(text["kept"].format(out=out))


def _command(console: Console, pipeline: Pipeline) -> None:
    """The command a step runs, as the shell line a student can copy (one line, never wrapped)."""
    console.print(f"[bold cyan]$ {escape(pipeline.shell())}", soft_wrap=True)


def show(console: Console, pipeline: Pipeline, output: str) -> None:
    """A pipeline's output as the shell shows it: its lines (the first ``show``), or its one line after a label."""
    lines = output.rstrip("\n").splitlines()
    if pipeline.label is not None:
        console.print(escape(f"{pipeline.label} {' '.join(lines)}"), soft_wrap=True)
        return
    shown = lines[: pipeline.show]
    if len(lines) > len(shown):
        shown.append(f"... ({len(lines) - len(shown)} more lines)")
    if shown:
        console.print(escape("\n".join(shown)), soft_wrap=True)
        console.print()


def wait_for_enter(prompt: str) -> None:
    """Wait for a line on standard input (the end of input counts as Enter, so a pipe never hangs)."""
    ask(prompt)
