#!/usr/bin/env python3
"""Benchmark `textlab wiki dump` against WikiExtractor, side by side, one process each.

    pip install wikiextractor            # the peer (or: pip install -e '.[bench]')
    python scripts/bench_wiki.py         # the English sample dump, ../shared/data/enwiki-sample.xml.bz2
    python scripts/bench_wiki.py --scale 20   # also peak memory on a dump 20x the sample

What is timed, each the median of --repeat runs of the whole command (interpreter
start-up included for both):
  * wikiextractor - `python -m wikiextractor.WikiExtractor --no-templates --processes 1 -q -o DIR DUMP`
  * textlab       - `textlab wiki dump --jobs 1 DUMP > /dev/null`  (one process: see bench_wiki_parallel.py)
Both read the same .bz2 file, so decompression is charged to both. Peak memory
comes from /usr/bin/time -v (maximum resident set size); --scale writes a dump
whose pages are the sample's repeated N times, to show memory does not grow.
"""

from __future__ import annotations

import argparse
import bz2
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchutil import SHARED, peak_rss_mb, require_data  # scripts/benchutil.py

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = SHARED / "enwiki-sample.xml.bz2"
TEXTLAB = [sys.executable, "-m", "textlab"]


def timed(args: list[str], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        subprocess.run(args, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def scaled_dump(path: Path, times: int) -> Path:
    """The sample with its <page> elements repeated ``times`` times (gzip, level 1: quick to write)."""
    import gzip

    xml = bz2.open(SAMPLE).read()
    head_end = xml.index(b"<page>")
    tail_start = xml.rindex(b"</mediawiki>")
    with gzip.open(path, "wb", compresslevel=1) as f:
        f.write(xml[:head_end])
        for _ in range(times):
            f.write(xml[head_end:tail_start])
        f.write(xml[tail_start:])
    return path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dump", type=Path, default=SAMPLE)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--scale", type=int, default=0, help="also peak memory on a dump this many times the sample")
    args = ap.parse_args()
    require_data(args.dump)
    try:
        import wikiextractor  # noqa: F401
    except ImportError:
        sys.exit("the peer is not installed: pip install wikiextractor")
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        out_dir = tmp / "wikiextractor"
        peer = [
            sys.executable,
            "-m",
            "wikiextractor.WikiExtractor",
            "--no-templates",
            "--processes",
            "1",
            "-q",
            "-o",
            str(out_dir),
            str(args.dump),
        ]
        ours = [*TEXTLAB, "wiki", "dump", "--jobs", "1", str(args.dump)]
        unpacked = len(bz2.open(args.dump).read()) if args.dump.suffix == ".bz2" else args.dump.stat().st_size
        timed(peer, 1), timed(ours, 1)  # warm the page cache and imports
        t_peer = timed(peer, args.repeat)
        t_ours = timed(ours, args.repeat)
        size = args.dump.stat().st_size / 1e6
        print(
            f"input: {args.dump.name}, {size:.1f} MB compressed, {unpacked / 1e6:.1f} MB of XML; "
            f"{os.cpu_count()} CPUs, median of {args.repeat}, one process each"
        )
        print(f"{'what':34} {'seconds':>8} {'MB/s XML':>9} {'speed vs WikiExtractor':>23}")
        for name, t in [("WikiExtractor --no-templates", t_peer), ("textlab wiki dump", t_ours)]:
            print(f"{name:34} {t:8.2f} {unpacked / 1e6 / t:9.1f} {t_peer / t:22.2f}x")
        shutil.rmtree(out_dir, ignore_errors=True)
        print(
            f"peak memory, textlab wiki dump on the sample: {peak_rss_mb(ours):.0f} MB; "
            f"WikiExtractor: {peak_rss_mb(peer):.0f} MB"
        )
        if args.scale:
            big = scaled_dump(tmp / "big.xml.gz", args.scale)
            xml_mb = unpacked * args.scale / 1e6
            t = time.perf_counter()
            rss = peak_rss_mb([*TEXTLAB, "wiki", "dump", "--jobs", "1", str(big)])
            t = time.perf_counter() - t
            print(
                f"peak memory, textlab wiki dump on {xml_mb:.0f} MB of XML (the sample x{args.scale}): "
                f"{rss:.0f} MB ({xml_mb / t:.1f} MB/s)"
            )


if __name__ == "__main__":
    main()
