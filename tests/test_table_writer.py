"""The table written by NumPy bytes is the table written cell by cell, byte for byte."""

from __future__ import annotations

import io

import numpy as np
import pytest

from textlab.io import write_tsv_columns
from textlab.ngrams import NgramTable, count_ngrams
from textlab.table_writer import TableWriter, digits


def by_cells(table: NgramTable, multi: bool) -> bytes:
    out = io.StringIO()
    cols = ([table.order.tolist()] if multi else []) + [table.ngrams, table.counts.tolist()]
    write_tsv_columns(out, (["order"] if multi else []) + ["ngram", "count"], cols, header=False)
    return out.getvalue().encode("utf-8")


def by_bytes(table: NgramTable, multi: bool) -> bytes:
    out = io.BytesIO()
    TableWriter(table.tokens, table.unit).write(out, table, multi)
    return out.getvalue()


TEXT = "the cat\tsat on a\\b mat ñandú 日本\nthe cat ran\r\nuna vez\x00 más ^ $ <s>\n" * 30


@pytest.mark.parametrize("unit", ["word", "char"])
@pytest.mark.parametrize("orders", [[2], [1, 2, 3]])
@pytest.mark.parametrize("threads", [True, False])  # False: a pool too big to copy per thread
def test_bytes_and_cells_agree(unit, orders, threads, monkeypatch):
    import textlab.table_writer

    monkeypatch.setattr(textlab.table_writer, "BLOCK_ROWS", 7)  # many blocks, made on the threads or not
    if not threads:
        monkeypatch.setattr(textlab.table_writer, "POOL_THREADS", 0)
    table = count_ngrams([TEXT.encode()], unit=unit, orders=orders, boundaries=True)
    assert len(table) > 10
    assert by_bytes(table, len(orders) > 1) == by_cells(table, len(orders) > 1)


def test_digits_of_every_width():
    values = np.array([0, 9, 10, 99, 100, 12345, 10**18 - 1, 10**18, 2**62])
    data, width = digits(values)
    assert data.tobytes().decode() == "".join(map(str, values.tolist()))
    assert width.tolist() == [len(str(v)) for v in values.tolist()]


def test_blocks_cut_anywhere(monkeypatch):
    from textlab import table_writer

    table = count_ngrams([TEXT.encode()], unit="word", orders=[1, 2], boundaries=True)
    whole = by_bytes(table, True)
    monkeypatch.setattr(table_writer, "BLOCK_ROWS", 7)
    assert by_bytes(table, True) == whole


def test_fixed_writes_floats_as_python_does():
    import numpy as np

    from textlab.table_writer import fixed

    rng = np.random.default_rng(5)
    values = np.concatenate(
        [
            -rng.exponential(3, 100_000),  # log-probabilities
            rng.normal(0, 1, 10_000),  # back-off weights, either sign
            np.round(rng.normal(0, 5, 10_000), 6) + 5e-7,  # exactly between two written values, give or take
            [0.0, -0.0, -1e-9, 1e-9, -99.0, 0.5e-6, -0.5e-6, 1.5e-6, np.inf, -np.inf, np.nan, 1e300, -123456789.25],
        ]
    )
    source, start, width = fixed(values)
    expected = [format(v, ".6f") for v in values.tolist()]
    assert [source[a : a + w].tobytes().decode() for a, w in zip(start.tolist(), width.tolist())] == expected
    source, start, width = fixed(values, end=b"\t")
    assert [source[a : a + w].tobytes().decode() for a, w in zip(start.tolist(), width.tolist())] == [
        e + "\t" for e in expected
    ]
