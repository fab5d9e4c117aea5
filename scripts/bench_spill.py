#!/usr/bin/env python3
"""`textlab ngrams --memory` on a table bigger than its budget, against the same count in memory, in one run.

    python scripts/bench_spill.py                   # word trigrams of 3 renamed copies of Webster's word stream
    python scripts/bench_spill.py --copies 1 --memory 100M     # a quick look

The corpus: ``textlab words`` of ../shared/data/webster1913.txt.xz (5.4 million
words), written ``--copies`` times, the words of copy k renamed (``word`` ->
``word~k``) so that every copy adds its own n-grams and the table grows with
the corpus, as it does over a real dump.  Made once in --work and reused.

Timed, whole commands with ``/usr/bin/time -v`` (wall time, peak memory), table to a file:
  * in memory:  textlab ngrams --unit word -n 3 --memory 1T CORPUS -o a.tsv
  * spilling:   textlab ngrams --unit word -n 3 --memory 300M CORPUS -o b.tsv
and the two tables compared byte for byte.
"""

from __future__ import annotations

import argparse
import filecmp
import subprocess
import sys
import tempfile
from pathlib import Path

from benchutil import SHARED, measured, require_data  # scripts/benchutil.py

WEBSTER = SHARED / "webster1913.txt.xz"
TEXTLAB = [sys.executable, "-m", "textlab"]


def corpus(copies: int, work: Path) -> Path:
    words = work / "webster-words.txt"
    if not words.exists():
        subprocess.run([*TEXTLAB, "words", str(WEBSTER), "-o", str(words)], check=True)
    made = work / f"webster-renamed-x{copies}.txt"
    if not made.exists():
        with open(f"{made}.part", "w", encoding="utf-8") as out:
            for k in range(copies):
                suffix = f"~{k}" if k else ""
                with open(words, encoding="utf-8") as f:
                    for line in f:
                        out.write(" ".join(w + suffix for w in line.split()) + "\n")
        Path(f"{made}.part").rename(made)
    return made


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=3)
    parser.add_argument("-n", type=int, default=3)
    parser.add_argument("--memory", default="300M")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "textlab-bench-spill")
    args = parser.parse_args()
    require_data(WEBSTER)
    args.work.mkdir(parents=True, exist_ok=True)
    path = corpus(args.copies, args.work)
    words = sum(len(line.split()) for line in open(path, encoding="utf-8"))
    print(f"corpus: {path.name}, {path.stat().st_size / 1e6:,.0f} MB, {words / 1e6:,.1f} million words")
    command = [*TEXTLAB, "ngrams", "--unit", "word", "-n", str(args.n), str(path)]
    a, b = args.work / "in-memory.tsv", args.work / "spilled.tsv"
    wall_a, peak_a, _ = measured([*command, "--memory", "1T", "-o", str(a)])
    wall_b, peak_b, _ = measured([*command, "--memory", args.memory, "--tmp-dir", str(args.work), "-o", str(b)])
    rows = sum(1 for _ in open(a, encoding="utf-8")) - 1
    print(f"table: {rows:,} distinct {args.n}-grams")
    print(f"{'run':<22}{'seconds':>9}{'peak MB':>9}")
    print(f"{'in memory':<22}{wall_a:>9.1f}{peak_a:>9.0f}")
    print(f"{'--memory ' + args.memory:<22}{wall_b:>9.1f}{peak_b:>9.0f}")
    print(f"in-memory peak / budget: {peak_a * 2**20 / _bytes(args.memory):.1f}x")
    same = filecmp.cmp(a, b, shallow=False)
    print("tables: identical" if same else "tables: DIFFERENT")
    if not same:
        sys.exit(1)


def _bytes(size: str) -> int:
    units = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}
    return int(float(size[:-1]) * units[size[-1].upper()]) if size[-1].upper() in units else int(size)


if __name__ == "__main__":
    main()
