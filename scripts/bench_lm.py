#!/usr/bin/env python3
"""`textlab lm -n 5` against KenLM's `lmplz -o 5 -S 1G` on the same words, side by side in one run.

    python scripts/bench_lm.py [--lmplz PATH] [--order 5] [--repeat 1] [--memory SIZE]

The text: ``textlab words`` of ../shared/data/webster1913.txt.xz (5.4 million
words, one line per line of the dictionary, blank lines kept), written once to
--work. Both sides build the same model: textlab with
``--blank-lines-are-sentences``, which counts a blank line as the sentence
``<s> </s>`` as lmplz does, so the n-gram counts in the two ARPA headers are
equal (checked here; the tests check the log-probabilities on smaller corpora).

``--memory SIZE`` gives both the same budget: ``textlab lm --memory SIZE`` (past
it the model is estimated from sorted runs on disk) against ``lmplz -S SIZE``;
without it, textlab runs with its default budget (a quarter of the machine's
memory) and lmplz with ``-S 1G``. Both write their temporary files to --work.

Timed: each whole command (start-up included) with ``/usr/bin/time -v`` for its
peak memory, the two alternating, the median of --repeat runs.

lmplz is not on PyPI. Build it from https://github.com/kpu/kenlm (about four
minutes on two cores) with Debian's Boost packages::

    apt-get install cmake libboost-program-options-dev libboost-system-dev \\
        libboost-thread-dev libboost-test-dev zlib1g-dev libbz2-dev liblzma-dev
    mkdir build && cd build && cmake .. -DCMAKE_BUILD_TYPE=Release && make -j2 lmplz

then pass ``--lmplz build/bin/lmplz`` (or set $LMPLZ). The issue's targets: at most
1.5x lmplz's wall time, peak memory under 1 GB.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchutil import SHARED, require_data  # scripts/benchutil.py

WEBSTER = SHARED / "webster1913.txt.xz"
TEXTLAB = [sys.executable, "-m", "textlab"]


def words(work: Path) -> Path:
    path = work / "webster-words.txt"
    if not path.exists():
        with path.open("wb") as out:
            subprocess.run([*TEXTLAB, "words", str(WEBSTER)], stdout=out, stderr=subprocess.DEVNULL, check=True)
    return path


def run(command: list[str], stdin: Path | None = None) -> tuple[float, float]:
    """Wall seconds and peak resident memory (MB) of a whole command."""
    start = time.perf_counter()
    with open(stdin or os.devnull, "rb") as source:
        proc = subprocess.run(["/usr/bin/time", "-v", *command], stdin=source, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if proc.returncode:
        sys.exit(f"{command[0]} failed:\n{proc.stderr[-2000:]}")
    peak = next(int(line.split(":")[1]) for line in proc.stderr.splitlines() if "Maximum resident" in line)
    return wall, peak / 1024


def header(path: Path) -> list[str]:
    with path.open(encoding="utf-8", errors="replace") as f:
        return [line.strip() for _, line in zip(range(12), f) if line.startswith("ngram ")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lmplz", default=os.environ.get("LMPLZ") or shutil.which("lmplz"))
    parser.add_argument("--order", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--memory", help="the budget of both sides (textlab --memory, lmplz -S), e.g. 300M")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "textlab-bench-lm")
    args = parser.parse_args()
    require_data(WEBSTER)
    if not args.lmplz or not Path(args.lmplz).exists():
        sys.exit("no lmplz: build KenLM (see this script's help) and pass --lmplz PATH or set $LMPLZ")
    args.work.mkdir(parents=True, exist_ok=True)
    text = words(args.work)
    ours, theirs = args.work / "textlab.arpa", args.work / "lmplz.arpa"
    n = str(args.order)
    textlab = [*TEXTLAB, "lm", "--unit", "word", "-n", n, "--blank-lines-are-sentences", str(text), "-o", str(ours)]
    textlab += ["--tmp-dir", str(args.work)] + (["--memory", args.memory] if args.memory else [])
    lmplz = [args.lmplz, "-o", n, "-S", args.memory or "1G", "-T", str(args.work), "--discount_fallback"]
    lmplz += ["--arpa", str(theirs)]
    times: dict[str, list[float]] = {"textlab": [], "lmplz": []}
    peaks: dict[str, list[float]] = {"textlab": [], "lmplz": []}
    for _ in range(args.repeat):
        for name, command, stdin in (("lmplz", lmplz, text), ("textlab", textlab, None)):
            wall, peak = run(command, stdin)
            times[name].append(wall)
            peaks[name].append(peak)
    if header(ours) != header(theirs):
        sys.exit(f"the models differ: textlab {header(ours)}, lmplz {header(theirs)}")
    print(f"text: {text.stat().st_size / 1e6:.0f} MB of words; model: {', '.join(header(ours))}")
    for name in ("textlab", "lmplz"):
        runs = ", ".join(f"{t:.1f}" for t in times[name])
        print(f"{name:8s} {statistics.median(times[name]):6.1f} s  peak {max(peaks[name]):6.0f} MB   (runs: {runs})")
    ratio = statistics.median(times["textlab"]) / statistics.median(times["lmplz"])
    budget = f"both at a budget of {args.memory}" if args.memory else "textlab's default budget, lmplz -S 1G"
    print(f"textlab lm -n {n} takes {ratio:.2f}x lmplz's wall time ({budget}; target: at most 1.5x, under 1 GB)")


if __name__ == "__main__":
    main()
