"""Reading inputs: compression, encodings, byte-order marks, invalid bytes, chunking; atomic writes."""

from __future__ import annotations

import bz2
import gzip
import lzma
import os

import pytest

from textlab.errors import DataError, UsageError
from textlab.io import TextReader, atomic_output, read_tsv, write_tsv


def read_all(paths, **kw) -> tuple[bytes, TextReader]:
    reader = TextReader([str(p) for p in paths], **kw)
    return b"".join(reader.chunks()), reader


def test_bom_is_skipped_and_text_kept(tmp_path):
    p = tmp_path / "bom.txt"
    p.write_bytes(b"\xef\xbb\xbfhola ma\xc3\xb1ana")
    data, reader = read_all([p])
    assert data == "hola mañana".encode()
    assert reader.invalid_bytes == 0


def test_bom_only_file_is_empty(tmp_path):
    p = tmp_path / "bom.txt"
    p.write_bytes(b"\xef\xbb\xbf")
    assert read_all([p])[0] == b""


@pytest.mark.parametrize("opener", [gzip.open, bz2.open, lzma.open])
def test_compressed_inputs_are_read_transparently(tmp_path, opener):
    p = tmp_path / "text.compressed"  # recognised by magic bytes, not by name
    with opener(p, "wb") as f:
        f.write("ñandú\n".encode() * 1000)
    assert read_all([p])[0] == "ñandú\n".encode() * 1000


def test_truncated_bz2_is_a_clear_error(tmp_path):
    p = tmp_path / "cut.bz2"
    p.write_bytes(bz2.compress(os.urandom(200_000))[:-500])
    with pytest.raises(DataError, match=r"truncated|cannot read"):
        read_all([p])


def test_invalid_bytes_are_replaced_and_counted(tmp_path):
    p = tmp_path / "bad.txt"
    p.write_bytes(b"caf\xe9 ok \xff\xfe end")  # latin-1 é and two stray bytes
    data, reader = read_all([p])
    assert data.decode() == "caf\ufffd ok \ufffd\ufffd end"
    assert reader.invalid_bytes == 3


def test_other_encoding(tmp_path):
    p = tmp_path / "latin.txt"
    p.write_bytes("café ñ".encode("latin-1"))
    assert read_all([p], encoding="latin-1")[0] == "café ñ".encode()


def test_unknown_encoding_is_a_usage_error():
    with pytest.raises(UsageError, match="unknown encoding"):
        TextReader(["-"], encoding="klingon")


@pytest.mark.parametrize("chunk_size", [1, 2, 3, 5, 7, 64])
def test_chunks_end_on_character_boundaries(tmp_path, chunk_size):
    text = "añ€😀 Ωmega\n" * 20
    p = tmp_path / "multi.txt"
    p.write_bytes(b"\xef\xbb\xbf" + text.encode())
    reader = TextReader([str(p)], chunk_size=chunk_size)
    chunks = list(reader.chunks())
    for c in chunks:
        c.decode("utf-8")  # every chunk is valid on its own
        assert len(c) <= chunk_size + 3
    assert b"".join(chunks).decode() == text
    assert reader.invalid_bytes == 0


def test_a_huge_single_line_is_streamed_in_bounded_chunks(tmp_path):
    p = tmp_path / "oneline.txt"
    p.write_bytes(b"abc " * 5_000_000)  # 20 MB, no newline
    reader = TextReader([str(p)])
    sizes = [len(c) for c in reader.chunks()]
    assert sum(sizes) == 20_000_000
    assert max(sizes) <= (1 << 20) + 3


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(DataError, match="no such file"):
        read_all([tmp_path / "nope.txt"])
    with pytest.raises(DataError, match="is a directory"):
        read_all([tmp_path])


def test_missing_second_file_fails_before_any_output(tmp_path):
    p = tmp_path / "a.txt"
    p.write_text("x")
    reader = TextReader([str(p), str(tmp_path / "b.txt")])
    with pytest.raises(DataError):
        next(reader.chunks())


def test_atomic_output_leaves_nothing_on_failure(tmp_path):
    target = tmp_path / "out.tsv"
    target.write_text("old")
    with pytest.raises(RuntimeError), atomic_output(target) as f:
        f.write("half")
        raise RuntimeError("boom")
    assert target.read_text() == "old"
    assert sorted(os.listdir(tmp_path)) == ["out.tsv"]


def test_tsv_round_trip_escapes_tabs_and_newlines(tmp_path):
    target = tmp_path / "t.tsv"
    rows = [("a\tb", 1), ("line\nbreak", 2), ("back\\slash", 3)]
    with atomic_output(target) as f:
        write_tsv(f, ["ngram", "count"], rows)
    header, it = read_tsv(str(target), ["ngram", "count"])
    assert header == ["ngram", "count"]
    assert [(r[0], int(r[1])) for r in it] == rows


def test_read_tsv_names_missing_columns(tmp_path):
    target = tmp_path / "t.tsv"
    target.write_text("word\tfreq\nx\t1\n")
    with pytest.raises(DataError, match="columns ngram, count"):
        read_tsv(str(target), ["ngram", "count"])
