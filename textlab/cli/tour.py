"""``textlab tour``: the whole lecture, step by step, on a bundled corpus."""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.markup import escape

from ..tour import STEP_NAMES, run_tour
from .app import app


@app.command(
    epilog="Examples:\n\n"
    "  textlab tour\n\n"
    "  textlab tour --step pairs --out class-files\n\n"
    "  textlab wiki fetch --lang es Gato Perro Caballo -o es.txt && textlab tour --lang es --corpus es.txt",
)
def tour(
    step: Annotated[Optional[str], typer.Option("--step", help=f"Run one step: {', '.join(STEP_NAMES)}.", show_default=False)] = None,
    corpus: Annotated[Optional[str], typer.Option("--corpus", help="Your own text instead of the bundled English articles.", metavar="FILE")] = None,
    lang: Annotated[str, typer.Option("--lang", help="en or es: the language of the examples (es needs --corpus).")] = "en",
    out: Annotated[Optional[Path], typer.Option("--out", help="Keep every file the steps write (tables, tokenizer, vectors, images) here.", metavar="DIR")] = None,
) -> None:
    """Run the lecture's path — letters, letter pairs, random text, tokens, embeddings,
    next-word probabilities — printing each textlab command before its output."""
    console = Console(highlight=False)
    started = time.perf_counter()

    def say(kind: str, text: str) -> None:
        if kind == "title":
            console.rule(f"[bold]{escape(text)}")
        elif kind == "explain":
            console.print(escape(text), style="italic", soft_wrap=True)
        elif kind == "command":
            console.print(f"[bold cyan]$ {escape(text)}", soft_wrap=True)  # one line: copy and paste it
        else:
            console.print(escape(text), soft_wrap=True)
            console.print()

    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        run_tour(corpus, out, lang, step, say)
        print(f"textlab: the tour's files are in {out}", file=sys.stderr)
    else:
        with tempfile.TemporaryDirectory(prefix="textlab-tour-") as d:
            run_tour(corpus, Path(d), lang, step, say)
    print(f"textlab: tour done in {time.perf_counter() - started:.0f} s (--out DIR keeps its files)", file=sys.stderr)
