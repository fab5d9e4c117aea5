"""Heatmap and Zipf: the numbers behind the pictures, and the image files."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import numpy as np
import pytest

from textlab.heatmap import bigram_matrix, parse_alphabet
from textlab.io import open_binary
from textlab.ngrams import count_ngrams
from textlab.wiki import DumpParser, articles
from textlab.zipf import fit_zipf

from .conftest import shared_file


def test_q_is_followed_by_u_on_the_english_sample():
    # the prose of the sample's articles, as `textlab wiki dump` extracts it
    stream, _ = open_binary(str(shared_file("enwiki-sample.xml.bz2")))
    parser = DumpParser(stream)
    prose = "\n".join(a.text for a in articles(parser, parser.namespaces))
    table = count_ngrams([prose.encode()], n=2, letters_only=True, ignore_case=True)
    m = bigram_matrix(table, "a-z")
    q, u = m.labels.index("q"), m.labels.index("u")
    row = m.normalized("row")[q]
    assert row[u] > 0.9
    assert np.isclose(row.sum(), 1.0)


def test_spanish_alphabet_keeps_enye():
    assert parse_alphabet("es")[14] == "ñ" and len(parse_alphabet("es")) == 33
    t = count_ngrams(["año señor niño".encode()], n=2, letters_only=True)
    m = bigram_matrix(t, "es")
    assert m.counts[m.labels.index("ñ"), m.labels.index("o")] == 3


def test_heatmap_images_are_valid(run, tmp_path):
    text = shared_file("tinyshakespeare.txt")
    png, svg = tmp_path / "h.png", tmp_path / "h.svg"
    assert run("heatmap", str(text), "--alphabet", "a-z", "-o", str(png)).exit_code == 0
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert run("heatmap", str(text), "-o", str(svg)).exit_code == 0
    assert ET.parse(svg).getroot().tag.endswith("svg")


def test_heatmap_tsv_and_terminal(run):
    r = run("heatmap", "--alphabet", "a-c", "--normalize", "none", input="abcab cab")
    assert r.stdout.splitlines() == ["first\ta\tb\tc", "a\t0\t3\t0", "b\t0\t0\t1", "c\t2\t0\t0"]
    r = run("heatmap", "-f", "table", input="abcab cab")
    assert "Letter pairs" in r.stdout


def test_heatmap_reads_a_bigram_table(run, tmp_path):
    table = tmp_path / "pairs.tsv"
    run("ngrams", "-n", "2", "-l", "-i", "-o", str(table), input="Quick queen quota")
    r = run("heatmap", str(table), "--alphabet", "q-u", "--normalize", "row")
    assert r.stdout.splitlines()[1].split("\t") == ["q", "0", "0", "0", "0", "1"]


def test_bad_image_name(run):
    r = run("heatmap", "-o", "picture.jpg", input="abc")
    assert r.exit_code == 2 and "use .png, .svg or .pdf" in r.stderr


@pytest.mark.parametrize("s", [0.8, 1.0, 1.3])
def test_zipf_fit_recovers_the_exponent(s):
    counts = np.round(1e6 / np.arange(1, 5001) ** s)
    fit = fit_zipf(counts[counts >= 1], ranks=(1, 1000))
    assert abs(fit.exponent - s) < 0.01 and fit.r2 > 0.999


def test_zipf_command(run, tmp_path):
    text = shared_file("tinyshakespeare.txt")
    words = run("words", str(text)).stdout
    png = tmp_path / "z.png"
    r = run("zipf", "-o", str(png), "-f", "tsv", input=words)
    assert "Zipf exponent s = " in r.stderr
    lines = r.stdout.splitlines()
    assert lines[0] == "rank\tword\tcount\tfitted" and lines[1].split("\t")[:2] == ["1", "the"]
    assert png.read_bytes()[:4] == b"\x89PNG"
    s = float(r.stderr.split("s = ")[1].split()[0])
    assert 0.8 < s < 1.4
