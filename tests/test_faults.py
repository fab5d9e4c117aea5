"""Bad input and faults, as a user meets them: every case is one `textlab: error:` line (no
traceback, no "internal error", no Python warning), the right exit status, and no file lost or
half-written.  Each runs textlab as a real process, as a shell would."""

from __future__ import annotations

import bz2
import errno
import gzip
import lzma
import os
import shutil
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

TEXT = "the cat sat on the mat. the dog sat on the log.\n" * 200


def textlab(*args: str, cwd: Path | None = None, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "textlab", *args], capture_output=True, cwd=cwd, input=stdin, timeout=300
    )


def one_error(r: subprocess.CompletedProcess, status: int = 1) -> str:
    """The run failed with ``status`` and said so in exactly one clean line; that line."""
    err = r.stderr.decode("utf-8", "replace")
    lines = [line for line in err.splitlines() if line.startswith("textlab: error:")]
    assert r.returncode == status, err
    assert len(lines) == 1, err
    for bad in ("internal error", "Traceback", "Warning"):
        assert bad not in err, err
    return lines[0]


def no_temporary_files(directory: Path) -> None:
    assert not [p.name for p in directory.iterdir() if p.name.startswith(".") and p.name.endswith(".tmp")]


@pytest.fixture
def text(tmp_path: Path) -> Path:
    p = tmp_path / "a.txt"
    p.write_text(TEXT)
    return p


# -- write errors -----------------------------------------------------------------------------
@pytest.fixture
def small_disk(tmp_path: Path):
    """A 64 KB tmpfs where this machine lets the test mount one (root in a VM or container)."""
    where = tmp_path / "disk"
    where.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a tmpfs needs root; test_write_errors_through_a_fake_disk covers the same path")
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(where)], capture_output=True).returncode:
        pytest.skip("this machine does not let the test mount a tmpfs")
    yield where
    subprocess.run(["umount", str(where)], capture_output=True)


def test_a_full_disk_is_one_line_and_keeps_the_old_file(small_disk: Path, text: Path, tmp_path: Path):
    big = tmp_path / "big.txt"
    big.write_text(TEXT * 20)  # its words (about 200 KB) do not fit in 64 KB
    old = small_disk / "words.txt"
    old.write_text("the old file\n")
    line = one_error(textlab("words", str(big), "-o", str(old)))
    assert line == f"textlab: error: {old}: cannot write: no space left on device"
    assert old.read_text() == "the old file\n"
    no_temporary_files(small_disk)


def test_a_read_only_place_is_one_line(small_disk: Path, text: Path):
    target = small_disk / "t.tsv"
    target.write_text("old\n")
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    line = one_error(textlab("ngrams", str(text), "-o", str(target)))
    assert "cannot write" in line and "read-only file system" in line
    assert target.read_text() == "old\n"


def test_write_errors_through_a_fake_disk(tmp_path: Path, text: Path, monkeypatch, run):
    """The same path with no tmpfs: the writer's file fails as a full disk does."""
    from textlab import io

    real_open = open

    class FullDisk:
        """A file being written whose every write fails as on a full disk."""

        def __init__(self, file):
            self.file = file

        def write(self, data):
            raise OSError(errno.ENOSPC, "No space left on device")

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.file.close()

    def fake_open(file, mode="r", *args, **kwargs):
        opened = real_open(file, mode, *args, **kwargs)
        return FullDisk(opened) if "w" in mode else opened

    monkeypatch.setattr(io, "open", fake_open, raising=False)
    target = tmp_path / "out.tsv"
    target.write_text("old\n")
    r = run("ngrams", str(text), "-o", str(target))
    assert r.exit_code == 1
    assert r.stderr.strip() == f"textlab: error: {target}: cannot write: no space left on device"
    assert target.read_text() == "old\n"
    no_temporary_files(tmp_path)


def test_standard_output_on_a_full_disk(text: Path):
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full here")
    with open("/dev/full", "wb") as full:
        r = subprocess.run([sys.executable, "-m", "textlab", "words", str(text)], stdout=full, stderr=subprocess.PIPE)
    r.stdout = b""
    assert one_error(r) == "textlab: error: cannot write standard output: no space left on device"


