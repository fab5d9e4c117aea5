"""Counting and dump extraction on a Dask cluster give the local run's output, byte for byte.

The first tests need no Dask: they count partitions one after another with the
workers' own functions and check the sum against one local count, for cuts
anywhere.  The rest start a ``distributed.LocalCluster`` (two worker processes,
on loopback only) and run the commands with ``--scheduler``, including with a
worker that dies in the middle.
"""

from __future__ import annotations

import bz2
import gzip
import io
import itertools
import os
import random
from pathlib import Path

import pytest

from textlab.cluster.jobs import LettersJob, NgramsJob, count_partition, merge_partials
from textlab.cluster.partitions import split_inputs
from textlab.io import TextReader
from textlab.letters import count_letters
from textlab.ngrams import count_ngrams
from textlab.wiki.multistream import repack

from .test_wiki_parallel import dump_xml

# markers ^ $ <s> as text too: they must stay apart from the real markers
WORDS = ["cat", "dog", "ñandú", "über", "a", "the", "q", "u", "^", "$", "<s>", "é", "日本", "Straße"]


def corpus(tmp_path: Path, lines: int = 150) -> list[str]:
    """Three files: UTF-8 with multi-byte characters, one without its last newline
    (its last line goes on in the next file), one gzip'd, one with a byte that is not UTF-8."""
    rng = random.Random(7)

    def text(n: int) -> str:
        return "\n".join(" ".join(rng.choice(WORDS) for _ in range(rng.randint(0, 9))) for _ in range(n))

    a, b, c = tmp_path / "a.txt", tmp_path / "b.txt", tmp_path / "c.txt.gz"
    a.write_bytes(text(lines).encode() + b" \xff caf\xc3\n")  # invalid bytes, replaced alike
    b.write_text(text(lines))  # no newline at the end
    c.write_bytes(gzip.compress((text(lines) + "\n").encode()))
    return [str(a), str(b), str(c)]


def local(job, paths: list[str]):
    chunks = TextReader(paths).chunks()
    if isinstance(job, LettersJob):
        return count_letters(chunks, job.n, ignore_case=job.ignore_case, all_chars=job.all_chars)
    return count_ngrams(
        chunks,
        unit=job.unit,
        orders=list(job.orders),
        ignore_case=job.ignore_case,
        letters_only=job.letters_only,
        boundaries=job.boundaries,
    )


def in_parts(job, paths: list[str], every: int):
    partitions = split_inputs(paths, every)
    results = [count_partition(job, partitions.window(i), 0) for i in range(len(partitions))]  # as tasks get them
    while len(results) > 1:  # a tree of merges, neighbours with neighbours, as the scheduler runs it
        merged = [merge_partials(job, a, b) for a, b in zip(results[::2], results[1::2])]
        results = merged + results[len(merged) * 2 :]
    return job.finish(results[0].value), len(partitions)


def rows(result) -> list:
    order = result.order.tolist() if hasattr(result, "order") else [None] * len(result)
    return list(zip(order, result.ngrams, result.counts.tolist()))


JOBS = [
    LettersJob(1),
    LettersJob(3),
    LettersJob(2, ignore_case=True, all_chars=True),
    NgramsJob("char", (1,)),
    NgramsJob("char", (1,), boundaries=True),
    NgramsJob("char", (1, 2, 3), boundaries=True),
    NgramsJob("char", (3,), letters_only=True, boundaries=True),
    NgramsJob("char", (5,)),
    NgramsJob("word", (1, 2, 3)),
    NgramsJob("word", (2,), boundaries=True),
    NgramsJob("word", (3,), ignore_case=True, boundaries=True),
]


@pytest.mark.parametrize("job", JOBS, ids=repr)
def test_partitions_add_up_to_the_local_count(tmp_path, job):
    paths = corpus(tmp_path)
    expected = local(job, paths)
    for every in (11, 300, 1 << 20):  # cuts inside words, lines and characters; one partition a file
        got, parts = in_parts(job, paths, every)
        assert rows(got) == rows(expected), (every, parts)
        if hasattr(expected, "total"):
            assert got.total == expected.total


def test_small_files_share_a_partition_and_big_ones_are_cut(tmp_path):
    paths = corpus(tmp_path)
    assert len(split_inputs(paths, 1 << 20)) == 1  # three small files: one task
    sizes = [os.path.getsize(p) for p in paths]
    assert sizes[0] + sizes[1] < 6000 < sizes[0] + sizes[1] + 4 * sizes[2]  # a gzip'd file weighs 4x its size
    partitions = split_inputs(paths, 6000)
    assert len(partitions.pieces) == 3 and partitions.starts == (0, 2)
    assert len(split_inputs(paths, 1000).pieces) > 3  # cut into pieces of about 1000 bytes


