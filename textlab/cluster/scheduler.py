"""Running a job on a Dask cluster: one task per partition, a tree of merges.

This is the only module that imports Dask (``distributed``), and only when a
command is given ``--scheduler``; without it everything runs in-process.

How a run goes.  Each partition is a task, ``jobs.count_partition``; neighbouring
results are merged pairwise by ``jobs.merge_partials`` tasks, level by level,
so partial tables meet on the workers and only the final one comes back (a
tree reduction: no machine ever holds more than two partial tables at once to
merge).  Merges keep the input's order (left before right), which keeps the
numbering of tokens, and so the order of the rows, that of the local run.

When a worker dies.  Dask gives the tasks it held to other workers (its
results are computed again from the partitions); a task that keeps killing
its workers is given up after ``distributed.scheduler.allowed-failures``
tries, and the command fails with one line naming the partition.  A result is
either the whole input's or none.
"""

from __future__ import annotations

import contextlib
import logging
import re
import socket
import uuid
from collections.abc import Callable, Iterator
from importlib import metadata
from typing import Any

from ..errors import DataError
from .jobs import Job, Partial, count_partition, merge_partials
from .partitions import Partitions

#: Seconds to wait for the scheduler to answer, and for a first worker to join it.
CONNECT_TIMEOUT = 10


class ClusterError(DataError):
    """The cluster cannot do the work: unreachable, no workers, a partition that kills workers."""


@contextlib.contextmanager
def connect(address: str) -> Iterator[Any]:
    """A ``distributed.Client`` of the scheduler at ``address``, checked to have workers
    that run this textlab."""
    try:
        from distributed import Client
    except ImportError:
        raise ClusterError(
            "a Dask cluster is used through Dask's distributed",
            "pip install 'textlab-toolkit[cluster]' on every machine",
        ) from None
    # the client's own chatter (reconnecting, closing) is not the user's news
    logging.getLogger("distributed").setLevel(logging.ERROR)
    _knock(address)
    try:
        client = Client(address, timeout=CONNECT_TIMEOUT)
    except (OSError, TimeoutError, ValueError) as e:
        raise ClusterError(f"cannot reach the Dask scheduler at {address} ({_reason(e)})") from None
    try:
        _check_workers(client, address)
        yield client
    finally:
        client.close()


def _knock(address: str) -> None:
    """Fail at once where nothing listens at a tcp:// address (Dask would retry for its whole timeout)."""
    match = re.fullmatch(r"(?:tcp://)?\[?([^\]/]+?)\]?:(\d+)", address)
    if match is None:
        return
    try:
        socket.create_connection((match.group(1), int(match.group(2))), timeout=CONNECT_TIMEOUT).close()
    except OSError as e:
        raise ClusterError(f"cannot reach the Dask scheduler at {address} ({e.strerror or e})") from None


def _reason(error: BaseException) -> str:
    text = str(error).strip() or type(error).__name__
    return text.splitlines()[0]


def _check_workers(client: Any, address: str) -> None:
    try:
        client.wait_for_workers(1, timeout=CONNECT_TIMEOUT)
    except (OSError, TimeoutError):
        raise ClusterError(f"the Dask scheduler at {address} has no workers", "start some with: dask worker") from None
    ours = metadata.version("textlab-toolkit")
    versions = client.run(metadata.version, "textlab-toolkit", on_error="return")
    for worker, version in versions.items():
        if isinstance(version, BaseException):
            raise ClusterError(
                f"the Dask worker {worker} cannot run textlab ({_reason(version)})",
                "pip install textlab-toolkit on every machine of the cluster",
            )
        if version != ours:
            raise ClusterError(
                f"the Dask worker {worker} runs textlab {version}, this is textlab {ours}",
                "install the same version everywhere",
            )


def run_job(
    address: str,
    job: Job,
    partitions: Partitions,
    on_progress: Callable[[int, int], None] | None = None,
) -> Partial:
    """The job's result over all partitions, computed on the cluster at ``address``
    (``on_progress(partitions done, partitions)`` as they finish)."""
    with connect(address) as client:
        return _reduce(client, job, partitions, on_progress)


def _reduce(client: Any, job: Job, partitions: Partitions, on_progress: Callable[[int, int], None] | None) -> Partial:
    run = uuid.uuid4().hex[:8]  # task names of this run: textlab-<run>-count-<partition>
    # Each task carries its partition and the few after it that its lookahead may read,
    # not the whole list: no task depends on data that a dying worker could take along.
    level = [
        client.submit(count_partition, job, partitions.window(i), 0, key=f"textlab-{run}-count-{i}", pure=False)
        for i in range(len(partitions))
    ]
    counts = list(level)
    depth = 0
    while len(level) > 1:
        depth += 1
        merged = [
            client.submit(merge_partials, job, a, b, key=f"textlab-{run}-merge{depth}-{i}", pure=False)
            for i, (a, b) in enumerate(zip(level[::2], level[1::2]))
        ]
        level = merged + level[len(merged) * 2 :]  # an odd one out waits for the next level
    with _explaining(lambda i: f"partition {partitions.name(i)}"):
        _follow(counts, on_progress)
        return level[0].result()


def run_each(
    address: str,
    function: Callable[..., Any],
    calls: list[tuple],
    on_progress: Callable[[int, int], None] | None = None,
) -> list[Any]:
    """``function(*args)`` for each tuple of ``calls``, on the cluster at ``address``; the
    results in the order of ``calls``."""
    with connect(address) as client:
        run = uuid.uuid4().hex[:8]
        futures = [
            client.submit(function, *args, key=f"textlab-{run}-part-{i}", pure=False) for i, args in enumerate(calls)
        ]
        with _explaining(lambda i: str(calls[i][0])):
            _follow(futures, on_progress)
            return [future.result() for future in futures]


def _follow(futures: list[Any], on_progress: Callable[[int, int], None] | None) -> None:
    """Wait for ``futures``, telling ``on_progress(done, all)`` as each finishes."""
    from distributed import as_completed

    for done, _ in enumerate(as_completed(futures), start=1):
        if on_progress:
            on_progress(done, len(futures))


@contextlib.contextmanager
def _explaining(name: Callable[[int], str]) -> Iterator[None]:
    """A task's failure inside as the user's error (see :func:`_explained`)."""
    try:
        yield
    except Exception as e:
        raise _explained(e, name) from None


def _explained(error: Exception, name: Callable[[int], str]) -> Exception:
    """A task's failure as the user's error: textlab's own errors as they are, a
    worker that died with what it was working on (``name(i)`` of task i)."""
    from distributed.scheduler import KilledWorker

    if not isinstance(error, KilledWorker):
        return error
    key = str(error.task)
    match = re.search(r"-(?:count|part)-(\d+)$", key)
    what = name(int(match.group(1))) if match else "a merge of partial tables"
    return ClusterError(
        f"{error.allowed_failures + 1} Dask workers died working on {what}; it was given up",
        "the workers' logs say why; often memory: smaller partitions help",
    )
