"""Counting past a memory budget: sorted runs on disk, merged, the same table in the same order."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from textlab.cli.ngrams import kept_rows
from textlab.io import TextReader
from textlab.ngrams import count_ngrams, count_within
from textlab.spill import RunStore, add_up, by_count_key, merged
from textlab.spilled import SpilledTable

from .conftest import corpus_head


def text(tmp_path: Path, words: int = 60_000, vocabulary: int = 3000, seed: int = 3) -> str:
    """Zipf-like words (many seen once, some often), lines of 0 to 20 words, ^ and $ and <s> among them."""
    rng = random.Random(seed)
    vocab = [f"w{i}" for i in range(vocabulary)] + ["^", "$", "<s>", "ñandú", "日本"]
    weights = [1 / (i + 1) for i in range(len(vocab))]
    out, left = [], words
    while left > 0:
        k = min(left, rng.randint(0, 20))
        out.append(" ".join(rng.choices(vocab, weights, k=k)))
        left -= k
    path = tmp_path / "t.txt"
    path.write_text("\n".join(out) + "\n")
    return str(path)


def in_memory_rows(table, min_count: int, top: int | None, prob: bool) -> list:
    keep = kept_rows(table, min_count, top)
    shown = table.select(keep)
    probs = table.probabilities()[keep].tolist() if prob else [None] * len(shown)
    return list(zip(shown.order.tolist(), shown.ngrams, shown.counts.tolist(), probs))


def spilled_rows(table: SpilledTable, min_count: int, top: int | None, prob: bool) -> list:
    rows: list = []
    for block, probs in table.blocks(min_count, top, prob):
        p = probs.tolist() if probs is not None else [None] * len(block)
        rows += list(zip(block.order.tolist(), block.ngrams, block.counts.tolist(), p))
    return rows


@pytest.mark.parametrize(
    "unit, orders, boundaries",
    [("word", [2], False), ("word", [1, 2, 3], True), ("char", [3, 5], False), ("char", [1, 6], True)],
)
def test_a_spilled_count_is_the_table_in_memory(tmp_path, unit, orders, boundaries):
    path = text(tmp_path, words=150_000)
    settings = dict(unit=unit, orders=orders, boundaries=boundaries)
    here = count_ngrams(TextReader([path]).chunks(), **settings)
    with RunStore(str(tmp_path)) as store:
        # small pieces and a tiny budget: dozens of runs, and the counted-more-than-once rows sorted on disk too
        spilled = count_within(TextReader([path], chunk_size=8192).chunks(), 1 << 16, store, **settings)
        assert isinstance(spilled, SpilledTable)
        assert all(len(c.runs) > 5 for c in spilled.counters.values() if c.spilled)
        for min_count, top, prob in [(1, None, False), (2, None, True), (1, 7, True), (3, 1, False)]:
            assert spilled_rows(spilled, min_count, top, prob) == in_memory_rows(here, min_count, top, prob)
    assert not any(name.startswith("textlab-spill-") for name in os.listdir(tmp_path))  # the runs are gone


def test_under_the_budget_nothing_is_written(tmp_path):
    path = text(tmp_path, words=2000)
    with RunStore(str(tmp_path)) as store:
        table = count_within(TextReader([path]).chunks(), 1 << 30, store, unit="word", orders=[2])
        assert not isinstance(table, SpilledTable) and store.path is None


def test_merged_blocks_add_up_equal_keys_across_runs():
    rng = np.random.default_rng(0)
    runs = [np.sort(rng.integers(0, 500, size=rng.integers(1, 300))) for _ in range(7)]

    def blocks(keys: np.ndarray):
        uniq, counts = np.unique(keys, return_counts=True)
        for start in range(0, len(uniq), 13):  # blocks of 13: cuts everywhere
            yield {"key": uniq[start : start + 13], "count": counts[start : start + 13]}

    out = list(merged([blocks(r) for r in runs], "key", add_up))
    keys = np.concatenate([b["key"] for b in out])
    counts = np.concatenate([b["count"] for b in out])
    expected_keys, expected_counts = np.unique(np.concatenate(runs), return_counts=True)
    assert keys.tolist() == expected_keys.tolist() and counts.tolist() == expected_counts.tolist()


def test_rank_sorts_most_frequent_first_then_by_key():
    counts = np.array([1, 5, 5, 2, 5])
    keys = np.array([9, 7, 3, 1, 2], np.uint64)
    order = np.argsort(by_count_key(counts, keys), kind="stable")
    assert list(zip(counts[order].tolist(), keys[order].tolist())) == [(5, 2), (5, 3), (5, 7), (2, 1), (1, 9)]


def test_the_command_with_a_budget_writes_the_same_table(run, tmp_path):
    path = text(tmp_path)
    for args in (["--unit", "word", "-n", "2"], ["--unit", "word", "--orders", "1-3", "-b", "--prob"], ["-n", "4"]):
        here = run("ngrams", *args, path)
        spilled = run("ngrams", *args, path, "--memory", "64K", "--tmp-dir", str(tmp_path))
        assert here.exit_code == 0 and spilled.exit_code == 0, spilled.stderr
        assert spilled.stdout == here.stdout
    empty = run("ngrams", "--unit", "word", "-n", "2", "--min-count", "10000000", "--memory", "64K", path)
    assert empty.stdout == "ngram\tcount\n"  # every row filtered out: the header, as in memory
    bad = run("ngrams", "--memory", "lots", path)
    assert bad.exit_code == 2 and "--memory" in bad.stderr


@pytest.mark.parametrize(
    "sig, command",
    [
        (signal.SIGINT, ["ngrams", "--unit", "word", "-n", "2"]),
        (signal.SIGTERM, ["ngrams", "--unit", "word", "-n", "2"]),
        (signal.SIGINT, ["lm", "--unit", "word", "-n", "3"]),  # a model estimated on disk
    ],
)
def test_interrupting_a_spilling_count_leaves_no_runs_and_no_output(tmp_path, sig, command):
    big = tmp_path / "big.txt"
    words = [f"w{i}" for i in range(200_000)]
    rng = random.Random(1)
    with open(big, "w") as f:
        for _ in range(25):  # 5 million words, nearly every bigram new: it spills within a second
            rng.shuffle(words)
            f.write(" ".join(words) + "\n")
    spill_dir = tmp_path / "runs"
    spill_dir.mkdir()
    out = tmp_path / "t.tsv"
    proc = subprocess.Popen(
        [sys.executable, "-m", "textlab", *command, str(big)]
        + ["--memory", "2M", "--tmp-dir", str(spill_dir), "-o", str(out)],
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while not any(spill_dir.iterdir()) and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    assert proc.poll() is None, "the count ended before it spilled: make the text bigger"
    assert any(spill_dir.iterdir())  # it is spilling
    time.sleep(0.3)
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode in (130, 143), err
    assert list(spill_dir.iterdir()) == []
    assert not out.exists() and [p.name for p in tmp_path.iterdir() if p.name.startswith(".t.tsv")] == []


@pytest.mark.parametrize("unit, orders", [("word", "1-3"), ("word", "2"), ("char", "1-4")])
def test_merging_tables_one_at_a_time_and_past_the_budget_is_the_merge_in_memory(run, tmp_path, unit, orders):
    """--merge reads one table at a time into its counters, spilling past --memory: the very
    bytes of the merge of every table held at once (merge_tables), ties in the same order."""
    from textlab.ngrams import merge_tables, merge_within, read_table
    from textlab.table_writer import TableWriter

    parts = []
    for seed in range(4):  # tables that share most n-grams, with some of their own
        part = text(tmp_path, words=15_000, vocabulary=2500 + 300 * seed, seed=seed)  # ids past dense counting
        table = tmp_path / f"part{seed}.tsv"
        os.replace(part, tmp_path / f"part{seed}.txt")
        r = run("ngrams", "--unit", unit, "--orders", orders, str(tmp_path / f"part{seed}.txt"), "-o", str(table))
        assert r.exit_code == 0, r.stderr
        parts.append(str(table))
    held = merge_tables(read_table(p, unit) for p in parts)
    out = tmp_path / "held.tsv"
    with open(out, "wb") as f:
        f.write(b"x\n")
        TableWriter(held.tokens, unit).write(f, held, "-" in orders)
    expected = out.read_bytes().split(b"\n", 1)[1]
    with RunStore(str(tmp_path)) as store:
        streamed = merge_within((read_table(p, unit) for p in parts), 1 << 16, store)
        assert isinstance(streamed, SpilledTable) == (unit == "word")  # the char tables fit even 64 KB
    for memory in ([], ["--memory", "64K"]):
        r = run("ngrams", "--merge", "--unit", unit, *parts, *memory, "-o", str(tmp_path / "merged.tsv"))
        assert r.exit_code == 0, r.stderr
        assert (tmp_path / "merged.tsv").read_bytes().split(b"\n", 1)[1] == expected, memory
    with_prob = [run("ngrams", "--merge", "--prob", "--unit", unit, *parts, *m) for m in ([], ["--memory", "64K"])]
    assert with_prob[0].exit_code == with_prob[1].exit_code == 0, with_prob[1].stderr
    assert with_prob[0].stdout == with_prob[1].stdout and "inf" not in with_prob[1].stdout  # P(w) = c(w) / all


@pytest.mark.parametrize(
    "args", [["-n", "4"], ["-n", "5", "-i", "--percent"], ["-n", "4", "--all-chars", "--top", "40"]]
)
def test_letter_ngrams_past_the_budget_are_the_table_in_memory(run, tmp_path, args):
    """letters -n past --memory: runs on disk renumbered so ties stay in code point order,
    the very bytes of the count in memory (many n-grams are tied at one occurrence)."""
    source = tmp_path / "es.txt"
    source.write_bytes(corpus_head("es", 300_000))
    held = run("letters", *args, str(source))
    spilled = run("letters", *args, "--memory", "64K", "--tmp-dir", str(tmp_path), str(source))
    assert held.exit_code == spilled.exit_code == 0, spilled.stderr
    assert "sorted runs" in spilled.stderr  # it did spill
    assert spilled.stdout == held.stdout and held.stdout.count("\n") > 40
    assert not [p for p in tmp_path.iterdir() if p.name.startswith("textlab-spill")]  # the runs are gone


@pytest.mark.parametrize("command", [["letters", "-n", "4"], ["ngrams", "--unit", "word", "-n", "2"]])
def test_a_spilled_top_is_shown_as_the_table_in_memory_is(run, tmp_path, command):
    """--format table (a terminal's) with --top: a spilled count holds only those rows, and
    shows them as the count in memory does, not as TSV."""
    if command[0] == "letters":  # enough distinct letters that 4-grams are not counted densely
        path = str(tmp_path / "es.txt")
        Path(path).write_bytes(corpus_head("es", 300_000))
    else:
        path = text(tmp_path, words=40_000, vocabulary=5000)
    args = [*command, "--format", "table", "--top", "8", path]
    held, spilled = run(*args), run(*args, "--memory", "64K", "--tmp-dir", str(tmp_path))
    assert held.exit_code == spilled.exit_code == 0, spilled.stderr
    assert "sorted runs" in spilled.stderr and "\t" not in spilled.stdout
    assert spilled.stdout == held.stdout
