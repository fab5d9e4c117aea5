#!/usr/bin/env python3
"""The README's full-dump pipeline, measured stage by stage on the largest dump this machine makes quickly.

    python scripts/bench_pipeline.py                # the sample x85 as a multistream dump (517 MB of XML)
    python scripts/bench_pipeline.py --copies 10    # a quick look

    textlab wiki dump DUMP | textlab words | textlab ngrams --unit word -n 2 -o bigrams.tsv

The dump is built as scripts/bench_wiki_parallel.py builds it (and reused from
the same place).  Each stage runs under ``/usr/bin/time -v``: the pipeline's
wall time, and each stage's CPU time and peak memory.  It then scales the time
to the English Wikipedia's 90 GB of XML (linearly: every stage streams), and
says what does not scale linearly: the bigram table follows the distinct
bigrams, which a dump of repeated pages does not grow.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_wiki_parallel import build  # scripts/bench_wiki_parallel.py

ENGLISH_XML = 90e9  # bytes of XML in enwiki pages-articles (about 22 GB of bzip2)


def stage_stats(path: Path) -> tuple[float, float]:
    """CPU seconds (user + system) and peak MB from a ``/usr/bin/time -v`` report."""
    cpu = peak = 0.0
    for line in path.read_text().splitlines():
        key, _, value = line.strip().partition(": ")
        if key in ("User time (seconds)", "System time (seconds)"):
            cpu += float(value)
        elif key == "Maximum resident set size (kbytes)":
            peak = int(value) / 1024
    return cpu, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=85)
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()))
    args = parser.parse_args()
    dump, xml = build(args.copies, args.work)
    out = args.work / "pipeline-bigrams.tsv"
    t = [args.work / f"pipeline-stage{i}.time" for i in range(3)]
    py = sys.executable
    line = (
        f"/usr/bin/time -v -o {t[0]} {py} -m textlab wiki dump {dump}"
        f" | /usr/bin/time -v -o {t[1]} {py} -m textlab words"
        f" | /usr/bin/time -v -o {t[2]} {py} -m textlab ngrams --unit word -n 2 -o {out}"
    )
    start = time.perf_counter()
    subprocess.run(["bash", "-o", "pipefail", "-c", line], check=True)
    wall = time.perf_counter() - start
    rows = sum(1 for _ in open(out, encoding="utf-8")) - 1
    print(f"dump: {dump.name}, {xml / 1e6:,.0f} MB of XML; table: {rows:,} distinct word bigrams")
    print(f"pipeline wall time: {wall:.1f} s ({xml / wall / 1e6:.1f} MB of XML a second)")
    for name, path in zip(["wiki dump", "words", "ngrams --unit word -n 2"], t):
        cpu, peak = stage_stats(path)
        print(f"  {name:<26} CPU {cpu:7.1f} s   peak {peak:6.0f} MB")
    hours = wall * ENGLISH_XML / xml / 3600
    print(f"the English Wikipedia (90 GB of XML) at this rate: about {hours:.1f} hours on this machine")


if __name__ == "__main__":
    main()
