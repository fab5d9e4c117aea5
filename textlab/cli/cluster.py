"""``--scheduler``: a command's counting sent to a Dask cluster, with the local run's messages."""

from __future__ import annotations

from typing import Any

from ..errors import DataError, EmptyInput, UsageError
from .output import warn, warn_invalid
from .parsing import parse_size
from .progress import Meter, wanted


def count_on_cluster(
    address: str, job: Any, files: list[str] | None, encoding: str | None, partition_size: str, progress: bool
) -> Any:
    """The job's finished result over ``files``, counted by the cluster at ``address``."""
    from ..cluster.partitions import split_inputs
    from ..cluster.scheduler import run_job

    partitions = split_inputs(files or ["-"], parse_size("--partition-size", partition_size), encoding)
    if not len(partitions):
        raise EmptyInput()
    with Meter("counting on the cluster", unit="partitions", show=wanted(progress, files)) as meter:
        result = run_job(address, job, partitions, lambda done, total: meter.update(done, total))
    warn_invalid(result.invalid_bytes, encoding)
    if not result.has_text:
        raise EmptyInput()
    return job.finish(result.value)


def dump_on_cluster(
    address: str,
    files: list[str],
    output: str | None,
    settings: Any,
    offsets: list[int] | None,
    partition_size: str,
    progress: bool,
) -> None:
    """``wiki dump --scheduler``: the dumps' articles as numbered shards in the directory ``output``."""
    from ..cluster.dumps import extract_on_cluster, prepare_directory, split_dump

    if output in (None, "-"):
        raise UsageError("--scheduler writes numbered shards: give -o DIR, a new directory")
    assert output is not None
    every = parse_size("--partition-size", partition_size)
    parts: list[tuple[Any, Any]] = []
    for path in files:
        found, with_namespaces = split_dump(path, every, output, len(parts), settings, offsets)
        parts += [(part, with_namespaces) for part in found]
    prepare_directory(output)
    with Meter("dump on the cluster", unit="partitions", show=wanted(progress, files)) as meter:
        written, failure = extract_on_cluster(address, parts, lambda done, total: meter.update(done, total))
    if failure is not None:
        noun = "article was" if written == 1 else "articles were"
        raise DataError(f"{failure}; {written:,} complete {noun} written to {output}")
    if written == 0:
        warn("no articles found (check --namespace and --min-words)")
