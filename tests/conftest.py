"""Shared fixtures: the bundled corpora, paths to the shared data, a CLI runner with a fixed terminal width.

Most tests run on the corpora that ship inside textlab (``textlab.corpora``), so a fresh
clone tests itself offline. A few need files too big to ship (a real Wikipedia XML dump,
Webster's dictionary with its invalid bytes): they take them from ../shared/data, or
``TEXTLAB_SHARED_DATA``, through ``shared_file``, and skip, saying where to get the file,
when it is not there.
"""

from __future__ import annotations

import functools
import lzma
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from textlab import corpora
from textlab.cli import app

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("TEXTLAB_SHARED_DATA", ROOT.parent / "shared" / "data"))

#: Where each shared file comes from (the source column of ../shared/data/README.md).
SOURCES = {
    "enwiki-sample.xml.bz2": "the test data of the gensim package on PyPI (pip download gensim --no-deps; "
    "a wheel is a zip file): "
    "gensim/test/test_data/enwiki-latest-pages-articles1.xml-p000000010p000030302-shortened.bz2, "
    "saved as enwiki-sample.xml.bz2",
    "webster1913.txt.xz": "the Debian package dict-gcide (apt-get download dict-gcide): its dictd data file "
    "gcide.dict.dz (in /usr/share/dictd/) is gzip-compatible: gzip -dc gcide.dict.dz | xz > webster1913.txt.xz",
    "tinyshakespeare.txt": "https://raw.githubusercontent.com/karpathy/char-rnn/master/data/tinyshakespeare/input.txt, "
    "saved as tinyshakespeare.txt",
    "quijote.txt": "Project Gutenberg ebook 2000 (https://www.gutenberg.org/ebooks/2000), the plain text UTF-8 file, "
    "saved as quijote.txt",
    "questions-words.txt": "the test data of the gensim package on PyPI: gensim/test/test_data/questions-words.txt "
    "(textlab also bundles it: textlab.corpora.path('analogies'))",
    "wordsim353.tsv": "the test data of the gensim package on PyPI: gensim/test/test_data/wordsim353.tsv",
}


def shared_file(name: str) -> Path:
    """Path to a file of ../shared/data, or skip the test saying which file, where it was looked for,
    and where to get it."""
    path = SHARED / name
    if not path.exists():
        source = SOURCES.get(name, "the list in ../shared/data/README.md")
        pytest.skip(
            f"shared test data {name} not found at {path}. Get it from {source}; "
            f"put it in {SHARED}, or set TEXTLAB_SHARED_DATA to the folder that holds it"
        )
    return path


# -- the bundled corpora ------------------------------------------------------------
def corpus_path(name: str) -> Path:
    """The installed, xz-compressed file of a bundled corpus ("en", "es" or "analogies")."""
    return corpora.path(name)


@functools.cache
def corpus_bytes(name: str) -> bytes:
    """A bundled corpus unpacked by Python's own lzma, independently of textlab's reader."""
    with lzma.open(corpus_path(name)) as f:
        return f.read()


def corpus_text(name: str) -> str:
    return corpus_bytes(name).decode("utf-8")


def corpus_head(name: str, size: int) -> bytes:
    """The first whole lines of a bundled corpus, about ``size`` bytes of them (for the slower checks)."""
    data = corpus_bytes(name)
    if size >= len(data):
        return data
    return data[: data.rindex(b"\n", 0, size) + 1]


def write_corpus(directory: Path, name: str, size: int | None = None) -> Path:
    """A bundled corpus (or its first ``size`` bytes of lines) as a plain UTF-8 file in ``directory``."""
    path = directory / (f"{name}.txt" if size is None else f"{name}-{size}.txt")
    path.write_bytes(corpus_bytes(name) if size is None else corpus_head(name, size))
    return path


@pytest.fixture(scope="session")
def webster_text(tmp_path_factory) -> Path:
    """Webster's 1913 unpacked once per test session (40 MB, a few invalid bytes)."""
    src = shared_file("webster1913.txt.xz")
    out = tmp_path_factory.mktemp("webster") / "webster.txt"
    with lzma.open(src) as f, open(out, "wb") as g:
        while block := f.read(1 << 22):
            g.write(block)
    return out


@pytest.fixture(autouse=True)
def _fixed_terminal(monkeypatch):
    # rich sizes tables from COLUMNS; fix it so output is the same everywhere
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.setenv("NO_COLOR", "1")


class Runner:
    """Invoke textlab in-process; stdout and stderr are kept apart."""

    def __init__(self) -> None:
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | bytes | None = None):
        return self.runner.invoke(app, list(args), input=input, catch_exceptions=False)


@pytest.fixture
def run() -> Runner:
    return Runner()


def run_pipeline(run, line: str) -> str:
    """Run a shell pipeline of textlab commands in-process, each stage's stdout the next one's stdin."""
    import shlex

    data = None
    for stage in line.split(" | "):
        argv = shlex.split(stage)
        assert argv[0] == "textlab", stage
        result = run(*argv[1:], input=data)
        assert result.exit_code == 0, f"{stage}: {result.stderr}"
        data = result.stdout
    return data or ""


def shell(command: str, cwd: Path) -> subprocess.CompletedProcess:
    """Run a shell line as a user types it (``textlab`` found on PATH beside this Python, a failing
    stage fails the line), in ``cwd``."""
    env = dict(os.environ, PATH=os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""))
    return subprocess.run(["bash", "-o", "pipefail", "-c", command], cwd=cwd, env=env, capture_output=True, text=True)