def test_no_temporary_file_can_be_made_beside_the_target(text: Path):
    if not Path("/proc/version").exists():
        pytest.skip("no /proc here")
    assert "cannot write" in one_error(textlab("words", str(text), "-o", "/proc/version"))


# -- outputs that are inputs, and targets that are not regular files ---------------------------
@pytest.mark.parametrize(
    "command",
    [["words", "{a}", "-o", "{a}"], ["ngrams", "{a}", "-o", "./{name}"], ["letters", "{link}", "-o", "{a}"]],
    ids=["words", "ngrams-dot-slash", "letters-through-a-link"],
)
def test_an_output_that_is_an_input_is_refused(command, text: Path):
    link = text.with_name("link.txt")
    link.symlink_to(text.name)
    argv = [c.format(a=text, name=text.name, link=link) for c in command]
    line = one_error(textlab(*argv, cwd=text.parent), status=2)
    assert "is also an input" in line
    assert text.read_text() == TEXT


def test_a_tokenizer_is_not_overwritten_by_its_training(tmp_path: Path, text: Path):
    model = tmp_path / "t.json"
    assert textlab("bpe", "train", str(text), "--vocab-size", "300", "-o", str(model)).returncode == 0
    before = model.read_bytes()
    one_error(textlab("bpe", "train", str(model), "--vocab-size", "300", "-o", str(model)), status=2)
    one_error(textlab("bpe", "encode", "-t", str(model), str(text), "-o", str(text)), status=2)
    assert model.read_bytes() == before and text.read_text() == TEXT


def test_vectors_are_not_overwritten_by_their_own_query(tmp_path: Path):
    vectors = tmp_path / "v.txt"
    vectors.write_text("3 2\nking 1 0\nqueen 0.9 0.1\nman 0 1\n")
    before = vectors.read_bytes()
    one_error(textlab("similar", "-v", str(vectors), "king", "-o", str(vectors)), status=2)
    assert vectors.read_bytes() == before


