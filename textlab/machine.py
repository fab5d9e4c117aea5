"""What this machine offers a run: the cores this process may use, and its memory.

The defaults of ``--jobs`` and ``--workers`` (the cores) and of ``--memory``
(a share of the memory) come from here, so every command sees the machine alike.
"""

from __future__ import annotations

import os


def cores() -> int:
    """The cores this process may run on: a container or ``taskset`` may allow fewer than the machine has."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


def memory() -> int | None:
    """Bytes of physical memory (Linux and macOS report it), or None where the system does not say."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return None
