#!/usr/bin/env python3
"""How soon `textlab generate -m TABLE` starts generating from a table of millions of word n-grams.

    python scripts/bench_generate_table.py [--repeat 3]

The table: every word n-gram of orders 1 to 3, with boundary markers, of
../shared/data/webster1913.txt.xz (5.4 million words: about 5.3 million rows),
made once into --work by ``textlab words | textlab ngrams --orders 1-3 --boundaries``.

Timed, the two alternating, median of --repeat whole processes (start-up included):
  * textlab: ``textlab generate -m TABLE --unit word -n 3 --length 20 --seed 1``,
    until its first byte on stdout (the model read and built, the first words drawn),
    and to its end;
  * peer:    a Python loop that only reads the same table into a dict of word tuples
    (``for line in f: order, gram, count = line.split("\\t")``), the step per row
    that textlab's reader does without.
The issue's target: generating starts within 3 s.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchutil import SHARED, require_data  # scripts/benchutil.py

WEBSTER = SHARED / "webster1913.txt.xz"
PEER = (
    "import sys\n"
    "table = {}\n"
    "with open(sys.argv[1], encoding='utf-8') as f:\n"
    "    next(f)\n"
    "    for line in f:\n"
    "        order, gram, count = line.split('\\t')\n"
    "        table[tuple(gram.split(' '))] = int(count)\n"
)
TEXTLAB = [sys.executable, "-m", "textlab"]


def table(work: Path) -> Path:
    path = work / "webster-orders-1-3.tsv"
    if not path.exists():
        words = subprocess.Popen([*TEXTLAB, "words", str(WEBSTER)], stdout=subprocess.PIPE)
        count = [*TEXTLAB, "ngrams", "--unit", "word", "--orders", "1-3", "--boundaries", "-o", str(path)]
        subprocess.run(count, stdin=words.stdout, check=True)
        words.wait()
    return path


def first_byte(command: list[str]) -> tuple[float, float]:
    """Seconds until the command's first byte on stdout, and until it ends."""
    start = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.PIPE)
    assert proc.stdout is not None
    proc.stdout.read(1)
    first = time.perf_counter() - start
    proc.stdout.read()
    if proc.wait():
        sys.exit(f"{' '.join(command)} failed")
    return first, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "textlab-bench-generate")
    args = parser.parse_args()
    require_data(WEBSTER)
    args.work.mkdir(parents=True, exist_ok=True)
    path = table(args.work)
    with path.open("rb") as f:
        rows = sum(1 for _ in f) - 1
    size = path.stat().st_size / 1e6
    generate = [*TEXTLAB, "generate", "-m", str(path), "--unit", "word", "-n", "3", "--length", "20", "--seed", "1"]
    first_byte(generate)  # not timed: the page cache warm, the modules compiled (see benchutil)
    firsts, ends, peers = [], [], []
    for _ in range(args.repeat):
        first, end = first_byte(generate)
        firsts.append(first)
        ends.append(end)
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", PEER, str(path)], check=True)
        peers.append(time.perf_counter() - start)
    print(f"table: {rows:,} rows, {size:.0f} MB")
    print(f"textlab generate -m, first byte   {statistics.median(firsts):6.2f} s   (runs: {_runs(firsts)})")
    print(f"textlab generate -m, to the end   {statistics.median(ends):6.2f} s")
    print(f"Python loop reading the table      {statistics.median(peers):6.2f} s   (runs: {_runs(peers)})")
    ratio = statistics.median(p / f for p, f in zip(peers, firsts))
    print(f"textlab is generating {ratio:.2f}x sooner than a Python loop has read the table (target: within 3 s)")


def _runs(times: list[float]) -> str:
    return ", ".join(f"{t:.2f}" for t in times)


if __name__ == "__main__":
    main()