def test_cuts_fall_at_line_starts_however_the_size_falls(tmp_path):
    path = tmp_path / "t.txt"
    data = ("añ日本\n" * 50 + "x" * 300 + "\n" + "é\n" * 20).encode()
    path.write_bytes(data)
    every = data.index("日".encode()) + 1  # the first nominal cut is inside a three-byte character
    pieces = split_inputs([str(path)], every).pieces
    assert len(pieces) > 5
    assert pieces[0].start == 0 and pieces[-1].end == len(data)
    for before, after in itertools.pairwise(pieces):
        assert before.end == after.start and data[after.start - 1 : after.start] == b"\n"
    long_line = data.index(b"x")
    assert not any(long_line < p.start <= long_line + 300 for p in pieces)  # a long line is not cut


def test_a_line_through_more_files_than_a_task_carries_is_one_clear_error(tmp_path, monkeypatch):
    from textlab.cluster import partitions as module
    from textlab.errors import DataError

    monkeypatch.setattr(module, "LOOKAHEAD_PIECES", 2)
    paths = []
    for i in range(6):  # one line, through six files
        paths.append(tmp_path / f"{i}.txt")
        paths[-1].write_text(f"word{i} and more ")
    job = NgramsJob("word", (2,))
    with pytest.raises(DataError, match="runs on"):
        in_parts(job, [str(p) for p in paths], 1)  # a file a partition
    assert rows(in_parts(NgramsJob("char", (3,)), [str(p) for p in paths], 1)[0]) == rows(
        local(NgramsJob("char", (3,)), [str(p) for p in paths])
    )


def test_without_a_scheduler_nothing_of_dask_is_imported(tmp_path):
    import subprocess
    import sys

    paths = corpus(tmp_path)
    for command in (["letters"], ["ngrams", "--unit", "word"]):
        done = subprocess.run(
            [sys.executable, "-X", "importtime", "-m", "textlab", *command, *paths], capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
        imported = {line.split("|")[-1].strip().split(".")[0] for line in done.stderr.splitlines() if "|" in line}
        assert "textlab" in imported and not imported & {"dask", "distributed", "fsspec"}


# -- on a cluster -------------------------------------------------------------------
distributed = pytest.importorskip("distributed", reason="the [cluster] extra (Dask's distributed) is not installed")


@pytest.fixture(scope="module")
def cluster():
    import dask

    # one death is forgiven, the second gives up: the tests of a dying worker stay short
    with (
        dask.config.set({"distributed.scheduler.allowed-failures": 1}),
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
        ) as local_cluster,
    ):
        yield local_cluster.scheduler_address


def same_output(run, args: list[str], address: str, every: str = "300") -> str:
    here = run(*args)
    assert here.exit_code == 0, here.stderr
    there = run(*args, "--scheduler", address, "--partition-size", every)
    assert there.exit_code == 0, there.stderr
    assert there.stdout == here.stdout
    assert there.stderr == here.stderr  # the same warnings (the invalid bytes)
    return there.stdout


@pytest.mark.parametrize(
    "args",
    [
        ["letters"],
        ["letters", "-n", "3", "--ignore-case"],
        ["letters", "--compare", "english"],
        ["ngrams", "--orders", "1-4", "--boundaries"],
        ["ngrams", "-n", "3", "--letters-only", "-b", "-i"],
        ["ngrams", "--unit", "word", "--orders", "1-3", "--boundaries", "--prob"],
        ["ngrams", "--unit", "word", "-n", "2", "--min-count", "2"],
    ],
    ids=" ".join,
)
def test_commands_on_a_cluster_write_what_they_write_here(run, tmp_path, cluster, args):
    out = same_output(run, args + corpus(tmp_path), cluster)
    assert out.count("\n") > 5


def test_the_scheduler_from_the_environment(run, tmp_path, cluster, monkeypatch):
    paths = corpus(tmp_path)
    here = run("ngrams", "-n", "2", *paths).stdout
    monkeypatch.setenv("TEXTLAB_SCHEDULER", cluster)
    assert run("ngrams", "-n", "2", "--partition-size", "1K", *paths).stdout == here


