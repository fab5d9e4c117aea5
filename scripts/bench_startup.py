#!/usr/bin/env python3
"""Start-up of textlab against the imports it cannot avoid, side by side in one run.

    python scripts/bench_startup.py [--runs 21]

A one-liner pays textlab's start on every stage of every pipe. Two pairs, each
run alternately (A B A B ...) so that a drift of the machine's speed hits both,
and the median wall time of each reported with the ratio A/B:

  * `echo hello | textlab letters` against `python -c "import numpy"`: counting
    needs NumPy; everything above it is textlab's and typer's cost;
  * `textlab --help` against `python -c "import typer"`: the help needs typer only.

It also says whether `textlab --help` imported NumPy (it must not). Run it from the
environment whose `textlab` you want to measure (a wheel install has no editable
finder, which costs about 15 ms).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path


def wall(argv: list[str], stdin: bytes) -> float:
    start = time.perf_counter()
    subprocess.run(argv, input=stdin, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def pair(a: list[str], b: list[str], stdin: bytes, runs: int) -> tuple[float, float]:
    wall(a, stdin), wall(b, b"")  # warm the page cache
    ta, tb = [], []
    for _ in range(runs):
        ta.append(wall(a, stdin))
        tb.append(wall(b, b""))
    return statistics.median(ta), statistics.median(tb)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=21)
    args = ap.parse_args()
    beside = Path(sys.executable).parent / "textlab"
    textlab = str(beside) if beside.exists() else shutil.which("textlab")
    if textlab is None:
        sys.exit("bench_startup: no textlab command beside this Python or on PATH (pip install .)")
    py = sys.executable
    print(f"textlab: {textlab}; median of {args.runs} alternating runs, wall seconds")
    print(f"{'what':<44} {'textlab':>8} {'peer':>8} {'ratio':>7}")
    for label, a, b, stdin in [
        ("echo hello | textlab letters / import numpy", [textlab, "letters"], [py, "-c", "import numpy"], b"hello\n"),
        ("textlab --help / import typer", [textlab, "--help"], [py, "-c", "import typer"], b""),
    ]:
        ta, tb = pair(a, b, stdin, args.runs)
        print(f"{label:<44} {ta:8.3f} {tb:8.3f} {ta / tb:6.2f}x")
    trace = subprocess.run([py, "-X", "importtime", "-m", "textlab", "--help"], capture_output=True, text=True)
    modules = {line.rsplit("|", 1)[-1].strip() for line in trace.stderr.splitlines() if "|" in line}
    print(f"textlab --help imports NumPy: {'yes' if 'numpy' in modules else 'no'}")


if __name__ == "__main__":
    main()
