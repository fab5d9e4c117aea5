"""``textlab perplexity`` and ``textlab lm``: evaluating n-gram models and writing them as ARPA files."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from .. import io
from ..errors import EmptyInput, UsageError
from .app import command_app
from .lm_common import (
    BlankLines,
    IgnoreCase,
    KOpt,
    LettersOnly,
    ModelOpt,
    OrderOpt,
    Smoothing,
    Unit,
    UnitOpt,
    build_model,
    table_order,
    train_counts,
)
from .options import Encoding, FormatOpt, Inputs, NoHeader, Output, Progress, TmpDir
from .output import emit_table, reading

if TYPE_CHECKING:
    from ..spill import RunStore
    from ..spilled import SpilledTable

app = command_app()  # this module's commands; textlab.cli.app loads it when one of them runs


@app.command(
    epilog="Examples:\n\n"
    "  textlab perplexity --train train.txt -n 3 test.txt\n\n"
    "  textlab perplexity --train train.txt --orders 2-5 --smoothing add-k,kn test.txt\n\n"
    "  textlab perplexity --unit word --train train.words --orders 2-4 test.words",
)
def perplexity(
    files: Inputs = None,
    train: Annotated[
        list[str] | None, typer.Option("--train", help="Text to train on (repeatable).", metavar="FILE")
    ] = None,
    model_path: ModelOpt = None,
    n: OrderOpt = None,
    orders: Annotated[
        str | None, typer.Option("--orders", help="Several orders, e.g. 2-5: one row each.", metavar="RANGE")
    ] = None,
    unit: UnitOpt = Unit.char,
    smoothing: Annotated[
        str, typer.Option("--smoothing", help="One or more of mle, add-k, kn, comma-separated.")
    ] = "kn",
    k: KOpt = 1.0,
    ignore_case: IgnoreCase = False,
    letters_only: LettersOnly = False,
    blank_lines: BlankLines = False,
    output: Output = None,
    fmt: FormatOpt = None,
    no_header: NoHeader = False,
    encoding: Encoding = None,
    progress: Progress = False,
) -> None:
    """Perplexity and bits per token of a model on held-out text (FILE), with OOVs counted as KenLM's query does.

    `perplexity` includes out-of-vocabulary tokens (each costs P(<unk>));
    `ppl_without_oov` leaves them out. </s> counts as a token; <s> does not.
    """
    # the library (and NumPy) is imported when the command runs, so `--help` stays fast
    from ..lm.model import LanguageModel
    from ..lm.text import model_ids, train_trie
    from ..lm.text import perplexity as measure_perplexity
    from ..lm.trie import Trie
    from ..malloc import returning_big_blocks
    from ..ngrams import read_table
    from .parsing import parse_orders

    if train is not None and model_path is not None:
        raise UsageError("give --train FILE (text) or --model TSV (a count table), not both")
    if train is None and model_path is None:
        raise UsageError("give the model: --train FILE (text) or --model TSV (a count table)")
    methods = [s.strip() for s in smoothing.split(",") if s.strip()]
    for m in methods:
        if m not in {s.value for s in Smoothing}:
            raise UsageError(f"unknown smoothing {m!r}: use mle, add-k or kn")
    if model_path is not None:
        table = read_table(model_path, unit.value)
        largest = int(table.order.max()) if len(table) else 0
    else:
        largest = 3
    wanted = parse_orders(None, orders) if orders is not None else [largest if n is None else n]
    if model_path is None:
        with returning_big_blocks(), reading(train, encoding, progress, label="training") as reader:
            trie = train_trie(reader.chunks(), max(wanted), unit.value, ignore_case, letters_only, blank_lines)
        if trie is None:
            raise EmptyInput("the training input")
        assert isinstance(trie, Trie)  # no store: nothing goes to disk
    else:
        trie = Trie(table)  # counted once, shared by every model asked for
    top = table_order(trie.order, model_path, max(wanted))  # past the text's longest n-grams: one warning
    rows = []
    test_ids = None
    for order in wanted:
        for method in methods:
            model = LanguageModel(trie, order=min(order, top), smoothing=method, k=k)
            if test_ids is None:  # the token stream is the same for every model of one table
                with reading(files, encoding, progress, label="evaluating") as reader:
                    test_ids = model_ids(reader.chunks(), model, ignore_case, letters_only, blank_lines)
            result = measure_perplexity(model, *test_ids)
            rows.append(
                (
                    unit.value,
                    order,
                    method,
                    result.tokens,
                    result.oov,
                    result.perplexity,
                    result.perplexity_excluding_oov,
                    result.bits_per_token,
                )
            )
    columns = ["unit", "order", "smoothing", "tokens", "oov", "perplexity", "ppl_without_oov", "bits_per_token"]
    emit_table(columns, rows, fmt=fmt, output=output, header=not no_header)


@app.command(
    epilog="Examples:\n\n"
    "  textlab corpus en | textlab lm -n 3 -o model.arpa\n\n"
    "  textlab corpus en | textlab words | textlab lm --unit word -n 3 -o words.arpa",
)
def lm(
    files: Inputs = None,
    n: OrderOpt = None,
    unit: UnitOpt = Unit.char,
    model_path: ModelOpt = None,
    ignore_case: IgnoreCase = False,
    letters_only: LettersOnly = False,
    blank_lines: BlankLines = False,
    output: Output = None,
    encoding: Encoding = None,
    progress: Progress = False,
    memory: Annotated[
        str | None,
        typer.Option(
            "--memory",
            help="Bytes the counts may hold (e.g. 300M, 2G); past it they go to sorted runs on disk and the "
            "model is estimated from them there, with the same ARPA file.  [default: a quarter of the "
            "machine's memory]",
            metavar="SIZE",
            show_default=False,
        ),
    ] = None,
    tmp_dir: TmpDir = None,
) -> None:
    """Build an interpolated modified Kneser-Ney model and write it in the ARPA format (KenLM, SRILM read it).

    Character models write a space as <space> (ARPA fields are separated by spaces).
    """
    from ..lm.arpa import write_arpa
    from ..lm.trie import Trie
    from ..malloc import returning_big_blocks
    from ..spill import RunStore, default_budget
    from .parsing import parse_size

    if model_path is not None:
        with returning_big_blocks():  # estimating makes and drops big arrays too: give them back (the
            # ARPA writer's blocks are better reused from the heap: an mmap each made it 1.5x slower)
            model = build_model(
                files, model_path, n, unit, Smoothing.kn, 1.0, ignore_case, letters_only, encoding, progress
            )
    else:
        from ..lm.model import LanguageModel

        budget = parse_size("--memory", memory) if memory is not None else default_budget()
        order = 3 if n is None else n
        with RunStore(tmp_dir) as store:  # the runs of counts past --memory, removed however the command ends
            counted = train_counts(
                files, order, unit, ignore_case, letters_only, encoding, progress, blank_lines, budget, store
            )
            if not isinstance(counted, Trie):
                _write_from_runs(counted, order, output, memory, budget, store)
                return
        with returning_big_blocks():
            model = LanguageModel(counted, order=table_order(counted.order, None, order))
    with io.atomic_output(output, binary=True) as out:
        write_arpa(model, out)


def _write_from_runs(
    counted: SpilledTable, order: int, output: str | None, memory: str | None, budget: int, store: RunStore
) -> None:
    """``lm``'s model estimated from counts that passed the budget, on disk."""
    from ..lm.external import write_arpa_from_runs
    from .output import note_spilled

    top = table_order(max(k for k, c in counted.counters.items() if c.total), None, max(order, 1))
    counters = {k: c for k, c in counted.counters.items() if k <= top}
    note_spilled(memory, budget, store, sum(len(c.runs) for c in counters.values()), "counts")
    with io.atomic_output(output, binary=True) as out:
        write_arpa_from_runs(counters, counted.tokens, counted.unit, store, budget, out)
