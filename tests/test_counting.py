"""The counting core against a plain Counter: every packing (dense, 32- and 64-bit keys, raw bytes),
ids that outgrow their packing mid-stream, windows across pieces, boundaries."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from textlab.counting import DENSE_BITS, KeyPacker, NgramCounter, pack_rows


def reference(pieces, oks, n):
    """Windows of the joined stream that contain no position where ok is False."""
    ids = np.concatenate(pieces).tolist()
    ok = np.concatenate(oks).tolist()
    return Counter(tuple(ids[i : i + n]) for i in range(len(ids) - n + 1) if all(ok[i : i + n]))


def counted(counter):
    rows, counts = counter.result()
    return Counter({tuple(r): c for r, c in zip(rows.tolist(), counts.tolist())}), rows


@pytest.mark.parametrize(
    ("n", "largest"),
    [(2, 50), (3, 60), (2, 3000), (3, 3000), (4, 70_000), (5, 1 << 20), (3, (1 << 32) - 1)],
    ids=["dense", "dense-3", "uint32", "sorted-3", "uint64", "raw", "widest-ids"],
)
def test_counts_equal_a_counter(n, largest):
    rng = np.random.default_rng(n * 7 + largest % 97)
    # ids grow piece by piece, so the counter widens its packing on the way (dense -> sorting -> raw)
    tops = np.linspace(3, largest, 6).astype(np.int64)
    pieces = [rng.integers(0, top + 1, int(rng.integers(1, 400)), dtype=np.int64) for top in tops]
    pieces[-1][0] = largest
    oks = [rng.random(len(p)) > 0.1 for p in pieces]
    counter = NgramCounter(n)
    for p, ok in zip(pieces, oks):
        counter.update(p.astype(np.uint32), ok)
    got, rows = counted(counter)
    assert got == reference(pieces, oks, n)
    assert rows.tolist() == sorted(rows.tolist())  # rows come out in order, whatever the packing
    assert counter.total == sum(got.values())


def test_small_pieces_carry_their_windows():
    stream = np.array([1, 2, 3, 1, 2, 3, 1, 2], np.uint32)
    counter = NgramCounter(3)
    for i in range(len(stream)):
        counter.update(stream[i : i + 1])
    got, _ = counted(counter)
    assert got == {(1, 2, 3): 2, (2, 3, 1): 2, (3, 1, 2): 2}


def test_cut_stops_windows():
    counter = NgramCounter(2)
    counter.update(np.array([1, 2], np.uint32))
    counter.cut()
    counter.update(np.array([3, 4], np.uint32))
    assert counted(counter)[0] == {(1, 2): 1, (3, 4): 1}


def test_packer_chooses_the_key_type():
    assert KeyPacker(2, 16).dtype == np.uint32
    assert KeyPacker(2, 17).dtype == np.uint64
    assert KeyPacker(3, 22).raw
    assert KeyPacker(2, DENSE_BITS // 2).width == DENSE_BITS
    rows = np.array([[5, 1, 7], [5, 0, 9]], np.uint32)
    for bits in (4, 20, 30):
        p = KeyPacker(3, bits)
        assert p.unpack(p.rows(rows)).tolist() == rows.tolist()
        assert p.unpack(p.windows(np.array([5, 1, 7, 9], np.uint32))).tolist() == [[5, 1, 7], [1, 7, 9]]


def test_pack_rows_keys_sort_as_rows():
    rows = np.array([[3, 70_000, 1], [3, 2, 1], [0, 9, 9]])
    order = np.argsort(pack_rows(rows), kind="stable")
    assert rows[order].tolist() == sorted(rows.tolist())


def test_stable_argsort_and_locate_agree_with_numpy():
    import numpy as np

    from textlab.sorting import locate, stable_argsort

    rng = np.random.default_rng(3)
    for high in (5, 10**9, 1 << 62):  # many ties; packed with the positions; too large to pack
        keys = rng.integers(0, high, 10_000)
        assert np.array_equal(stable_argsort(keys), np.argsort(keys, kind="stable"))
        table = np.unique(keys)
        present = set(table.tolist())
        queries = np.concatenate([keys, rng.integers(0, high, 1_000)])
        expected = [int(np.searchsorted(table, q)) if q in present else -1 for q in queries.tolist()]
        assert locate(table, queries).tolist() == expected
    assert locate(np.zeros(0, np.int64), np.array([1, 2])).tolist() == [-1, -1]


def test_renumbering_a_spilled_count_renumbers_each_ngram_once(tmp_path):
    """Renumbering puts the table in memory back, which may write a run in the new ids: that
    run must not be renumbered a second time with the runs written before (it once was)."""
    from textlab.counting import Spill
    from textlab.spill import RunStore

    rng = np.random.default_rng(4)
    ids = rng.integers(0, 3000, 29 * 7000).astype(np.uint32)
    plain = NgramCounter(3)
    plain.update(ids)
    rows, counts = plain.result(dtype=np.int64)
    new_id = rng.permutation(3000)
    expected = sorted(zip(map(tuple, new_id[rows].tolist()), counts.tolist()))
    with RunStore(str(tmp_path)) as store:
        spilled = NgramCounter(3, Spill(store, 1 << 16))
        for piece in np.split(ids, 29):  # 7,000 keys (56 KB) wait; two pieces' pass 64 KB: a run
            spilled.update(piece)
        assert len(spilled.runs) > 2
        assert spilled.counter.nbytes > 40_000  # the last piece waits: 7,000 (key, count) pass 64 KB
        spilled.renumber(new_id)
        got = []
        for block in spilled.key_blocks(5000):
            rows = spilled.packer.unpack(block["key"]).astype(np.int64)
            got += zip(map(tuple, rows.tolist()), block["count"].tolist())
    assert got == expected
