"""``textlab bpe``: training both backends, exact round trips, the merges, explanations, errors."""

from __future__ import annotations

import json

import pytest
import sentencepiece as spm
from tokenizers import Tokenizer

from textlab.bpe import explain, load_model, merges, readable
from textlab.io import open_binary
from textlab.wiki import DumpParser, articles

from .conftest import ROOT, shared_file

CORPUS = ROOT / "corpora" / "wikipedia-en.txt"
TRICKY = (
    "Emoji 🐈‍⬛ and 🍕, CJK 日本語の文章, combining accents: e\u0301 n\u0303 (and precomposed é ñ).\n"
    "Tabs\tand  double  spaces, a CRLF line\r\n"
    "\n"
    "Cyrillic кошка, Greek γάτα, Arabic قطة, and a last line without a newline"
)


@pytest.fixture(scope="module")
def byte_model(tmp_path_factory):
    from typer.testing import CliRunner

    from textlab.cli import app

    path = tmp_path_factory.mktemp("bpe") / "tokenizer.json"
    result = CliRunner().invoke(app, ["bpe", "train", str(CORPUS), "--vocab-size", "1500", "-o", str(path)])
    assert result.exit_code == 0, result.output
    return path


def round_trip(run, model, text: str) -> str:
    # stdout_bytes: the runner's .stdout turns \r\n into \n, and a round trip must keep it
    encoded = run("bpe", "encode", "-t", str(model), input=text.encode("utf-8"))
    assert encoded.exit_code == 0, encoded.stderr
    decoded = run("bpe", "decode", "-t", str(model), input=encoded.stdout_bytes)
    assert decoded.exit_code == 0, decoded.stderr
    return decoded.stdout_bytes.decode("utf-8")


def test_round_trip_of_tricky_text(run, byte_model):
    assert round_trip(run, byte_model, TRICKY) == TRICKY


def test_round_trip_with_ids(run, byte_model):
    ids = run("bpe", "encode", "-t", str(byte_model), "--ids", input=TRICKY.encode())
    assert all(f.isdigit() for line in ids.stdout.splitlines() for f in line.split())
    back = run("bpe", "decode", "-t", str(byte_model), "--ids", input=ids.stdout_bytes)
    assert back.stdout_bytes.decode() == TRICKY


def test_round_trip_on_quijote(run, byte_model, tmp_path):
    raw = shared_file("quijote.txt").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # a byte-order mark, which textlab skips
    text = raw[3:].decode("utf-8")
    assert round_trip(run, byte_model, text) == text


def test_round_trip_on_the_english_wikipedia_sample(run, byte_model):
    stream, _ = open_binary(str(shared_file("enwiki-sample.xml.bz2")))
    parser = DumpParser(stream)
    text = "".join(f"{a.title}\n{a.text}\n\n" for a in articles(parser, parser.namespaces))
    assert round_trip(run, byte_model, text) == text


def test_one_line_per_line_and_pieces_are_the_models_own(run, byte_model):
    encoded = run("bpe", "encode", "-t", str(byte_model), input=TRICKY.encode()).stdout
    assert encoded.count("\n") == TRICKY.count("\n")
    tokenizer = Tokenizer.from_file(str(byte_model))  # the file opens with tokenizers itself
    first = TRICKY.split("\n")[0]
    assert encoded.split("\n")[0].split(" ") == tokenizer.encode(first, add_special_tokens=False).tokens


def test_vocabulary_size_and_first_merges(byte_model):
    model = load_model(str(byte_model))
    assert model.vocab_size == 1500
    first = [readable(m.merged, byte_level=True) for m in merges(model)[:10]]
    assert "th" in first or "␣t" in first, first
    assert len(merges(model)) == 1500 - 256


def test_train_matches_tokenizers_own_file_training(tmp_path, run):
    # Same settings, same file: textlab's streamed training learns the same merges as tokenizers.train(files)
    from tokenizers import decoders, models, pre_tokenizers, trainers

    reference = Tokenizer(models.BPE())
    reference.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    reference.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=800, min_frequency=2, show_progress=False,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    reference.train([str(CORPUS)], trainer)
    ours = tmp_path / "ours.json"
    assert run("bpe", "train", str(CORPUS), "--vocab-size", "800", "-o", str(ours)).exit_code == 0
    theirs = json.loads(reference.to_str())["model"]["merges"]
    assert json.loads(ours.read_text())["model"]["merges"] == theirs


def test_explain_ends_with_the_real_tokens(byte_model):
    model = load_model(str(byte_model))
    text = "The cat's whiskers twitched."
    steps = explain(model, text)
    assert steps[-1].pieces == model.encode_pieces([text])[0]
    assert steps[0].pieces == list("".join(w for w, _ in model.native.pre_tokenizer.pre_tokenize_str(text)))
    ranks = [s.merge.rank for s in steps[1:]]
    assert ranks == sorted(ranks)  # merges apply in the order they were learned


def test_inspect_cli(run, byte_model):
    table = run("bpe", "inspect", "-t", str(byte_model), "--top", "3", "--format", "tsv").stdout.splitlines()
    assert table[0] == "rank\tleft\tright\tmerged" and len(table) == 4
    assert "Ġ" not in "".join(table)  # readable: a space is shown as ␣
    raw = run("bpe", "inspect", "-t", str(byte_model), "--top", "3", "--raw").stdout
    assert "Ġ" in raw
    steps = run("bpe", "inspect", "-t", str(byte_model), "--explain", "the cat", "-f", "tsv").stdout.splitlines()
    assert steps[0] == "step\trank\tmerge\tpieces" and steps[1].endswith("t h e ␣ c a t")
    vocab = run("bpe", "inspect", "-t", str(byte_model), "--vocab", "--top", "2", "-f", "json").stdout.splitlines()
    assert json.loads(vocab[0]) == {"id": 0, "piece": "!"}


