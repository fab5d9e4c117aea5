"""The lecture as one-liners: every step of "What is ChatGPT doing", run on a corpus.

Each step is a short explanation and one or more shell pipelines of textlab
commands. The tour prints each pipeline exactly as a student would type it,
runs it (as separate ``textlab`` processes, so what you see is what the
shell gives), and prints its output. Every file a step writes goes to one
directory, so a class can open the tables, the tokenizer, the vectors and the
pictures afterwards.
"""

from __future__ import annotations

import shlex
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .errors import DataError, UsageError

BUNDLED = Path(__file__).resolve().parent.parent / "corpora" / "wikipedia-en.txt"


@dataclass
class Pipeline:
    """Stages of one shell pipeline (each an argv for ``textlab``), optional text fed to the first,
    and how many lines of its output to show."""

    stages: list[list[str]]
    stdin: str | None = None
    show: int = 15
    label: str | None = None  # print the output on one line after this label (side by side)
    joiner: str = "  "  # what goes between the output lines when they are put on one line

    def shell(self) -> str:
        text = " | ".join(shlex.join(["textlab", *s]) for s in self.stages)
        return f"echo {shlex.quote(self.stdin.strip())} | {text}" if self.stdin else text


@dataclass
class Step:
    name: str
    title: str
    explain: str
    pipelines: list[Pipeline] = field(default_factory=list)


@dataclass
class Examples:
    """The words each language's steps use."""

    start: str
    context: str
    sentence: str
    neighbours: list[str]
    analogy: list[str]


EXAMPLES = {
    "en": Examples("the", "the first", "Language models split text into tokens.", ["moon", "water", "animal"],
                   ["man", "woman", "king"]),
    "es": Examples("el", "el caballero", "Los modelos de lenguaje dividen el texto en piezas.", ["caballero", "agua", "casa"],
                   ["hombre", "mujer", "rey"]),
}


def steps(corpus: str, lang: str = "en") -> list[Step]:
    """The tour's steps over ``corpus``; every file they name lives in the tour's directory."""
    ex = EXAMPLES[lang]
    words, tok, vec = "corpus.words", "tokenizer.json", "vectors.txt"
    return [
        Step("letters", "Letter counts",
             "Count the letters of the text, most frequent first, beside the standard English frequencies.",
             [Pipeline([["letters", "--compare", "english", corpus, "--top", "10"]])]),
        Step("random-letters", "Random letters",
             "Draw letters at random with the frequencies just counted: first letters alone, then with the space.",
             [Pipeline([["generate", "-n", "1", "--letters-only", "-i", "--words", "--count", "12", "--seed", "1", corpus]],
                       label="without the space:", joiner=""),
              Pipeline([["generate", "-n", "1", "-i", "--length", "60", "--seed", "1", corpus]])]),
        Step("pairs", "Letter pairs",
             "How often each letter follows each other one: row q is all u. The full picture goes to pairs.png.",
             [Pipeline([["heatmap", "--alphabet", "a-z", corpus, "-o", "pairs.png"]]),
              Pipeline([["ngrams", "-n", "2", "--letters-only", "-i", "--prob", "--top", "8", corpus]])]),
        Step("random-words", "Random words from letter n-grams",
             "Words drawn letter by letter from models of growing order n: from noise to something like the language.",
             [Pipeline([["generate", "-n", str(n), "--words", "-i", "--count", "6", "--seed", "1", corpus]],
                       label=f"n = {n}:") for n in range(6)]),
        Step("word-ngrams", "Text from word n-grams",
             f"Continue {ex.start!r} with a model of word triples (each word depends on the two before it).",
             [Pipeline([["words", corpus, "-o", words]]),
              Pipeline([["generate", "--unit", "word", "-n", "3", "--start", ex.start, "--length", "25", "--seed", "1", words]])]),
        Step("tokens", "Tokens",
             "Train a byte-pair-encoding tokenizer on the text, look at its first merges, and split a sentence.",
             [Pipeline([["bpe", "train", corpus, "--vocab-size", "1000", "-o", tok]]),
              Pipeline([["bpe", "inspect", "-t", tok, "--top", "8"]]),
              Pipeline([["bpe", "encode", "-t", tok]], stdin=ex.sentence + "\n")]),
        Step("embeddings", "Embeddings",
             "Fit word vectors (word2vec, skip-gram) briefly, then ask for nearest words and an analogy. "
             "On a corpus this small the answers are rough; millions of words (a Wikipedia dump) make them good.",
             [Pipeline([["word2vec", words, "--min-count", "3", "--epochs", "5", "--quiet", "-o", vec]]),
              *[Pipeline([["similar", "-v", vec, w, "--top", "5"]]) for w in ex.neighbours[:1]],
              Pipeline([["analogy", "-v", vec, *ex.analogy, "--top", "3"]])]),
        Step("next-word", "Next-word probabilities and temperature",
             "The most probable next words after a context, then samples at temperature 0, 0.8 and 1.5.",
             [Pipeline([["predict", "--unit", "word", "-n", "3", ex.context, "--top", "5", words]]),
              *[Pipeline([["generate", "--unit", "word", "-n", "3", "--start", ex.context, "--length", "15",
                           "--temperature", t, "--seed", "1", words]]) for t in ("0", "0.8", "1.5")]]),
    ]


