"""`wiki dump --jobs N`: the same bytes as one process, for every kind of dump, and the same
articles kept when a dump breaks off.  The dumps are made here (no ../shared needed)."""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import random
from pathlib import Path

import pytest

from textlab.wiki import parallel
from textlab.wiki.multistream import repack

WORDS = [
    "the",
    "cat",
    "sat",
    "on",
    "a",
    "mat",
    "while",
    "dogs",
    "ran",
    "far",
    "over",
    "hills",
    "and",
    "rivers",
    "under",
    "grey",
    "skies",
]


def dump_xml(pages: int = 400, seed: int = 1) -> bytes:
    """A MediaWiki export with articles (links, bold, templates, refs), redirects and a talk page."""
    rng = random.Random(seed)
    out = [
        '<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.10/" version="0.10" xml:lang="en">\n'
        "  <siteinfo><sitename>Test</sitename><namespaces>"
        '<namespace key="0" /><namespace key="1">Talk</namespace><namespace key="6">File</namespace>'
        '<namespace key="14">Category</namespace></namespaces></siteinfo>\n'
    ]
    for i in range(1, pages + 1):
        ns, text = 0, []
        for _ in range(rng.randint(3, 30)):
            sentence = " ".join(rng.choice(WORDS) for _ in range(rng.randint(5, 15)))
            text.append(f"'''{sentence}''' [[Cat|cats]] {{{{cite|x}}}}&lt;ref&gt;a&lt;/ref&gt; ñandú é.")
        if i % 17 == 0:
            text = ["#REDIRECT [[Cat]]"]
        if i % 23 == 0:
            ns = 1
        body = "\n\n".join(text) + "\n[[File:x.png|thumb|a picture]]\n[[Category:Animals]]"
        out.append(
            f"  <page>\n    <title>Page {i}</title>\n    <ns>{ns}</ns>\n    <id>{i}</id>\n"
            f"    <revision>\n      <id>{1000 + i}</id>\n      <contributor><id>7</id></contributor>\n"
            f'      <text xml:space="preserve">{body}</text>\n    </revision>\n  </page>\n'
        )
    out.append("</mediawiki>\n")
    return "".join(out).encode()


@pytest.fixture
def small_batches(monkeypatch):
    """Batches of a few pages, so a small dump is cut many times."""
    monkeypatch.setattr(parallel, "STREAM_BATCH_BYTES", 3000)
    monkeypatch.setattr(parallel, "BATCH_BYTES", 5000)


@pytest.fixture
def dumps(tmp_path: Path) -> dict[str, Path]:
    xml = dump_xml()
    made = {"xml": tmp_path / "d.xml", "bz2": tmp_path / "d.xml.bz2", "gz": tmp_path / "d.xml.gz"}
    made["xml"].write_bytes(xml)
    made["bz2"].write_bytes(bz2.compress(xml))
    made["gz"].write_bytes(gzip.compress(xml))
    made["xz"] = tmp_path / "d.xml.xz"
    made["xz"].write_bytes(lzma.compress(xml))
    made["multistream"] = tmp_path / "d-multistream.xml.bz2"
    made["index"] = tmp_path / "d-multistream-index.txt.bz2"
    with open(made["multistream"], "wb") as out, open(made["index"], "wb") as index:
        repack(io.BytesIO(xml), out, index, per_stream=10)
    return made


@pytest.mark.parametrize("kind", ["multistream", "bz2", "gz", "xz", "xml"])
@pytest.mark.parametrize("fmt", ["text", "jsonl"])
def test_jobs_write_what_one_process_writes(run, dumps, small_batches, kind, fmt):
    one = run("wiki", "dump", "--jobs", "1", "--format", fmt, str(dumps[kind]))
    two = run("wiki", "dump", "--jobs", "2", "--format", fmt, str(dumps[kind]))
    assert one.exit_code == 0 and two.exit_code == 0, two.stderr
    assert one.stdout.count("\n") > 300  # 361 articles, one line each in jsonl
    assert two.stdout == one.stdout


def test_the_index_and_the_stream_headers_cut_the_same_streams(dumps, small_batches):
    from textlab.wiki.parallel import read_index, stream_batches

    offsets = read_index(str(dumps["index"]))
    with open(dumps["multistream"], "rb") as f:
        scanned = [b.read for b in stream_batches(f)]
    with open(dumps["multistream"], "rb") as f:
        indexed = [b.read for b in stream_batches(f, offsets)]
    assert len(scanned) > 10
    # the same cuts, where streams of pages start; the scan also finds the last, empty stream
    # (</mediawiki>), which the index does not list
    assert set(indexed) <= set(scanned)
    assert set(scanned[:-2]) <= set(offsets)


def test_with_the_index_and_a_limit(run, dumps, small_batches):
    one = run("wiki", "dump", "--jobs", "1", "--limit", "37", str(dumps["multistream"]))
    two = run("wiki", "dump", "-j", "2", "--limit", "37", "--index", str(dumps["index"]), str(dumps["multistream"]))
    assert two.exit_code == 0 and two.stdout == one.stdout
    assert one.stdout.count("\n\n") == 37


def test_the_bundled_tour_dump_extracts_the_same_in_parallel(run, tmp_path, small_batches):
    """Through the real multistream writer, then a truncation: both keep the same complete articles."""
    xml = dump_xml(300, seed=5)
    whole = tmp_path / "m.xml.bz2"
    with open(whole, "wb") as out:
        repack(io.BytesIO(xml), out, per_stream=7)
    cut = tmp_path / "cut.xml.bz2"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size * 2 // 3])
    one = run("wiki", "dump", "--jobs", "1", str(cut))
    two = run("wiki", "dump", "--jobs", "2", str(cut))
    assert one.exit_code == two.exit_code == 1
    assert two.stdout == one.stdout and one.stdout
    assert two.stderr == one.stderr
    assert "ends early" in one.stderr and "complete articles were written" in one.stderr


def test_not_a_dump_in_parallel(run, tmp_path):
    p = tmp_path / "no.xml.bz2"
    p.write_bytes(bz2.compress(b"<html><body>hello</body></html>"))
    r = run("wiki", "dump", "--jobs", "2", str(p))
    assert r.exit_code == 1 and "not a MediaWiki XML dump" in r.stderr


def test_repack_repeats_pages_with_new_ids(tmp_path):
    xml = dump_xml(30)
    out = io.BytesIO()
    assert repack(io.BytesIO(xml), out, copies=3, id_step=1000) == 90
    text = bz2.decompress(out.getvalue())
    assert text.count(b"<page>") == 90 and b"<id>2030</id>" in text and b"<id>1001</id>" in text
