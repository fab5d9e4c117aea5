"""Helpers shared by the benchmark scripts: where the data is, peak memory of a whole command, median times."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

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
