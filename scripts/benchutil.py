"""Helpers shared by the benchmark scripts: where the data is, peak memory of a whole command, median times."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

# The commands timed run as a pip install runs them, from compiled bytecode: a checkout's
# modules are compiled once into __pycache__. Where PYTHONDONTWRITEBYTECODE is set (this
# project's machines set it), every run would compile textlab's modules again: measured
# 0.1 s of a 0.54 s `generate` of a tiny table, which no installed textlab pays.
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)

#: The shared data (../shared/data beside the project), or $TEXTLAB_SHARED_DATA.
SHARED = Path(os.environ.get("TEXTLAB_SHARED_DATA", Path(__file__).resolve().parent.parent.parent / "shared" / "data"))


def require_data(*paths: Path) -> None:
    """Exit with one line if a file the benchmark reads is missing."""
    for path in paths:
        if not path.exists():
            sys.exit(f"missing {path}: this benchmark needs ../shared/data")


def measured(args: list[str]) -> tuple[float, float, str]:
    """Run the command ``args``: wall seconds, peak resident memory in MB (``/usr/bin/time -v``), stdout."""
    import time

    start = time.perf_counter()
    proc = subprocess.run(["/usr/bin/time", "-v", *args], capture_output=True, text=True, check=True)
    wall = time.perf_counter() - start
    for line in proc.stderr.splitlines():
        if "Maximum resident set size" in line:
            return wall, int(line.split(":")[1]) / 1024, proc.stdout
    raise RuntimeError("no maximum resident set size in /usr/bin/time output")


def _tree(root: int) -> list[int]:
    """``root`` and every process below it, from /proc."""
    parents: dict[int, list[int]] = {}
    for entry in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{entry}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        parents.setdefault(ppid, []).append(int(entry))
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo += parents.get(pid, [])
    return out


def _pss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            return next(int(line.split()[1]) for line in f if line.startswith("Pss:"))
    except (OSError, StopIteration):
        return 0


def measured_tree(args: list[str], every: float = 0.1) -> tuple[float, float, float, str]:
    """Run ``args``: wall seconds, the largest process's peak RSS in MB (``/usr/bin/time -v``), the peak of
    the whole process tree's summed PSS in MB (shared pages counted once, split among their sharers:
    what worker processes over shared memory really hold, sampled every ``every`` s), stdout."""
    import tempfile
    import time

    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(["/usr/bin/time", "-v", *args], stdout=out, stderr=err, text=True)
        peak = 0
        while proc.poll() is None:
            peak = max(peak, sum(_pss_kb(pid) for pid in _tree(proc.pid)[1:]))  # not /usr/bin/time itself
            time.sleep(every)
        wall = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if proc.returncode:
        raise subprocess.CalledProcessError(proc.returncode, args, stdout, stderr)
    rss = next(int(line.split(":")[1]) for line in stderr.splitlines() if "Maximum resident set size" in line)
    return wall, rss / 1024, peak / 1024, stdout


def peak_rss_mb(args: list[str]) -> float:
    """Peak resident memory of the command ``args``, in MB."""
    return measured(args)[1]


def median_time(fn, repeat: int = 3):  # type: ignore[no-untyped-def]
    """Median seconds of ``repeat`` calls of ``fn``, and what the last call returned."""
    import statistics
    import time

    times, result = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), result