STEP_NAMES = [s.name for s in steps("corpus.txt")]


def run_pipeline(pipeline: Pipeline, where: Path) -> tuple[str, str]:
    """Run the stages as ``python -m textlab`` processes in ``where``, each one's output the next one's input."""
    data = pipeline.stdin.encode() if pipeline.stdin is not None else b""
    errors = []
    for stage in pipeline.stages:
        proc = subprocess.run([sys.executable, "-m", "textlab", *stage], input=data, capture_output=True, cwd=where)
        errors.append(proc.stderr.decode("utf-8", "replace"))
        if proc.returncode != 0:
            raise DataError(f"the step `{pipeline.shell()}` failed: {proc.stderr.decode('utf-8', 'replace').strip()}")
        data = proc.stdout
    return data.decode("utf-8", "replace"), "".join(errors)


def run_tour(
    corpus: str | None, out: Path, lang: str, only: str | None, say: Callable[[str, str], None]
) -> None:
    """Run the steps (or just ``only``), telling ``say(kind, text)`` what to print:
    kind is "title", "explain", "command" or "output"."""
    if lang not in EXAMPLES:
        raise UsageError(f"--lang {lang!r}: the tour speaks en or es")
    if corpus is None:
        if lang != "en":
            raise DataError(
                "no Spanish corpus is bundled",
                "fetch one and pass it: textlab wiki fetch --lang es Gato Perro Caballo -o es.txt && "
                "textlab tour --lang es --corpus es.txt",
            )
        corpus = str(BUNDLED)
    if not Path(corpus).is_file():
        raise DataError(f"{corpus}: no such corpus file")
    if only is not None and only not in STEP_NAMES:
        raise UsageError(f"--step {only!r}: choose one of {', '.join(STEP_NAMES)}")
    # The commands name the corpus corpus.txt, a link in the tour's directory, so that a
    # student can run them again there as they are printed.
    link = out / "corpus.txt"
    if link.is_symlink() or link.exists():
        link.unlink()
    link.symlink_to(Path(corpus).resolve())
    say("explain", f"In {out}, corpus.txt is {corpus}.")
    chosen = steps("corpus.txt", lang)
    if only is not None:
        chosen = [s for s in chosen if s.name == only]
        if only in ("embeddings", "next-word"):  # they read the word stream the word-ngrams step writes
            run_pipeline(Pipeline([["words", "corpus.txt", "-o", "corpus.words"]]), out)
    for step in chosen:
        say("title", step.title)
        say("explain", step.explain)
        for pipeline in step.pipelines:
            say("command", pipeline.shell())
            output, _ = run_pipeline(pipeline, out)
            lines = output.rstrip("\n").splitlines()
            if pipeline.label is not None:
                say("output", f"{pipeline.label} {pipeline.joiner.join(lines)}")
                continue
            shown = lines[: pipeline.show]
            if len(lines) > len(shown):
                shown.append(f"... ({len(lines) - len(shown)} more lines)")
            if shown:
                say("output", "\n".join(shown))