def test_readable_pieces():
    assert readable("Ġthe", True) == "␣the"
    assert readable("Ċ", True) == "↵"
    assert readable("Ã±", True) == "ñ"
    assert readable("æĹ", True) == "<0xE6><0x97>"  # two bytes of a three-byte character
    assert readable("▁el", False) == "␣el"


def test_character_level_bpe(run, tmp_path):
    path = tmp_path / "chars.json"
    assert run("bpe", "train", str(CORPUS), "--no-byte-level", "--vocab-size", "600", "-o", str(path)).exit_code == 0
    text = "The cat sat  on the mat.\n"
    assert round_trip(run, path, text) == text
    assert load_model(str(path)).vocab_size == 600


def test_sentencepiece_backend(run, tmp_path):
    path = tmp_path / "en.model"
    result = run("bpe", "train", "--backend", "sentencepiece", str(CORPUS), "--vocab-size", "800", "-o", str(path))
    assert result.exit_code == 0, result.stderr
    sp = spm.SentencePieceProcessor(model_file=str(path))  # opens with sentencepiece itself
    assert sp.get_piece_size() == 800
    text = "The cat sat  on the mat, ñ and 日本.\n"
    assert round_trip(run, path, text) == text  # identity normalisation and byte fallback
    model = load_model(str(path))
    steps = explain(model, "the whiskers")
    assert steps[-1].pieces == sp.encode("the whiskers", out_type=str)
    assert merges(model)[0].merged in {"▁t", "th", "he", "in", "▁a"}


def test_special_tokens_and_max_token_length(run, tmp_path):
    path = tmp_path / "sp.json"
    args = ["bpe", "train", str(CORPUS), "--vocab-size", "700", "--special-tokens", "<s>,</s>", "--max-token-length", "3"]
    assert run(*args, "-o", str(path)).exit_code == 0
    model = load_model(str(path))
    assert model.pieces[:2] == ["<s>", "</s>"]
    assert max(len(p) for p in model.pieces[2:]) <= 3  # in the model's own spelling (one character a byte)


@pytest.mark.parametrize(
    "args, message, code",
    [
        (["encode", "-t", "missing.json"], "missing.json: no such model file", 1),
        (["encode", "-t", "corpora/README.md"], "neither a tokenizer.json nor a SentencePiece model", 1),
        (["train", "corpora/wikipedia-en.txt", "--vocab-size", "100", "-o", "x.json"], "smaller than the byte-level alphabet", 2),
        (["train", "--backend", "sentencepiece", "corpora/wikipedia-en.txt", "--vocab-size", "20", "-o", "x.model"],
         "Vocabulary size is smaller than required_chars", 2),
        (["train", "-", "-o", "x.json"], "the corpus is empty", 1),
        (["train", "--backend", "sentencepiece", "-", "-o", "x.json"], "a SentencePiece model is a binary .model file", 2),
        (["train", "-", "-o", "x.model"], "add --backend sentencepiece", 2),
        (["train", "--backend", "sentencepiece", "-", "-o", "x.model"], "the corpus is empty", 1),
    ],
)
def test_bad_input_is_one_clear_line(run, tmp_path, monkeypatch, args, message, code):
    monkeypatch.chdir(ROOT)
    if "-o" in args:
        args = [*args[:-1], str(tmp_path / args[-1])]
    result = run("bpe", *args, input=b"")
    assert result.exit_code == code and message in result.stderr, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not list(tmp_path.iterdir())  # no model file left behind


def test_model_of_the_other_backend_and_unknown_pieces(run, byte_model, tmp_path):
    from textlab.errors import UsageError

    with pytest.raises(UsageError, match="is a tokenizers JSON file, not a SentencePiece .model"):
        load_model(str(byte_model), backend="sentencepiece")
    result = run("bpe", "decode", "-t", str(byte_model), input="Ġthe NOT-A-PIECE\n")
    assert result.exit_code == 1 and "line 1: 'NOT-A-PIECE' is not a token" in result.stderr


def test_streamed_and_file_training_learn_the_same_merges(run, tmp_path):
    # A plain UTF-8 file is handed to tokenizers itself; standard input is streamed line by
    # line through Python. Both must learn the same merges (CRLF line ends included).
    text = CORPUS.read_text(encoding="utf-8").replace("\n", "\r\n", 200)
    corpus = tmp_path / "corpus.txt"
    corpus.write_bytes(text.encode("utf-8"))
    from_file, from_stdin = tmp_path / "file.json", tmp_path / "stdin.json"
    assert run("bpe", "train", str(corpus), "--vocab-size", "700", "-o", str(from_file)).exit_code == 0
    assert run("bpe", "train", "-", "--vocab-size", "700", "-o", str(from_stdin), input=text.encode()).exit_code == 0
    merges_of = [json.loads(p.read_text())["model"]["merges"] for p in (from_file, from_stdin)]
    assert merges_of[0] == merges_of[1]
    assert ["č", "Ċ"] in merges_of[0]  # the CRLF pairs were seen as in a file
