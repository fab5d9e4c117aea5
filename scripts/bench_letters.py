#!/usr/bin/env python3
"""Benchmark `textlab letters` against Python's collections.Counter, side by side.

    python scripts/bench_letters.py                 # 40 MB English text (Webster's 1913)
    python scripts/bench_letters.py --memory-gb 1   # also peak memory on a 1 GB input

What is timed, each the median of --repeat runs on the same file (page cache warm):
  * counter  - read the file, decode it, collections.Counter over its characters
               (in-process: no interpreter start-up is charged to the peer);
  * library  - textlab.letters.count_letters over TextReader chunks, in-process;
  * command  - the whole `textlab letters FILE` command, interpreter start-up included.
Peak memory comes from /usr/bin/time -v (maximum resident set size).
"""

from __future__ import annotations

import argparse
import lzma
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from benchutil import SHARED, peak_rss_mb, require_data
from benchutil import median_time as _median_time  # scripts/benchutil.py


def median_time(fn, repeat: int) -> float:
    return _median_time(fn, repeat)[0]


ROOT = Path(__file__).resolve().parent.parent
TEXTLAB = [sys.executable, "-m", "textlab"]


def webster(tmp: Path) -> Path:
    src = SHARED / "webster1913.txt.xz"
    require_data(src)
    out = tmp / "webster.txt"
    with lzma.open(src) as f, open(out, "wb") as g:
        g.write(f.read())
    return out


def run_counter(path: Path) -> None:
    with open(path, encoding="utf-8", errors="replace") as f:
        Counter(f.read())


def run_library(path: Path) -> None:
    from textlab.io import TextReader
    from textlab.letters import count_letters

    count_letters(TextReader([str(path)]).chunks())


def run_command(path: Path) -> None:
    subprocess.run([*TEXTLAB, "letters", str(path)], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--memory-gb", type=float, default=0, help="also measure peak memory on an input this large")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        path = webster(tmp)
        mb = path.stat().st_size / 1e6
        run_counter(path), run_library(path), run_command(path)  # warm the page cache and imports
        t_counter = median_time(lambda: run_counter(path), args.repeat)
        t_library = median_time(lambda: run_library(path), args.repeat)
        t_command = median_time(lambda: run_command(path), args.repeat)
        print(f"input: Webster's 1913, {mb:.1f} MB, {os.cpu_count()} CPUs, median of {args.repeat}")
        print(f"{'what':28} {'seconds':>8} {'MB/s':>8} {'vs Counter':>11}")
        for name, t in [
            ("collections.Counter", t_counter),
            ("textlab count_letters (lib)", t_library),
            ("textlab letters (command)", t_command),
        ]:
            print(f"{name:28} {t:8.3f} {mb / t:8.1f} {t_counter / t:10.1f}x")
        print(f"peak memory, textlab letters on {mb:.0f} MB: {peak_rss_mb([*TEXTLAB, 'letters', str(path)]):.0f} MB")
        if args.memory_gb:
            big = tmp / "big.txt"
            data = path.read_bytes()
            with open(big, "wb") as f:
                while f.tell() < args.memory_gb * 1e9:
                    f.write(data)
            size = big.stat().st_size / 1e6
            path.unlink()
            t = time.perf_counter()
            rss = peak_rss_mb([*TEXTLAB, "letters", str(big)])
            t = time.perf_counter() - t
            print(f"peak memory, textlab letters on {size:.0f} MB: {rss:.0f} MB ({size / t:.0f} MB/s for the command)")


if __name__ == "__main__":
    main()
