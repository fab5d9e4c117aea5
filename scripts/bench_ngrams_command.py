#!/usr/bin/env python3
"""The whole `textlab ngrams --unit word -n 2 FILE > out.tsv` command against `Counter(zip(words, words[1:]))`
alone, both as whole processes, in one run.

    python scripts/bench_ngrams_command.py [--repeat 5]

The word stream: ``textlab words`` of ../shared/data/webster1913.txt.xz (5.4
million words) laid out as text8 is, in two lines, written once to --work.

Timed, the two alternating, median of --repeat whole processes (start-up included):
  * textlab: python -m textlab ngrams --unit word -n 2 FILE, its table (every
    distinct bigram, counted) written to a file;
  * peer:    python -c "words = open(FILE).read().split(); Counter(zip(words, words[1:]))",
    which only counts: it writes nothing.
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
PEER = "from collections import Counter; import sys; w = open(sys.argv[1]).read().split(); Counter(zip(w, w[1:]))"


def stream(work: Path) -> Path:
    path = work / "webster-text8.txt"
    if not path.exists():
        words = subprocess.run(
            [sys.executable, "-m", "textlab", "words", str(WEBSTER)], capture_output=True, text=True, check=True
        ).stdout.split()
        half = len(words) // 2
        path.write_text(" ".join(words[:half]) + "\n" + " ".join(words[half:]) + "\n")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "textlab-bench-ngrams")
    args = parser.parse_args()
    require_data(WEBSTER)
    args.work.mkdir(parents=True, exist_ok=True)
    path = stream(args.work)
    out = args.work / "bigrams.tsv"
    commands = {
        "textlab": [sys.executable, "-m", "textlab", "ngrams", "--unit", "word", "-n", "2", str(path), "-o", str(out)],
        "Counter": [sys.executable, "-c", PEER, str(path)],
    }
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(args.repeat):
        for name, command in commands.items():
            start = time.perf_counter()
            subprocess.run(command, check=True)
            times[name].append(time.perf_counter() - start)
    words = len(path.read_text().split())
    rows = sum(1 for _ in open(out, encoding="utf-8")) - 1
    print(f"word stream: {words / 1e6:.1f} million words in two lines; table: {rows:,} bigrams")
    for name, values in times.items():
        print(f"{name:<10}{statistics.median(values):8.2f} s   (runs: {', '.join(f'{v:.2f}' for v in values)})")
    ratio = statistics.median(times["Counter"]) / statistics.median(times["textlab"])
    print(f"the whole textlab command, table written: {ratio:.2f}x as fast as Counter counting alone")


if __name__ == "__main__":
    main()
