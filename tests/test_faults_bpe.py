"""``textlab bpe`` against bad input and faults: lines of any length in bounded pieces with exact
round trips, out-of-range options refused before any work in one line, lossy models saying so,
and Ctrl-C stopping a training at once."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sentencepiece as spm
from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

from textlab.bpe import lines as bpe_lines
from textlab.bpe.lines import MAX_PIECE, cut_text, pieces
from textlab.bpe.model import BPEModel, load_model
from textlab.bpe.train import MAX_VOCAB

from .conftest import corpus_head, corpus_text

# the words of a bundled corpus as one line, and a tail that is hard to cut: a long run of
# characters of several bytes without whitespace, tabs and double spaces, a CRLF line end, a
# last line with no newline
TAIL = "日本語の文章🐈‍⬛é" * 12_000 + " x\t\ty  z " + "\t" * 70_000 + "end\r\n" + "a last line"


def one_line(size: int) -> str:
    words = " ".join(corpus_text("en").split())
    return (words * (size // len(words) + 1))[:size]


def one_error(r, status: int) -> str:
    """Exactly one `textlab: error:` line on stderr and nothing else; that line."""
    err = r.stderr
    assert r.exit_code == status, err
    assert len(err.strip().splitlines()) == 1 and err.startswith("textlab: error:"), err
    return err.strip()


def textlab(*args: str, stdin: bytes | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONWARNINGS": "default"}  # a Python warning would show on stderr
    return subprocess.run(
        [sys.executable, "-m", "textlab", *args], input=stdin, capture_output=True, env=env, cwd=cwd, timeout=300
    )


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("corpus") / "en.txt"
    path.write_bytes(corpus_head("en", 300_000))
    return path


def _train(tmp_path_factory, corpus: Path, name: str, *args: str) -> Path:
    from typer.testing import CliRunner

    from textlab.cli import app

    path = tmp_path_factory.mktemp("bpe") / name
    result = CliRunner().invoke(app, ["bpe", "train", str(corpus), *args, "-o", str(path)])
    assert result.exit_code == 0, result.output
    return path


@pytest.fixture(scope="module")
def byte_model(tmp_path_factory, corpus) -> Path:
    return _train(tmp_path_factory, corpus, "byte.json", "--vocab-size", "500")


@pytest.fixture(scope="module")
def char_model(tmp_path_factory, corpus) -> Path:
    return _train(tmp_path_factory, corpus, "chars.json", "--no-byte-level", "--vocab-size", "400")


@pytest.fixture(scope="module")
def sp_model(tmp_path_factory, corpus) -> Path:
    return _train(tmp_path_factory, corpus, "en.model", "--backend", "sentencepiece", "--vocab-size", "500")


@pytest.fixture(scope="module")
def long_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("long") / "long.txt"
    path.write_bytes((one_line(3_000_000) + TAIL).encode("utf-8"))
    return path


# -- cutting lines --------------------------------------------------------------------------------
def test_pieces_give_back_the_text_with_no_piece_too_long():
    rng = random.Random(7)
    alphabet = ["a", "b", " ", "  ", "\t", "\n", "é", "日", "🐈", "\r\n"]
    for _ in range(300):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 120)))
        cuts = sorted(rng.sample(range(len(text) + 1), min(len(text) + 1, rng.randrange(0, 6))))
        chunks = [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)])]
        limit = rng.randrange(1, 12)
        got = list(pieces(chunks, limit=limit))
        assert all(len(p) <= limit for p, _, _ in got)
        rebuilt = "".join(p + ("\n" if ended else "") for p, _, ended in got)
        assert rebuilt == text
        # one line per newline (and one for a last line without one), whatever the cuts
        assert sum(first for _, first, _ in got) == text.count("\n") + (not text.endswith("\n") and text != "")


def test_a_line_is_cut_before_a_space_between_words():
    text = "aaa bbb  ccc\tddd eee"
    assert cut_text(text, 0, 10, len(text)) == 3  # before " bbb": the double space is no place
    assert cut_text(text, 4, 14, len(text)) == 12  # no single space there: before the tab
    assert cut_text("abcdefgh", 0, 5, 8) == 5  # no whitespace at all: anywhere
    assert [p for p, _, _ in pieces(["the cat sat on the mat"], limit=8)] == ["the cat", " sat on", " the mat"]


def test_cut_pieces_encode_to_the_tokens_of_the_whole_line(byte_model, char_model, sp_model):
    text = one_line(5 * MAX_PIECE)
    for path in (byte_model, char_model, sp_model):
        model = load_model(str(path))
        whole = model.encode_pieces([text])[0]
        cut = list(pieces([text]))
        assert len(cut) > 4
        tokens = model.encode_pieces([p for p, _, _ in cut], [not first for _, first, _ in cut])
        assert [t for row in tokens for t in row] == whole, path.name


# -- encode and decode: bounded pieces, exact round trips -------------------------------------
@pytest.mark.parametrize("ids", [False, True])
@pytest.mark.parametrize("which", ["byte_model", "sp_model"])
def test_a_long_line_round_trips_exactly_in_bounded_pieces(run, request, long_file, monkeypatch, which, ids):
    model = request.getfixturevalue(which)
    sizes: list[tuple[int, int]] = []
    encode = BPEModel._encode

    def spy(self, native, texts):
        sizes.append((max(map(len, texts)), sum(map(len, texts))))
        return encode(self, native, texts)

    tokens_per_row: list[int] = []
    decode = BPEModel._decode

    def decode_spy(self, native, batch):
        tokens_per_row.extend(map(len, batch))
        return decode(self, native, batch)

    monkeypatch.setattr(BPEModel, "_encode", spy)
    monkeypatch.setattr(BPEModel, "_decode", decode_spy)
    flag = ["--ids"] if ids else []
    encoded = run("bpe", "encode", "-t", str(model), *flag, str(long_file))
    assert encoded.exit_code == 0 and encoded.stderr == "", encoded.stderr
    assert max(longest for longest, _ in sizes) <= MAX_PIECE  # never the whole 3 MB line
    assert max(total for _, total in sizes) <= bpe_lines.BATCH_CHARS + MAX_PIECE
    assert encoded.stdout_bytes.count(b"\n") == 1  # the long line's tokens stay on one line
    decoded = run("bpe", "decode", "-t", str(model), *flag, input=encoded.stdout_bytes)
    assert decoded.exit_code == 0 and decoded.stderr == "", decoded.stderr
    assert decoded.stdout_bytes == long_file.read_bytes()
    assert max(tokens_per_row) <= MAX_PIECE // 2 + 1  # a line of tokens is decoded in pieces too


def test_a_real_process_on_a_long_line_says_nothing(byte_model, long_file, tmp_path):
    out = tmp_path / "tokens.txt"
    r = textlab("bpe", "encode", "-t", str(byte_model), str(long_file), "-o", str(out))
    assert r.returncode == 0 and r.stderr == b"", r.stderr
    r = textlab("bpe", "decode", "-t", str(byte_model), str(out))
    assert r.returncode == 0 and r.stderr == b"", r.stderr
    assert r.stdout == long_file.read_bytes()


def test_a_line_of_tokens_is_cut_only_before_a_whole_character(byte_model):
    model = load_model(str(byte_model))
    text = "é日🐈" * 40_000  # no piece of text may start inside one of these
    encoded = model.encode_pieces([text])[0]
    starts = model.may_start()
    assert not all(starts[model.piece_id(p)] for p in encoded)  # some tokens are middle bytes
    from textlab.bpe.model import decode_lines

    assert "".join(decode_lines(model, [" ".join(encoded)])) == text


def test_a_line_that_is_no_line_of_tokens(run, byte_model):
    r = run("bpe", "decode", "-t", str(byte_model), input=b"x" * (3 * MAX_PIECE) + b"\n")
    assert "not a line of tokens" in one_error(r, 1)
    r = run("bpe", "decode", "-t", str(byte_model), input=("Ġthe " + "y" * 5000 + "\n").encode())
    message = one_error(r, 1)
    assert "line 1:" in message and len(message) < 300  # the bad piece is shown shortened


def test_a_huge_file_given_as_the_model(run, tmp_path):
    big = tmp_path / "corpus.json"
    with open(big, "wb") as f:  # sparse: no disk used
        f.write(b"{")
        f.truncate((1 << 28) + 1)
    assert "too big for a model file" in one_error(run("bpe", "encode", "-t", str(big), input=b"x\n"), 1)


# -- training on long lines -------------------------------------------------------------------------
def test_training_on_a_long_line_learns_what_the_whole_line_teaches(run, tmp_path):
    text = one_line(4 * MAX_PIECE) + "\n"
    corpus = tmp_path / "line.txt"
    corpus.write_text(text, encoding="utf-8")
    ours = tmp_path / "ours.json"
    assert run("bpe", "train", str(corpus), "--vocab-size", "400", "-o", str(ours)).exit_code == 0
    reference = Tokenizer(models.BPE())
    reference.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    reference.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=400, min_frequency=2, show_progress=False, initial_alphabet=pre_tokenizers.ByteLevel.alphabet()
    )
    reference.train_from_iterator([text], trainer)  # the line whole
    assert json.loads(ours.read_text())["model"]["merges"] == json.loads(reference.to_str())["model"]["merges"]


def test_a_real_process_trains_on_a_long_line_and_says_only_that(tmp_path):
    corpus = tmp_path / "line.txt"
    corpus.write_text(one_line(500_000), encoding="utf-8")  # a plain UTF-8 file: streamed, not read by tokenizers
    for backend, name in (("tokenizers", "t.json"), ("sentencepiece", "t.model")):
        r = textlab(
            "bpe", "train", "--backend", backend, str(corpus), "--vocab-size", "400", "-o", str(tmp_path / name)
        )
        assert r.returncode == 0, r.stderr
        kind = "byte-level BPE" if backend == "tokenizers" else "BPE"
        assert r.stderr.decode().splitlines() == [
            f"textlab: trained {kind} ({backend}): 400 tokens -> {tmp_path / name}"
        ]


def test_the_help_gives_the_limits():
    from textlab.bpe.train import SPM_PIECE

    # the --help of encode and train says 65,536 and 1,024 characters
    assert (MAX_PIECE, SPM_PIECE) == (65_536, 1_024)


def test_sentencepiece_trains_on_a_long_line_quickly(run, tmp_path):
    corpus = tmp_path / "line.txt"
    corpus.write_text(one_line(2_000_000), encoding="utf-8")
    model = tmp_path / "line.model"
    start = time.monotonic()
    r = run("bpe", "train", "--backend", "sentencepiece", str(corpus), "--vocab-size", "500", "-o", str(model))
    assert r.exit_code == 0, r.stderr
    assert time.monotonic() - start < 60  # before: 2 MB took a second, 20 MB 101 s, 100 MB never ended
    sp = spm.SentencePieceProcessor(model_file=str(model))
    assert sp.get_piece_size() == 500


# -- options out of range ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    "args, message",
    [
        (["--vocab-size", "1000000000"], f"--vocab-size must be between 1 and {MAX_VOCAB:,}"),
        (["--vocab-size", str(10**30)], "--vocab-size must be between 1 and"),
        (["--min-frequency", str(10**20)], "--min-frequency must be between 0 and"),
        (["--max-token-length", str(10**20)], "--max-token-length must be between 1 and"),
        (["--backend", "sentencepiece", "--max-token-length", "600"], "--max-token-length must be at most 512"),
        (["--backend", "sentencepiece", "--character-coverage", "nan"], "--character-coverage must be between"),
        (["--special-tokens", "<a b>"], "--special-tokens cannot hold whitespace"),
    ],
)
def test_an_option_out_of_range_is_refused_before_any_work(run, corpus, tmp_path, args, message):
    suffix = ".model" if "sentencepiece" in args else ".json"
    out = tmp_path / f"model{suffix}"
    start = time.monotonic()
    r = run("bpe", "train", str(corpus), *args, "-o", str(out))
    line = one_error(r, 2)
    assert message in line, line
    assert time.monotonic() - start < 5  # refused, not tried (1e9 tokens aborted at 70 GB)
    assert list(tmp_path.iterdir()) == []


def test_a_huge_vocabulary_in_a_real_process(corpus, tmp_path):
    r = textlab("bpe", "train", str(corpus), "--vocab-size", "1000000000", "-o", str(tmp_path / "t.json"))
    assert r.returncode == 2, r.stderr
    assert r.stderr.decode().startswith("textlab: error: --vocab-size must be between 1 and")
    assert len(r.stderr.splitlines()) == 1 and list(tmp_path.iterdir()) == []


def test_explain_is_bounded(run, byte_model):
    r = run("bpe", "inspect", "-t", str(byte_model), "--explain", "a" * 5000)
    assert "--explain takes at most" in one_error(r, 2)


# -- lossy models say so ------------------------------------------------------------------------------
def test_characters_a_model_lacks_are_counted_once(run, char_model, byte_model):
    text = "The cat 猫 sat on the mat 日本.\nAnd 🐈 again.\n"
    r = run("bpe", "encode", "-t", str(char_model), input=text.encode())
    assert r.exit_code == 0
    warnings = r.stderr.strip().splitlines()
    assert len(warnings) == 1 and warnings[0].startswith("textlab: warning: 4 <unk> token(s)"), r.stderr
    assert r.stdout.count("<unk>") == 4
    quiet = run("bpe", "encode", "-t", str(byte_model), input=text.encode())
    assert quiet.exit_code == 0 and quiet.stderr == ""


def test_a_sentencepiece_model_without_byte_fallback_warns(run, tmp_path):
    model = tmp_path / "nofallback.model"
    sentences = corpus_text("en").splitlines()[:2000]
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(sentences),
        model_prefix=str(model.with_suffix("")),
        model_type="bpe",
        vocab_size=300,
        character_coverage=1.0,
        byte_fallback=False,
        minloglevel=2,
    )
    r = run("bpe", "encode", "-t", str(model), input="cat 猫 and 日本\n".encode())
    assert r.exit_code == 0
    assert r.stderr.startswith("textlab: warning: ") and "<unk> token(s)" in r.stderr, r.stderr
    assert len(r.stderr.strip().splitlines()) == 1


# -- Ctrl-C --------------------------------------------------------------------------------------------
@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="watches the threads in /proc")
@pytest.mark.parametrize("backend", ["tokenizers", "sentencepiece"])
def test_ctrl_c_stops_a_training_at_once(tmp_path, backend):
    out = tmp_path / ("t.model" if backend == "sentencepiece" else "t.json")
    proc = subprocess.Popen(
        [sys.executable, "-m", "textlab", "bpe", "train", "--backend", backend, "-", "-o", str(out)],
        stdin=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdin is not None
    proc.stdin.write(corpus_head("en", 200_000))  # and more never comes: the trainer waits for it
    proc.stdin.flush()
    deadline = time.monotonic() + 60
    while len(os.listdir(f"/proc/{proc.pid}/task")) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)  # the training thread is there
    time.sleep(0.3)
    proc.send_signal(signal.SIGINT)
    start = time.monotonic()
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert err.decode().strip() == "textlab: interrupted"
    assert time.monotonic() - start < 5
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="watches the threads in /proc")
def test_ctrl_c_during_the_merges(tmp_path):
    # words of random letters: no merge is much more frequent than the next, and 100,000 of them
    # take tokenizers several seconds in native code, where it never looks at signals
    rng = random.Random(1)
    words = [
        "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randrange(3, 12))) for _ in range(200_000)
    ]
    corpus = tmp_path / "random.txt"
    corpus.write_text("\n".join(" ".join(words[i : i + 12]) for i in range(0, len(words), 12)) + "\n")
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    command = ["bpe", "train", str(corpus), "--vocab-size", "100000", "--min-frequency", "1"]
    proc = subprocess.Popen(
        [sys.executable, "-m", "textlab", *command, "-o", str(out_dir / "t.json")], stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + 60
    while len(os.listdir(f"/proc/{proc.pid}/task")) < 3 and time.monotonic() < deadline:
        time.sleep(0.05)  # the training thread and tokenizers' own are there
    time.sleep(1)
    proc.send_signal(signal.SIGINT)
    start = time.monotonic()
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert err.decode().strip() == "textlab: interrupted"
    assert time.monotonic() - start < 2  # not when the merges are done
    assert list(out_dir.iterdir()) == []