@pytest.fixture
def multistream(tmp_path: Path) -> dict[str, Path]:
    xml = dump_xml(300)
    made = {"xml": tmp_path / "d.xml", "dump": tmp_path / "d-multistream.xml.bz2", "index": tmp_path / "i.txt.bz2"}
    made["xml"].write_bytes(xml)
    with open(made["dump"], "wb") as out, open(made["index"], "wb") as index:
        repack(io.BytesIO(xml), out, index, per_stream=10)
    return made


@pytest.mark.parametrize("kind", ["streams", "index", "xml"])
def test_wiki_dump_shards_are_the_local_output(run, tmp_path, cluster, multistream, kind):
    dump = multistream["xml" if kind == "xml" else "dump"]
    here = run("wiki", "dump", str(dump))
    assert here.exit_code == 0, here.stderr
    shards = tmp_path / "shards"
    extra = ["--index", str(multistream["index"])] if kind == "index" else []
    there = run("wiki", "dump", str(dump), *extra, "--scheduler", cluster, "--partition-size", "5K", "-o", str(shards))
    assert there.exit_code == 0, there.stderr
    names = sorted(os.listdir(shards))
    assert len(names) > 3 and names[0] == "00000.txt"
    assert "".join((shards / name).read_text() for name in names) == here.stdout


def test_wiki_dump_on_a_cluster_refuses_what_it_cannot_cut(run, tmp_path, cluster, multistream):
    single = tmp_path / "one.xml.bz2"
    single.write_bytes(bz2.compress(multistream["xml"].read_bytes()))
    result = run("wiki", "dump", str(single), "--scheduler", cluster, "-o", str(tmp_path / "s"))
    assert result.exit_code == 1
    assert "one compressed stream" in result.stderr and "multistream" in result.stderr
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x").write_text("x")
    result = run("wiki", "dump", str(multistream["dump"]), "--scheduler", cluster, "-o", str(tmp_path / "full"))
    assert result.exit_code == 2 and "not empty" in result.stderr
    result = run("wiki", "dump", str(multistream["dump"]), "--scheduler", cluster)
    assert result.exit_code == 2 and "-o DIR" in result.stderr


class Killer(distributed.WorkerPlugin):
    """Kills the worker process as it starts counting a partition: once (a marker file
    remembers), or every time."""

    def __init__(self, marker: str, always: bool = False) -> None:
        self.marker, self.always = marker, always

    def transition(self, key, start, finish, **kwargs):
        if finish != "executing" or "-count-" not in str(key):
            return
        if self.always:
            Path(self.marker).touch()
            os._exit(1)
        try:  # once: only the worker that creates the marker dies (two could both see it missing)
            os.close(os.open(self.marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
        except FileExistsError:
            return
        os._exit(1)


@pytest.fixture
def client(cluster):
    with distributed.Client(cluster) as c:
        yield c


def test_a_worker_that_dies_does_not_change_the_table(run, tmp_path, cluster, client):
    paths = corpus(tmp_path)
    here = run("ngrams", "--unit", "word", "-n", "2", *paths).stdout
    marker = tmp_path / "killed"
    client.register_plugin(Killer(str(marker)), name="killer")
    try:
        there = run("ngrams", "--unit", "word", "-n", "2", "--scheduler", cluster, "--partition-size", "1K", *paths)
    finally:
        client.unregister_worker_plugin("killer")
    assert marker.exists()  # a worker did die
    assert there.exit_code == 0, there.stderr
    assert there.stdout == here


def test_a_partition_that_kills_every_worker_fails_in_one_line(run, tmp_path, cluster, client):
    paths = corpus(tmp_path)
    out = tmp_path / "t.tsv"
    client.register_plugin(Killer(str(tmp_path / "killed"), always=True), name="killer")
    try:
        result = run("ngrams", "-n", "2", "--scheduler", cluster, *paths, "-o", str(out))
    finally:
        client.unregister_worker_plugin("killer")
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Dask workers died working on" in lines[0] and "given up" in lines[0], lines
    assert not out.exists()  # no table rather than a partial one
    client.wait_for_workers(2, timeout=60)  # the nannies bring them back for the next test


def test_an_unreachable_scheduler_is_one_line(run, tmp_path):
    paths = corpus(tmp_path)
    result = run("letters", "--scheduler", "tcp://127.0.0.1:9", *paths)
    assert result.exit_code == 1
    assert result.stderr.startswith("textlab: error: cannot reach the Dask scheduler at tcp://127.0.0.1:9")
    assert len(result.stderr.strip().splitlines()) == 1


def test_standard_input_cannot_go_to_a_cluster(run, cluster):
    result = run("letters", "--scheduler", cluster, input="abc\n")
    assert result.exit_code == 2 and "standard input cannot be split" in result.stderr
