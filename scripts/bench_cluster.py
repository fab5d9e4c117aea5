#!/usr/bin/env python3
"""Word bigrams of a sharded corpus on a Dask cluster of 1 and 2 workers, against the local run, in one run.

    pip install -e '.[cluster]'
    python scripts/bench_cluster.py                 # 10 shards of Webster's word stream: 54 million words
    python scripts/bench_cluster.py --copies 2 --repeat 1      # a quick look
    python scripts/bench_cluster.py --partition-size 32M       # one shard a task: ten tasks, not five

The corpus: ``textlab words`` of ../shared/data/webster1913.txt.xz (5.4 million
words), written ``--copies`` times as shards shard-00.txt, shard-01.txt, ... in
--work (default: the system's temporary directory), made once and reused.

Timed, each the median of --repeat whole commands (start-up included), table to a file:
  * local:     textlab ngrams --unit word -n 2 SHARDS -o local.tsv
  * 1 worker:  the same with --scheduler, a `dask scheduler` and one `dask worker` process
  * 2 workers: the same with two `dask worker` processes
The scheduler and workers are started by this script on 127.0.0.1 (their start
is not timed: a cluster is started once and used for many commands).  It prints
the speed-up of 2 workers over 1 and the overhead of the cluster over the local
run, and checks that every table is the local one, byte for byte.
"""

from __future__ import annotations

import argparse
import filecmp
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
DASK = [sys.executable, "-m", "distributed.cli.dask_scheduler"]
WORKER = [sys.executable, "-m", "distributed.cli.dask_worker"]


def shards(copies: int, work: Path) -> list[Path]:
    words = work / "webster-words.txt"
    if not words.exists():
        subprocess.run([*TEXTLAB, "words", str(WEBSTER), "-o", str(words)], check=True)
    made = []
    for i in range(copies):
        shard = work / f"shard-{i:02d}.txt"
        if not shard.exists():
            shutil.copyfile(words, shard)
        made.append(shard)
    return made


class Cluster:
    """A `dask scheduler` and `workers` single-threaded `dask worker` processes on loopback."""

    def __init__(self, workers: int, work: Path) -> None:
        self.file = work / f"scheduler-{workers}.json"
        self.file.unlink(missing_ok=True)
        quiet = dict(stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.scheduler = subprocess.Popen(
            [*DASK, "--host", "127.0.0.1", "--port", "0", "--no-dashboard", "--scheduler-file", str(self.file)],
            **quiet,  # type: ignore[arg-type]
        )
        self.workers = subprocess.Popen(
            [*WORKER, "--scheduler-file", str(self.file), "--nworkers", str(workers), "--nthreads", "1"]
            + ["--no-dashboard", "--memory-limit", "0", "--host", "127.0.0.1"],
            **quiet,  # type: ignore[arg-type]
        )
        from distributed import Client

        while not self.file.exists():
            time.sleep(0.2)
        with Client(scheduler_file=str(self.file)) as client:
            client.wait_for_workers(workers, timeout=120)
            self.address = client.scheduler.address

    def close(self) -> None:
        for proc in (self.workers, self.scheduler):
            proc.terminate()
            proc.wait()


def timed(args: list[str], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(args, check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=10, help="shards of Webster's word stream (5.4M words each)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--partition-size", default=None, help="passed to textlab (default: textlab's, 64M)")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "textlab-bench-cluster")
    args = parser.parse_args()
    require_data(WEBSTER)
    args.work.mkdir(parents=True, exist_ok=True)
    files = [str(p) for p in shards(args.copies, args.work)]
    size = sum(os.path.getsize(f) for f in files)
    words = args.copies * sum(len(line.split()) for line in open(files[0], encoding="utf-8"))
    print(f"corpus: {len(files)} shards, {size / 1e6:,.0f} MB, {words / 1e6:,.1f} million words")
    command = [*TEXTLAB, "ngrams", "--unit", "word", "-n", "2", *files, "-o"]

    local_out = args.work / "local.tsv"
    seconds = {"local": timed([*command, str(local_out)], args.repeat)}
    for workers in (1, 2):
        cluster = Cluster(workers, args.work)
        try:
            out = args.work / f"cluster-{workers}.tsv"
            sizing = ["--partition-size", args.partition_size] if args.partition_size else []
            seconds[workers] = timed([*command, str(out), "--scheduler", cluster.address, *sizing], args.repeat)
        finally:
            cluster.close()
        if not filecmp.cmp(local_out, out, shallow=False):
            sys.exit(f"{out} differs from {local_out}")
    print(f"{'run':<12}{'seconds':>10}{'million words/s':>18}")
    for name, value in seconds.items():
        label = name if name == "local" else f"{name} worker{'s' if name == 2 else ''}"
        print(f"{label:<12}{value:>10.2f}{words / value / 1e6:>18.2f}")
    print(f"speed-up, 2 workers over 1: {seconds[1] / seconds[2]:.2f}x")
    print(f"cluster overhead, 1 worker against local: {seconds[1] / seconds['local']:.2f}x the time")
    print(f"2 workers against local: {seconds['local'] / seconds[2]:.2f}x as fast")
    print("tables: identical to the local run")


if __name__ == "__main__":
    main()
