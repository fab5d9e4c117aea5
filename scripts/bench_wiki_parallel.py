#!/usr/bin/env python3
"""`textlab wiki dump --jobs N` on a multistream dump, against `--jobs 1` and WikiExtractor, in one run.

    pip install wikiextractor                       # the peer (or: pip install -e '.[bench]')
    python scripts/bench_wiki_parallel.py           # a ~500 MB-of-XML multistream dump, built once
    python scripts/bench_wiki_parallel.py --copies 10 --repeat 1    # a quick look

The dump is ../shared/data/enwiki-sample.xml.bz2 repacked as Wikimedia's
multistream bzip2 (100 pages a stream, and the index), its pages repeated
``--copies`` times under new ids (textlab.wiki.multistream.repack); it is
written to --work (default: the system's temporary directory) and reused.

Timed, each the median of --repeat whole runs (start-up included), output to /dev/null:
  * textlab wiki dump --jobs 1 DUMP
  * textlab wiki dump --jobs 2 DUMP
  * python -m wikiextractor.WikiExtractor --no-templates --processes 2 -q -o DIR DUMP
and the peak memory of each: the largest process, and the sum over the command's
processes (sampled every 50 ms from /proc), since the workers are processes too.
It also checks that --jobs 2 writes exactly what --jobs 1 writes.
"""

from __future__ import annotations

import argparse
import bz2
import hashlib
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from benchutil import SHARED, require_data  # scripts/benchutil.py

SAMPLE = SHARED / "enwiki-sample.xml.bz2"
TEXTLAB = [sys.executable, "-m", "textlab"]


def build(copies: int, work: Path) -> tuple[Path, int]:
    """The multistream dump of the sample x ``copies`` (made once), and its size as XML."""
    from textlab.wiki.multistream import repack

    dump = work / f"enwiki-sample-x{copies}-multistream.xml.bz2"
    index = work / f"enwiki-sample-x{copies}-multistream-index.txt.bz2"
    if not dump.exists():
        print(f"building {dump} ...", file=sys.stderr)
        with bz2.open(SAMPLE) as src, open(f"{dump}.part", "wb") as out, open(index, "wb") as idx:
            repack(src, out, idx, copies=copies)
        os.replace(f"{dump}.part", dump)
    xml = 0
    with bz2.open(dump) as f:
        while block := f.read(1 << 24):
            xml += len(block)
    return dump, xml


def tree_rss_mb(pid: int) -> tuple[float, float]:
    """Resident memory of process ``pid``: its own, and with all its descendants, in MB."""
    own, total = 0.0, 0.0
    stack = [pid]
    while stack:
        p = stack.pop()
        try:
            with open(f"/proc/{p}/status") as f:
                rss = next((int(line.split()[1]) for line in f if line.startswith("VmRSS:")), 0) / 1024
            with open(f"/proc/{p}/task/{p}/children") as f:
                stack += [int(c) for c in f.read().split()]
        except (OSError, ValueError):
            continue
        total += rss
        own = max(own, rss)
    return own, total


def run(args: list[str]) -> tuple[float, float, float, str]:
    """Wall seconds, peak MB of the largest process, peak MB summed over the processes, stdout's digest."""
    digest = hashlib.sha256()
    start = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    assert proc.stdout is not None
    peaks = [0.0, 0.0]

    def sample() -> None:  # every 50 ms until the command ends, whether it writes to stdout or not
        while proc.poll() is None:
            own, total = tree_rss_mb(proc.pid)
            peaks[0], peaks[1] = max(peaks[0], own), max(peaks[1], total)
            time.sleep(0.05)

    sampler = threading.Thread(target=sample)
    sampler.start()
    while block := proc.stdout.read(1 << 20):
        digest.update(block)
    code = proc.wait()
    sampler.join()
    if code:
        sys.exit(f"failed: {' '.join(args)}")
    return time.perf_counter() - start, peaks[0], peaks[1], digest.hexdigest()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--copies", type=int, default=85, help="the sample's pages this many times (85: ~530 MB XML)")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()))
    args = ap.parse_args()
    require_data(SAMPLE)
    try:
        import wikiextractor  # noqa: F401
    except ImportError:
        sys.exit("the peer is not installed: pip install wikiextractor")
    dump, xml = build(args.copies, args.work)
    out_dir = args.work / "bench-wikiextractor"
    commands = {
        "textlab wiki dump --jobs 1": [*TEXTLAB, "wiki", "dump", "--jobs", "1", str(dump)],
        f"textlab wiki dump --jobs {args.jobs}": [*TEXTLAB, "wiki", "dump", "--jobs", str(args.jobs), str(dump)],
        f"WikiExtractor --processes {args.jobs}": [
            sys.executable,
            "-m",
            "wikiextractor.WikiExtractor",
            "--no-templates",
            "--processes",
            str(args.jobs),
            "-q",
            "-o",
            str(out_dir),
            str(dump),
        ],
    }
    results: dict[str, list[tuple[float, float, float, str]]] = {name: [] for name in commands}
    for _ in range(args.repeat):  # alternate, so a drift of the machine's speed hits all three
        for name, argv in commands.items():
            shutil.rmtree(out_dir, ignore_errors=True)
            results[name].append(run(argv))
    shutil.rmtree(out_dir, ignore_errors=True)
    print(
        f"input: {dump.name}, {dump.stat().st_size / 1e6:.0f} MB compressed, {xml / 1e6:.0f} MB of XML; "
        f"{os.cpu_count()} CPUs, median of {args.repeat} alternating runs"
    )
    names = list(commands)
    wall = {name: statistics.median(r[0] for r in results[name]) for name in names}
    print(f"{'what':34} {'seconds':>8} {'MB/s XML':>9} {'largest MB':>11} {'summed MB':>10}")
    for name in names:
        largest = max(r[1] for r in results[name])
        summed = max(r[2] for r in results[name])
        print(f"{name:34} {wall[name]:8.1f} {xml / 1e6 / wall[name]:9.1f} {largest:11.0f} {summed:10.0f}")
    one, many, peer = names
    print(f"--jobs {args.jobs} against --jobs 1: {wall[one] / wall[many]:.2f}x")
    print(f"--jobs {args.jobs} against WikiExtractor --processes {args.jobs}: {wall[peer] / wall[many]:.2f}x")
    same = {r[3] for r in results[one]} == {r[3] for r in results[many]} and len({r[3] for r in results[one]}) == 1
    print(f"--jobs {args.jobs} output identical to --jobs 1: {'yes' if same else 'NO'}")


if __name__ == "__main__":
    main()
