"""Kneser-Ney estimated from sorted runs on disk: an ARPA model bigger than memory.

The in-memory model (:mod:`textlab.lm.model`) holds every order's n-grams in a
trie and walks its links. Past the memory budget the same numbers are computed
from the counts' sorted runs (:mod:`textlab.spill`), as KenLM's ``lmplz`` does,
with sorts on disk in place of links. An n-gram of order k is a key of its k
canonical ids (:func:`~textlab.lm.trie.canonical_ids`), packed so that keys sort
as the ids do: *lexicographic order*, which is the ARPA file's order too. Its
*suffix order* sorts the rows (w2..wk, w1): n-grams that share a suffix sit
together, in their suffix's lexicographic order.

Down the orders, k = N..2:

1. the adjusted counts: raw counts at the top order; below it, continuation
   counts (found at step 4 of the order above), and raw counts for the n-grams
   that start with <s> (nothing precedes them), in lexicographic order;
2. one pass over them for the counts of counts, so the discounts D1, D2, D3+;
3. one pass by context (lexicographic order keeps a context's n-grams together)
   for u of each n-gram and gamma of each context, by the model's own arithmetic
   (:func:`~textlab.lm.model.kn_order`); the gammas go to a run, the n-grams'
   (u, gamma of their context) to a sort in suffix order;
4. that sort read back: each suffix's stretch is one continuation count of the
   order below, in its lexicographic order.

Then up the orders, k = 1..N:

    P_k(h w) = u(h w) + gamma(h) * P_{k-1}(suffix)

read in suffix order beside P_{k-1} in lexicographic order (a merge join),
sorted back into lexicographic order, and written as the ARPA section, joined
with the back-off weights of the order above. Every sum runs over a context's
n-grams in the same order as in memory, so the file is the in-memory model's,
byte for byte (the tests compare them).

Memory is a few blocks and each sort's buffer, whatever the number of n-grams;
the disk holds each order a few times over.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import IO

import numpy as np

from ..counting import KeyPacker, NgramCounter, run_lengths
from ..spill import Block, Run, RunStore, add_up, merged
from .arpa import BLOCK, ArpaWriter, backoff_weights, listed_unigrams, log10_probabilities, unigram_probabilities
from .model import counts_of_counts, discounts_of, kn_discounts, kn_order, predictable
from .trie import canonical_ids

#: The budget's parts: one for the sort being filled, one for the blocks being read from
#: disk (split among the runs merged), the rest for what a block's arithmetic and a sort's
#: copies make. Measured, `lm --unit word -n 5 --memory 300M` on Webster's words: 8 parts
#: peaked at 458 MB (a sort and a merge at once each take about 4x their part), 16 at 285 MB.
SHARES = 16


def write_arpa_from_runs(
    counters: dict[int, NgramCounter], tokens: list[str], unit: str, store: RunStore, memory: int, out: IO[bytes]
) -> None:
    """The Kneser-Ney model of orders 1..max(counters) of counts (some of them on disk, their
    ids indexing ``tokens``, markers first), written to ``out`` as an ARPA file."""
    DiskModel(counters, tokens, unit, store, memory).write(out)


class DiskModel:
    """One estimate from counts on disk (see the module's docstring)."""

    def __init__(
        self, counters: dict[int, NgramCounter], tokens: list[str], unit: str, store: RunStore, memory: int
    ) -> None:
        new_id, self.tokens = canonical_ids(tokens, unit)
        for counter in counters.values():
            counter.renumber(new_id)  # keys in canonical ids: lexicographic order is the ARPA file's
        self.counters = counters
        self.unit = unit
        self.order = max(counters)
        self.V = len(self.tokens)
        self.bos, self.eos, self.unk = 0, 1, self.V - 1
        self.packers = {k: KeyPacker.fitting(k, self.V - 1) for k in range(1, self.order + 1)}
        self.store = store
        self.share = max(1 << 16, memory // SHARES)
        # order 1 is held in memory, arrays as long as the vocabulary (its counter spills only
        # past 2**22 distinct tokens: then it is read back from its runs)
        self.unigram_counts = np.zeros(self.V, np.int64)
        unigrams = counters[1]
        for block in unigrams.key_blocks(self._rows(len(unigrams.runs) + 1)):
            self.unigram_counts[unigrams.packer.unpack(block["key"], np.int64)[:, 0]] = block["count"]
        self.predictable = predictable(self.unigram_counts, self.bos, self.eos, self.unk)
        self.sizes: dict[int, int] = {}
        self.gammas: dict[int, Run] = {}  # order k: each context's gamma and total, lexicographic
        self.by_suffix: dict[int, Sorter] = {}  # order k: each n-gram's u and its context's gamma

    # -- the passes ---------------------------------------------------------------
    def write(self, out: IO[bytes]) -> None:
        continuations: Run | None = None
        for k in range(self.order, 1, -1):
            continuations = self._estimate(k, continuations)
        u1, gamma1 = self._unigrams(continuations)
        writer = ArpaWriter(out, self.tokens, self.unit)
        listed = listed_unigrams(self.predictable, self.bos)
        writer.header([int(listed.sum())] + [self.sizes[k] for k in range(2, self.order + 1)])
        probs = unigram_probabilities(u1, gamma1, int(self.predictable.sum()), self.bos)
        writer.unigrams(probs, listed, self.bos, self._unigram_backoffs())
        below: Run | None = None
        for k in range(2, self.order + 1):
            below = self._interpolate(writer, k, probs, below)
        writer.end()

    def _estimate(self, k: int, continuations: Run | None) -> Run:
        """Order k's u and gamma (steps 1-3), and the continuation counts of order k-1 (step 4)."""
        t = np.zeros(4, np.int64)
        size = 0
        written = self.store.appending()  # kept in order: the second pass reads them back with no merge
        for block in self._adjusted(k, continuations):
            t += counts_of_counts(block["count"])
            size += len(block["key"])
            written.add(block)
        adjusted = written.finish()
        if continuations is not None:
            self.store.remove(continuations)
        self.sizes[k] = size
        d = discounts_of(t)
        gammas = self.store.appending()
        by_suffix = Sorter(self.store, self.share)
        packer, context_packer = self.packers[k], self.packers[k - 1]
        suffix_first = [*range(1, k), 0]
        for block in whole_groups(adjusted.blocks(self._rows(1)), lambda b: _first(b["key"], packer, k - 1)):
            rows = packer.unpack(block["key"])
            context = context_packer.rows(rows[:, : k - 1])
            new = np.concatenate([[True], context[1:] != context[:-1]])
            local = np.cumsum(new) - 1
            first = np.flatnonzero(new)
            u, gamma, total = kn_order(block["count"].astype(float), local, len(first), d)
            gammas.add({"key": context[first], "gamma": gamma, "total": total})
            by_suffix.add({"key": packer.rows(rows[:, suffix_first]), "u": u, "gamma": gamma[local]})
        self.gammas[k] = gammas.finish()
        self.by_suffix[k] = by_suffix
        self.store.remove(adjusted)
        # step 4: the n-grams of each suffix, counted
        counted = self.store.appending()
        for block in whole_groups(by_suffix.blocks(), lambda b: _first(b["key"], packer, k - 1)):
            suffixes, counts = run_lengths(context_packer.rows(packer.unpack(block["key"])[:, : k - 1]))
            counted.add({"key": suffixes, "count": counts})
        return counted.finish()

    def _adjusted(self, k: int, continuations: Run | None) -> Iterator[Block]:
        """Order k's n-grams in lexicographic order, with their adjusted counts."""
        if continuations is None:  # the top order: raw counts
            yield from self._counted(k)
            return
        packer = self.packers[k]

        def raw_after_bos() -> Iterator[Block]:  # every n-gram, with its raw count if it starts with <s>
            for block in self._counted(k):
                starts = _first_token(block["key"], packer)
                yield {"key": block["key"], "count": np.where(starts == self.bos, block["count"], 0)}

        rows = self._rows(2)
        yield from merged([raw_after_bos(), continuations.blocks(rows)], "key", add_up)

    def _counted(self, k: int) -> Iterator[Block]:
        """Order k's counts in lexicographic order (the counter's runs merged)."""
        counter = self.counters[k]
        for block in counter.key_blocks(self._rows(len(counter.runs) + 1)):
            yield {"key": self.packers[k].rows(counter.packer.unpack(block["key"])), "count": block["count"]}

    def _unigrams(self, continuations: Run | None) -> tuple[np.ndarray, float]:
        """u and gamma of order 1, as the in-memory model estimates them."""
        if continuations is None:  # a unigram model: raw counts
            a = self.unigram_counts.astype(float)
        else:
            a = np.zeros(self.V)
            for block in continuations.blocks(self._rows(1)):
                a[block["key"].astype(np.int64)] = block["count"]
            self.store.remove(continuations)
        a[self.bos] = 0  # <s> is a context, never a prediction
        u, gamma, _ = kn_order(a, np.zeros(len(a), np.int64), 1, kn_discounts(a[a > 0]))
        return u, float(gamma[0])

    def _unigram_backoffs(self) -> np.ndarray | None:
        """log10 of each token's back-off weight as a context of order 2 (None for a unigram model)."""
        if self.order == 1:
            return None
        gamma, total = np.zeros(self.V), np.zeros(self.V)
        for block in self.gammas[2].blocks(self._rows(1)):
            at = block["key"].astype(np.int64)
            gamma[at], total[at] = block["gamma"], block["total"]
        return backoff_weights(gamma, total)

    def _interpolate(self, writer: ArpaWriter, k: int, unigrams: np.ndarray, below: Run | None) -> Run | None:
        """Order k's probabilities, from u, gamma and the order below's; written out as the
        section of order k, and kept (lexicographic) for the order above."""
        packer = self.packers[k]
        lower = None if below is None else Lookup(below.blocks(self._rows(1)))
        by_key = Sorter(self.store, self.share)
        back = np.argsort([*range(1, k), 0])  # suffix-first columns back to w1..wk
        for block in self.by_suffix[k].blocks():
            rows = packer.unpack(block["key"])  # w2..wk, w1
            if lower is None:  # order 2: the suffix is a token
                p_suffix = unigrams[rows[:, 0].astype(np.int64)]
            else:
                (p_suffix,) = lower.find(self.packers[k - 1].rows(rows[:, : k - 1]), "p")
            probs = block["u"] + block["gamma"] * p_suffix
            by_key.add({"key": packer.rows(rows[:, back]), "p": probs})
        self.by_suffix.pop(k).close()
        if below is not None:
            self.store.remove(below)
        writer.section(k)
        top = k == self.order
        above = None if top else Lookup(self.gammas[k + 1].blocks(self._rows(1)))
        kept = None if top else self.store.appending()
        for block in by_key.blocks():
            rows = packer.unpack(block["key"])
            logp = log10_probabilities(block["p"])
            bow = None
            if above is not None:
                bow = backoff_weights(*above.find(block["key"], "gamma", "total"))
            for begin in range(0, len(rows), BLOCK):
                end = begin + BLOCK
                tokens = [rows[begin:end, j] for j in range(k)]
                writer.lines(tokens, logp[begin:end], bow[begin:end] if bow is not None else None)
            if kept is not None:
                kept.add(block)
        by_key.close()
        if not top:
            self.store.remove(self.gammas.pop(k + 1))
        return kept.finish() if kept is not None else None

    def _rows(self, sources: int) -> int:
        """Rows a block read from each of ``sources`` runs at once (a few dozen bytes a row)."""
        return max(1 << 12, self.share // (48 * max(sources, 1)))


def _first(keys: np.ndarray, packer: KeyPacker, j: int) -> np.ndarray:
    """The key of the first ``j`` ids of each key (its context, its first token...)."""
    if not packer.raw:
        return keys >> keys.dtype.type(packer.bits * (packer.n - j))
    return np.ascontiguousarray(keys.view(np.uint8).reshape(len(keys), -1)[:, : 4 * j]).view(f"V{4 * j}").ravel()


def _first_token(keys: np.ndarray, packer: KeyPacker) -> np.ndarray:
    """The first token id of each key (a raw key's first 4 bytes are its first id, big-endian)."""
    first = _first(keys, packer, 1)
    return first.view(">u4") if packer.raw else first


def whole_groups(blocks: Iterator[Block], group: Callable[[Block], np.ndarray]) -> Iterator[Block]:
    """The blocks again, cut so that no group (rows with an equal ``group`` value, side by
    side) is split between two: a block's last group waits for the next block."""
    carry: Block | None = None
    for block in blocks:
        if carry is not None:
            block = {name: np.concatenate([carry[name], values]) for name, values in block.items()}
        if not len(block["key"]):
            continue
        groups = group(block)
        cut = int(np.searchsorted(groups, groups[-1:], side="left")[0])
        if cut:
            yield {name: values[:cut] for name, values in block.items()}
        carry = {name: values[cut:] for name, values in block.items()}
    if carry is not None and len(carry["key"]):
        yield carry


class Sorter:
    """Blocks sorted by their column ``key``: held in memory up to ``limit`` bytes, past it
    written to disk in sorted runs and merged when read."""

    def __init__(self, store: RunStore, limit: int) -> None:
        self.store, self.limit = store, limit
        self.held: list[Block] = []
        self.bytes = 0
        self.runs: list[Run] = []

    def add(self, block: Block) -> None:
        if not len(block["key"]):
            return
        self.held.append(block)
        self.bytes += sum(values.nbytes for values in block.values())
        if self.bytes > self.limit:
            self._spill()

    def _spill(self) -> None:
        if self.held:
            self.runs.append(self.store.write(_sorted(self.held)))
            self.held, self.bytes = [], 0

    def blocks(self) -> Iterator[Block]:
        """Everything added, in key order (read any number of times)."""
        if not self.runs:
            if self.held:
                self.held = [_sorted(self.held)]
                whole = self.held[0]
                rows = max(1 << 12, len(whole["key"]) // 8)
                for begin in range(0, len(whole["key"]), rows):
                    yield {name: values[begin : begin + rows] for name, values in whole.items()}
            return
        self._spill()
        row_bytes = sum(dtype.itemsize for dtype in self.runs[0].dtypes.values())
        rows = max(1 << 12, self.limit // (row_bytes * len(self.runs)))
        yield from merged([run.blocks(rows) for run in self.runs], "key")

    def close(self) -> None:
        for run in self.runs:
            self.store.remove(run)
        self.runs, self.held = [], []


def _sorted(blocks: list[Block]) -> Block:
    joined = {name: np.concatenate([b[name] for b in blocks]) for name in blocks[0]}
    order = np.argsort(joined["key"], kind="stable")
    return {name: values[order] for name, values in joined.items()}


class Lookup:
    """Values by key from blocks in key order, for queries that come in key order too
    (a merge join: only the stretch of keys the current queries span is held)."""

    def __init__(self, blocks: Iterator[Block]) -> None:
        self.blocks = blocks
        self.held: Block | None = None
        self.done = False

    def find(self, keys: np.ndarray, *columns: str) -> list[np.ndarray]:
        """Each column's value for each of ``keys`` (sorted), 0 where a key is absent."""
        if not len(keys):
            return [np.zeros(0) for _ in columns]
        while not self.done and (self.held is None or _before(self.held["key"], keys[-1:])):
            block = next(self.blocks, None)
            if block is None:
                self.done = True
            elif self.held is None:
                self.held = block
            else:
                self.held = {name: np.concatenate([self.held[name], block[name]]) for name in block}
        if self.held is None:
            return [np.zeros(len(keys)) for _ in columns]
        held = self.held["key"]
        at = np.searchsorted(held, keys)
        inside = np.minimum(at, len(held) - 1)
        found = (at < len(held)) & (held[inside] == keys)
        values = [np.where(found, self.held[column][inside], 0) for column in columns]
        keep = int(np.searchsorted(held, keys[-1:])[0])  # later queries ask for keys[-1] and up
        if keep:
            self.held = {name: values_[keep:] for name, values_ in self.held.items()}
        return values


def _before(held: np.ndarray, key: np.ndarray) -> bool:
    """Whether every held key is below ``key`` (a 1-element array): more must be read."""
    return not len(held) or int(np.searchsorted(held, key)[0]) == len(held)
