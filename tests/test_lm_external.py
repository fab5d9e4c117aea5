"""A Kneser-Ney model estimated from sorted runs on disk is the model estimated in memory:
the same ARPA file, byte for byte, whatever the budget."""

from __future__ import annotations

import io

import numpy as np
import pytest

from textlab.lm import external
from textlab.lm.arpa import write_arpa
from textlab.lm.model import LanguageModel
from textlab.lm.text import train_trie
from textlab.spill import RunStore
from textlab.spilled import SpilledTable

from .conftest import corpus_head
from .test_spill import text


def chunks_of(data: bytes, lines: int = 200) -> list[bytes]:
    """The text in chunks of whole lines, as a reader gives it: a count meets many."""
    split = data.splitlines(keepends=True)
    return [b"".join(split[i : i + lines]) for i in range(0, len(split), lines)]


def both(data: bytes, order: int, memory: int, monkeypatch, **options) -> tuple[bytes, bytes, dict]:
    """The ARPA file of the model in memory and of the one from disk, and what the disk
    side did: its counters' runs, and how many times a sort of its own wrote one."""
    chunks = chunks_of(data)
    trie = train_trie(chunks, order, **options)
    in_memory = io.BytesIO()
    write_arpa(LanguageModel(trie, order=order), in_memory)
    spills = []
    real_spill = external.Sorter._spill

    def counted_spill(self):
        spills.append(len(self.held))
        real_spill(self)

    monkeypatch.setattr(external.Sorter, "_spill", counted_spill)
    with RunStore() as store:
        counted = train_trie(chunks, order, memory=memory, store=store, **options)
        assert isinstance(counted, SpilledTable), "the budget held the counts: make it smaller"
        runs = {k: len(c.runs) for k, c in counted.counters.items()}
        on_disk = io.BytesIO()
        external.write_arpa_from_runs(counted.counters, counted.tokens, counted.unit, store, memory, on_disk)
    return in_memory.getvalue(), on_disk.getvalue(), {"runs": runs, "sorts spilled": sum(n > 0 for n in spills)}


@pytest.mark.parametrize(
    "order, options",
    [
        (2, dict(unit="word")),
        (3, dict(unit="word", blank_lines=True)),
        (6, dict(unit="word")),  # 6 ids of 12 bits: keys of raw bytes, past 64 bits
        (5, dict(unit="char")),
    ],
)
def test_a_model_estimated_on_disk_is_the_model_in_memory(tmp_path, monkeypatch, order, options):
    data = open(text(tmp_path, words=120_000), "rb").read()
    if options.get("blank_lines"):
        data = data.replace(b"\n", b"\n\n", 50)  # some empty sentences
    in_memory, on_disk, did = both(data, order, 200_000, monkeypatch, **options)
    assert max(did["runs"].values()) > 1 and did["sorts spilled"] > 0, did  # the disk side really was on disk
    assert on_disk == in_memory
    assert in_memory.count(b"\n\\") == order + 1  # a section per order, and \end\


@pytest.mark.parametrize("order, options", [(4, dict(unit="word")), (4, dict(unit="char", letters_only=True))])
def test_real_prose_on_disk_is_the_model_in_memory(monkeypatch, order, options):
    """Spanish prose: real counts of counts, so real discounts (not the fallback), and
    letters of words (each word a segment)."""
    data = corpus_head("es", 600_000)
    in_memory, on_disk, did = both(data, order, 200_000, monkeypatch, **options)
    assert did["sorts spilled"] > 0
    assert on_disk == in_memory


def test_the_command_past_its_budget_writes_the_same_file(run, tmp_path):
    path = text(tmp_path, words=150_000)
    runs = tmp_path / "runs"
    runs.mkdir()
    for args in (["--unit", "word", "-n", "4"], ["-n", "5"]):
        here = run("lm", *args, path)
        spilled = run("lm", *args, path, "--memory", "64K", "--tmp-dir", str(runs))
        assert here.exit_code == 0 and spilled.exit_code == 0, spilled.stderr
        assert "passed --memory 64K" in spilled.stderr
        assert spilled.stdout == here.stdout
    assert list(runs.iterdir()) == []  # the runs are gone
    bad = run("lm", "--memory", "lots", path)
    assert bad.exit_code == 2 and "--memory" in bad.stderr


def test_a_sort_merges_its_runs_in_key_order(tmp_path):
    rng = np.random.default_rng(0)
    keys = rng.permutation(50_000).astype(np.uint64)
    with RunStore(str(tmp_path)) as store:
        sorter = external.Sorter(store, limit=64_000)
        for begin in range(0, len(keys), 3000):
            sorter.add({"key": keys[begin : begin + 3000], "value": -keys[begin : begin + 3000].astype(np.int64)})
        assert len(sorter.runs) > 5
        blocks = list(sorter.blocks())
    merged = np.concatenate([b["key"] for b in blocks])
    assert merged.tolist() == list(range(50_000))
    assert np.concatenate([b["value"] for b in blocks]).tolist() == [-k for k in range(50_000)]


def test_a_lookup_joins_queries_in_key_order():
    table = [{"key": np.arange(0, 100, 2), "p": np.arange(50) * 1.0}]
    lookup = external.Lookup(iter([{n: v[i : i + 7] for n, v in table[0].items()} for i in range(0, 50, 7)]))
    (first,) = lookup.find(np.array([0, 1, 2, 40]), "p")
    (then,) = lookup.find(np.array([40, 41, 98, 99]), "p")
    assert first.tolist() == [0, 0, 1, 20] and then.tolist() == [20, 0, 49, 0]  # absent: 0


def test_whole_groups_never_splits_a_group():
    keys = np.repeat(np.arange(20), np.arange(1, 21))
    blocks = [{"key": keys[i : i + 9]} for i in range(0, len(keys), 9)]
    out = list(external.whole_groups(iter(blocks), lambda b: b["key"]))
    assert np.concatenate([b["key"] for b in out]).tolist() == keys.tolist()
    seen = [set(b["key"].tolist()) for b in out]
    assert all(not (a & b) for i, a in enumerate(seen) for b in seen[i + 1 :])
