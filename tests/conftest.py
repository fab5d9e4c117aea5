"""Shared fixtures: paths to the shared data, a CLI runner with a fixed terminal width."""

from __future__ import annotations

import lzma
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from textlab.cli import app

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("TEXTLAB_SHARED_DATA", ROOT.parent / "shared" / "data"))


def shared_file(name: str) -> Path:
    """Path to a file of ../shared/data, or skip the test saying why."""
    path = SHARED / name
    if not path.exists():
        pytest.skip(f"shared data {name} not found in {SHARED} (set TEXTLAB_SHARED_DATA)")
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
