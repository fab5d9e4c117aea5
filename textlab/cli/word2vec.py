"""``textlab word2vec``: fit word vectors with NumPy."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated

import typer

from .. import io
from .app import command_app
from .options import Encoding, Inputs, output_file, writable
from .output import note, reading
from .progress import Meter, wanted

if TYPE_CHECKING:
    from ..word2vec.train import Progress as TrainingProgress

app = command_app()  # this module's commands; textlab.cli.app loads it when one of them runs


def _show_training(meter: Meter) -> Callable[[TrainingProgress], None]:
    """Hand the trainer's reports (about one a second) to the progress meter."""

    def show(p: TrainingProgress) -> None:
        meter.update(p.done * p.total, p.total, epoch=p.epoch, epochs=p.epochs, alpha=p.alpha, loss=p.loss)

    return show


@app.command(
    epilog="Examples:\n\n"
    "  textlab corpus en | textlab words | textlab word2vec --min-count 3 --epochs 10 -o vectors.txt\n\n"
    "  textlab word2vec --cbow corpus.words -o vectors.bin --binary --save-vocab vocab.txt\n\n"
    "  textlab wiki dump enwiki.xml.bz2 | textlab words | textlab word2vec -o enwiki.vec",
)
def word2vec(
    output: Annotated[str, output_file("The vectors file (word2vec text format, or --binary).")],
    files: Inputs = None,
    cbow: Annotated[bool, typer.Option("--cbow", help="CBOW instead of skip-gram.")] = False,
    dim: Annotated[int, typer.Option("--dim", help="Dimensions of the vectors.")] = 100,
    window: Annotated[
        int, typer.Option("--window", help="Context words each side, at most (shrunk at random per word).")
    ] = 5,
    negative: Annotated[
        int, typer.Option("--negative", help="Negative samples per word, from unigram counts ** 0.75.")
    ] = 5,
    sample: Annotated[
        float, typer.Option("--sample", help="Sub-sampling threshold for frequent words (0: none).")
    ] = 1e-3,
    min_count: Annotated[int, typer.Option("--min-count", help="Leave out words seen fewer times.")] = 5,
    max_vocab: Annotated[
        int | None, typer.Option("--max-vocab", min=2, help="Keep only the N most frequent words.")
    ] = None,
    epochs: Annotated[int, typer.Option("--epochs", help="Passes over the corpus.")] = 5,
    alpha: Annotated[
        float | None,
        typer.Option(
            "--alpha",
            help="Starting learning rate, falling linearly to 1e-4 of it.  [default: 0.05, fastText's]",
            show_default=False,
        ),
    ] = None,
    seed: Annotated[int, typer.Option("--seed", help="Same seed, settings and --workers, same vectors.")] = 1,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers",
            help="Processes training together, each computing one mini-batch per round from the same "
            "weights (the vectors change with their number).  [default: the machine's cores]",
            show_default=False,
        ),
    ] = None,
    binary: Annotated[bool, typer.Option("--binary", help="The C tool's binary format.")] = False,
    save_vocab: Annotated[
        str | None,
        typer.Option(
            "--save-vocab",
            callback=writable,
            help="Also write the vocabulary here: 'word count' lines, most frequent first.",
            metavar="FILE",
        ),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress line.")] = False,
    progress: Annotated[
        bool, typer.Option("--progress", help="Show progress on stderr even when it is not a terminal.")
    ] = False,
    encoding: Encoding = None,
    memory: Annotated[
        str | None,
        typer.Option(
            "--memory",
            help="Bytes the corpus's word ids may take in memory (4 a word); past it they go to a temporary "
            "file ($TMPDIR) that training reads memory-mapped.  [default: a quarter of the machine's memory]",
            metavar="SIZE",
            show_default=False,
        ),
    ] = None,
    ids_file: Annotated[
        str | None,
        typer.Option(
            "--ids-file",
            help="Write the word ids to this file and train from it memory-mapped, whatever their size "
            "(a disk with room for 4 bytes a word); it is removed once mapped.",
            metavar="FILE",
        ),
    ] = None,
) -> None:
    """Fit word vectors (word2vec: skip-gram or CBOW, negative sampling) on a word stream.

    The input is what `textlab words` writes: one document per line, words
    separated by spaces. The defaults are the original C tool's (dim 100,
    window 5, negative 5, sample 1e-3, min-count 5, 5 epochs), except that
    skip-gram is the default mode and starts at fastText's rate, 0.05, as CBOW
    does (the C tool's skip-gram starts at 0.025: --alpha 0.025).
    """
    # the library (and NumPy) is imported when the command runs, so `--help` stays fast
    from ..malloc import returning_big_blocks
    from ..spill import default_budget
    from ..vectors import formats
    from ..word2vec import Settings, fit, read_corpus
    from .parsing import parse_size

    settings = Settings(
        dim=dim,
        window=window,
        negative=negative,
        sample=sample,
        epochs=epochs,
        alpha=alpha,
        cbow=cbow,
        seed=seed,
        workers=workers,
    )
    settings.check()
    io.check_output_path(output)  # before hours of training, not after
    io.check_output_path(save_vocab)
    budget = parse_size("--memory", memory) if memory is not None else default_budget()
    with returning_big_blocks(), reading(files, encoding, progress, quiet=quiet) as reader:
        corpus = read_corpus(reader.chunks(), min_count, max_vocab, budget, ids_file)
    if not quiet:
        note(
            f"{corpus.total_words:,} words, {len(corpus.words):,} in the vocabulary "
            f"(min-count {min_count}); {'CBOW' if cbow else 'skip-gram'}, {epochs} epoch{'s' if epochs != 1 else ''}"
        )
    fields = ("epoch {epoch}/{epochs}", "alpha {alpha:.5f}", "loss {loss:.4f}")
    with Meter("training", *fields, unit="words", show=not quiet and wanted(progress, own_work=True)) as meter:
        vectors = fit(corpus, settings, _show_training(meter) if meter.show else None)
    with io.atomic_output(output, binary=True) as out:
        formats.save(corpus.words, vectors, out, binary=binary)
    if save_vocab:
        with io.atomic_output(save_vocab) as out:  # the C tool's vocabulary file: "word count" lines
            out.write("".join(f"{w} {c}\n" for w, c in zip(corpus.words, corpus.counts.tolist())))
