"""Progress: one mechanism, and only the stage of a pipe that reads files draws it."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
import threading

from textlab.cli import progress
from textlab.cli.progress import Meter


def test_who_shows_progress(monkeypatch):
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    assert progress.wanted(False, ["a.txt"])
    assert not progress.wanted(False, None)  # standard input: maybe a pipe, whose writer shows its own
    assert not progress.wanted(False, ["-"])
    assert progress.wanted(False, None, own_work=True)  # word2vec's epochs, after the input ended
    assert progress.wanted(True, None)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: False, raising=False)
    assert not progress.wanted(False, ["a.txt"])  # a log file gets progress only when asked
    assert progress.wanted(True, ["a.txt"])


def test_plain_lines_off_a_terminal(capsys, monkeypatch):
    monkeypatch.setattr(progress, "LOG_EVERY", 0.0)
    with Meter("dump", "{articles:,} articles") as meter:
        meter.update(1_500_000, 3_000_000, articles=1234)
    lines = capsys.readouterr().err.splitlines()
    assert lines[0].startswith("textlab: dump: 1.5 MB of 3.0 MB (50%), ")
    assert lines[0].endswith(" MB/s, 1,234 articles")
    assert len(lines) == 2  # and one at the end


def test_a_meter_that_is_off_prints_nothing(capsys):
    with Meter("reading", show=False) as meter:
        meter.update(10, 20)
    assert capsys.readouterr().err == ""


def test_a_pipe_on_a_terminal_draws_one_bar(tmp_path):
    """Both stages' stderr on one terminal: the first reads a file and draws; the second reads the pipe and does not."""
    text = tmp_path / "t.txt"
    text.write_text("the cat sat on the mat\n" * 200_000)
    leader, follower = pty.openpty()
    env = {**os.environ, "COLUMNS": "100"}
    first = subprocess.Popen(
        [sys.executable, "-m", "textlab", "ngrams", "-n", "2", str(text)],
        stdout=subprocess.PIPE,
        stderr=follower,
        env=env,
    )
    second = subprocess.Popen(
        [sys.executable, "-m", "textlab", "letters", "-o", str(tmp_path / "out.tsv")],
        stdin=first.stdout,
        stderr=follower,
        env=env,
    )
    assert first.stdout is not None
    first.stdout.close()
    seen: list[bytes] = []
    reader = threading.Thread(target=_drain, args=(leader, seen))  # a full terminal buffer would block them
    reader.start()
    try:
        assert second.wait(timeout=120) == 0 and first.wait(timeout=120) == 0
    finally:
        os.close(follower)
        reader.join(timeout=30)
        os.close(leader)
    output = b"".join(seen)
    assert b"counting" in output  # ngrams' label: the stage reading the file
    assert b"reading" not in output  # letters' label: the stage reading the pipe stays quiet


def _drain(fd: int, into: list[bytes]) -> None:
    while True:
        try:
            block = os.read(fd, 1 << 16)
        except OSError:  # the other end closed: all is read
            return
        if not block:
            return
        into.append(block)