def test_a_fifo_is_written_to_not_replaced(tmp_path: Path, text: Path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader = subprocess.Popen(["cat", str(fifo)], stdout=subprocess.PIPE)
    r = textlab("words", str(text), "-o", str(fifo))
    out, _ = reader.communicate(timeout=60)
    assert r.returncode == 0, r.stderr
    assert out.startswith(b"the cat sat on the mat")
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


def test_a_character_device_is_written_to_not_replaced(tmp_path: Path, text: Path):
    null = tmp_path / "null"
    try:
        os.mknod(null, 0o666 | stat.S_IFCHR, os.makedev(1, 3))  # a copy of /dev/null
    except PermissionError:
        pytest.skip("making a device node needs root")
    r = textlab("words", str(text), "-o", str(null))
    assert r.returncode == 0, r.stderr
    assert stat.S_ISCHR(os.stat(null).st_mode)


def test_a_symlink_is_followed_and_stays_a_link(tmp_path: Path, text: Path):
    target = tmp_path / "target.tsv"
    target.write_text("old\n")
    link = tmp_path / "link.tsv"
    link.symlink_to(target.name)
    r = textlab("words", str(text), "-o", str(link))
    assert r.returncode == 0, r.stderr
    assert link.is_symlink()
    assert target.read_text().startswith("the cat sat")


def test_dev_stdout_is_standard_output(text: Path):
    r = textlab("words", str(text), "-o", "/dev/stdout")
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith(b"the cat sat on the mat")


def test_dev_stdout_appended_to_a_file_keeps_what_was_there(tmp_path: Path, text: Path):
    log = tmp_path / "keep.log"
    log.write_text("important old line\n")
    shell = f"{sys.executable} -m textlab words {text} -o /dev/stdout >> {log}; echo after >> {log}"
    assert subprocess.run(["bash", "-c", shell], timeout=120).returncode == 0
    lines = log.read_text().splitlines()
    assert lines[0] == "important old line" and lines[1].startswith("the cat sat") and lines[-1] == "after"


# -- signals ------------------------------------------------------------------------------------
@pytest.mark.parametrize(("signum", "status"), [(signal.SIGTERM, 143), (signal.SIGHUP, 129)])
def test_a_stop_signal_during_a_write_leaves_no_temporary_file(tmp_path: Path, signum: int, status: int):
    big = tmp_path / "big.txt"
    with big.open("w") as f:
        for _ in range(400):
            f.write(TEXT * 50)  # 20 MB: the words take a few seconds
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    proc = subprocess.Popen(
        [sys.executable, "-m", "textlab", "words", str(big), "-o", str(out_dir / "w.txt")], stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + 60
    while not any(out_dir.iterdir()) and time.monotonic() < deadline:  # the temporary file is there: writing
        time.sleep(0.02)
    proc.send_signal(signum)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == status, err
    assert err.decode().strip() == f"textlab: {signal.Signals(signum).name}: stopped"
    assert list(out_dir.iterdir()) == []


# -- corrupt compressed input: the same line in every command that reads text --------------------
def test_damaged_deflate_data_is_one_line(tmp_path: Path):
    """Bytes flipped inside a gzip member: zlib's own error, said as every other damaged file."""
    data = bytearray(gzip.compress(TEXT.encode() * 20))
    for at in range(len(data) // 2, len(data) // 2 + 16):
        data[at] ^= 0xFF
    bad = tmp_path / "bad.txt.gz"
    bad.write_bytes(bytes(data))
    for command in (["letters"], ["ngrams"], ["words"], ["zipf"]):
        assert f"{bad}: cannot read" in one_error(textlab(*command, str(bad)))


def _compressed(tmp_path: Path, kind: str, damage: str) -> Path:
    data = {"gz": gzip.compress, "bz2": bz2.compress, "xz": lzma.compress}[kind](TEXT.encode() * 20)
    if damage == "truncated":
        data = data[: len(data) // 2]
    else:
        middle = len(data) // 2
        data = data[:middle] + bytes(b ^ 0x5A for b in data[middle : middle + 64]) + data[middle + 64 :]
    p = tmp_path / f"bad.txt.{kind}"
    p.write_bytes(data)
    return p


READERS = [
    ["letters"],
    ["words"],
    ["ngrams"],
    ["heatmap", "-o", "{out}.png"],
    ["zipf"],
    ["lm"],
    ["generate"],
    ["predict", "th"],
    ["perplexity", "--train", "{text}"],
    ["word2vec", "--min-count", "1", "-o", "{out}.vec"],
    ["bpe", "train", "--vocab-size", "300", "-o", "{out}.json"],
    ["wiki", "dump"],
]


@pytest.mark.parametrize("kind", ["gz", "bz2", "xz"])
@pytest.mark.parametrize("command", READERS, ids=[c[0] for c in READERS])
def test_corrupt_compressed_input_is_one_line(tmp_path: Path, text: Path, command, kind):
    damage = "truncated" if kind == "gz" else "corrupt"
    bad = _compressed(tmp_path, kind, damage)
    argv = [c.format(out=tmp_path / "out", text=text) for c in command]
    line = one_error(textlab(*argv, str(bad)))
    assert str(bad) in line
    assert not list(tmp_path.glob("out*"))


# -- malformed tables ---------------------------------------------------------------------------
BAD_COUNTS = {
    "negative": ("-3", "count -3 is negative"),
    "huge": ("1" + "0" * 29, "is too large"),
    "fraction": ("1.5", "must be whole numbers"),
}


@pytest.mark.parametrize("case", list(BAD_COUNTS))
@pytest.mark.parametrize(
    "command",
    [["generate", "-m"], ["predict", "a", "-m"], ["lm", "-m"], ["ngrams", "--merge"], ["heatmap", "-o", "h.png"]],
    ids=["generate", "predict", "lm", "merge", "heatmap"],
)
def test_a_table_with_a_bad_count_names_its_line(tmp_path: Path, command, case):
    cell, says = BAD_COUNTS[case]
    table = tmp_path / "t.tsv"
    table.write_text(f"ngram\tcount\nab\t4\ncd\t{cell}\n")
    line = one_error(textlab(*command, str(table), cwd=tmp_path))
    assert f"{table}:3: " in line and says in line


# -- options out of range, refused before work --------------------------------------------------
@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["letters", "-n", "99999999999999999999"], "-n must be at most 32"),
        (["ngrams", "-n", "1000"], "-n must be at most 32"),
        (["ngrams", "--orders", "1-1000"], "orders go up to 32"),
        (["generate", "-n", "1000"], "-n must be at most 10"),
        (["lm", "-n", "11"], "-n must be at most 10"),
        (["generate", "--seed", "-1"], "--seed"),
        (["generate", "--temperature", "inf"], "--temperature must be a finite number"),
        (["generate", "--temperature", "nan"], "--temperature must be a finite number"),
        (["generate", "--smoothing", "add-k", "--add-k", "nan"], "--add-k must be a positive finite number"),
        (["word2vec", "--window", "100000", "-o", "v.vec"], "--window must be between 1 and 100"),
        (["word2vec", "--seed", "-1", "-o", "v.vec"], "--seed must be 0 or more"),
    ],
    ids=lambda v: "-".join(v) if isinstance(v, list) else "",
)
def test_options_out_of_range_are_refused(tmp_path: Path, text: Path, argv, says):
    line = one_error(textlab(*argv, str(text), cwd=tmp_path), status=2)
    assert says in line
    assert not (tmp_path / "v.vec").exists()


def test_tour_out_naming_a_file(text: Path):
    assert "is a file" in one_error(textlab("tour", "--out", str(text)), status=2)


# -- encodings ----------------------------------------------------------------------------------
def test_utf16_with_a_byte_order_mark_is_read(tmp_path: Path):
    p = tmp_path / "notepad.txt"
    p.write_bytes("héllo wörld\n".encode("utf-16"))
    r = textlab("words", str(p))
    assert r.returncode == 0 and r.stdout == "héllo wörld\n".encode()


def test_utf16_without_a_mark_asks_for_the_encoding(tmp_path: Path):
    p = tmp_path / "raw.txt"
    p.write_bytes("hello world\n".encode("utf-16-le"))
    # exit 1: the data needs the option, the command line was not wrong
    assert "--encoding utf-16-le is needed" in one_error(textlab("letters", str(p)))
    assert "utf-16-le or utf-16-be is needed" in one_error(textlab("letters", "--encoding", "utf-16", str(p)))
    r = textlab("words", "--encoding", "utf-16-le", str(p))
    assert r.returncode == 0 and r.stdout == b"hello world\n"


# -- streams ------------------------------------------------------------------------------------
def test_generate_streams_into_head(text: Path):
    """A sample of 10**12 tokens: head takes its line and generate stops at once, quietly."""
    shell = f"{sys.executable} -m textlab generate -n 3 --length 1000000000000 {text} | head -c 100"
    r = subprocess.run(["bash", "-c", shell + "; echo ${PIPESTATUS[0]} >&2"], capture_output=True, timeout=120)
    assert len(r.stdout) == 100
    assert r.stderr.decode().strip() == "141"


def test_tsv_escapes_cr_and_nul(tmp_path: Path):
    p = tmp_path / "odd.txt"
    p.write_bytes(b"a\rb\x00c a\rb\x00c\n")
    r = textlab("ngrams", "-n", "2", str(p))
    assert r.returncode == 0, r.stderr
    cells = [line.split(b"\t")[0] for line in r.stdout.splitlines()[1:]]
    assert b"a\\r" in cells and b"\\0c" in cells
    assert b"\r" not in r.stdout and b"\x00" not in r.stdout
    table = tmp_path / "t.tsv"
    table.write_bytes(r.stdout)
    merged = textlab("ngrams", "--merge", str(table))
    assert merged.stdout == r.stdout  # read back: the escapes are undone, and written again the same


def test_a_stopped_tour_removes_its_directory(tmp_path: Path):
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "textlab", "tour", "--step", "letters"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
    )
    deadline = time.monotonic() + 60
    while not list(tmp_path.glob("textlab-tour-*")) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert list(tmp_path.glob("textlab-tour-*")), "the tour made no directory"
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 143, err
    assert not list(tmp_path.glob("textlab-tour-*"))
