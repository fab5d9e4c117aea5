#!/usr/bin/env python3
"""Benchmark n-gram counting: textlab against collections.Counter(zip(...)), side by side.

    python scripts/bench_ngrams.py [--repeat 3]

Corpus: Webster's 1913 (../shared/data), 40 MB of text; its word stream
(`textlab words`, about 5.4 million words) for word n-grams.

Both sides start from the file on disk (page cache warm) and end with a
mapping from n-gram to count:
  * peer    - read, split (words) or take the string (characters), then
              Counter(zip(*[seq[i:] for i in range(n)]));
  * textlab - count_ngrams(TextReader([file]).chunks(), n=n, unit=...).
Times are medians of --repeat runs, the two sides alternating. Peak memory
(/usr/bin/time -v) of `textlab ngrams` is measured on the corpus and on the
corpus repeated three times: the same distinct n-grams, three times the input.
"""

from __future__ import annotations

import argparse
import lzma
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from benchutil import SHARED, peak_rss_mb, require_data  # scripts/benchutil.py

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from textlab.io import TextReader  # noqa: E402
from textlab.ngrams import count_ngrams  # noqa: E402
from textlab.words import normalize_words  # noqa: E402


def prepare(tmp: Path) -> tuple[Path, Path]:
    src = SHARED / "webster1913.txt.xz"
    require_data(src)
    text = tmp / "webster.txt"
    text.write_bytes(lzma.open(src).read())
    words = tmp / "webster.words"
    with open(words, "wb") as f:
        for piece in normalize_words(TextReader([str(text)]).chunks()):
            f.write(piece)
    return text, words


def peer_words(path: Path, n: int) -> int:
    words = path.read_text(encoding="utf-8").split()
    return len(Counter(zip(*[words[i:] for i in range(n)])))


def peer_chars(path: Path, n: int) -> int:
    text = path.read_text(encoding="utf-8", errors="replace")
    return len(Counter(zip(*[text[i:] for i in range(n)])))


def ours(path: Path, n: int, unit: str) -> int:
    return len(count_ngrams(TextReader([str(path)]).chunks(), n=n, unit=unit))


def timed(fn) -> tuple[float, int]:
    t = time.perf_counter()
    result = fn()
    return time.perf_counter() - t, result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        text, words = prepare(Path(d))
        n_words = len(words.read_bytes().split())
        print(
            f"corpus: Webster's 1913, {text.stat().st_size / 1e6:.1f} MB text, {n_words:,} words; "
            f"median of {args.repeat}"
        )
        print(f"{'what':22} {'Counter s':>10} {'textlab s':>10} {'speed-up':>9} {'distinct':>10}")
        cases = [("word", n, words, peer_words) for n in (2, 3)] + [
            ("char", n, text, peer_chars) for n in (1, 2, 3, 4, 5)
        ]
        for unit, n, path, peer in cases:
            peer_t, ours_t = [], []
            for _ in range(args.repeat):
                t, distinct_peer = timed(lambda peer=peer, path=path, n=n: peer(path, n))
                peer_t.append(t)
                t, distinct = timed(lambda path=path, n=n, unit=unit: ours(path, n, unit))
                ours_t.append(t)
            p, o = statistics.median(peer_t), statistics.median(ours_t)
            note = (
                ""
                if distinct == distinct_peer
                else f"  (Counter: {distinct_peer:,}; textlab keeps n-grams inside a line)"
            )
            print(f"{unit + f' {n}-grams':22} {p:10.2f} {o:10.2f} {p / o:8.1f}x {distinct:10,}{note}")
        big = Path(d) / "webster3.words"
        big.write_bytes(words.read_bytes() * 3)
        cmd = [sys.executable, "-m", "textlab", "ngrams", "--unit", "word", "-n", "2", "-o", str(Path(d) / "out.tsv")]
        one, three = peak_rss_mb([*cmd, str(words)]), peak_rss_mb([*cmd, str(big)])
        print(f"peak memory, textlab ngrams --unit word -n 2: {one:.0f} MB on the words, {three:.0f} MB on them x3")


if __name__ == "__main__":
    main()
