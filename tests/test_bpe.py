"""``textlab bpe``: training both backends, exact round trips, the merges, explanations, errors."""

from __future__ import annotations

import itertools
import json
from collections import Counter

import pytest
import sentencepiece as spm
from tokenizers import Tokenizer, pre_tokenizers

from textlab.bpe import explain, load_model, merges, readable

from .conftest import corpus_bytes, corpus_head, corpus_path, corpus_text, write_corpus

# The bundled English Wikipedia articles, xz-compressed as installed: textlab streams them.
CORPUS = corpus_path("en")
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


def test_round_trip_on_quijote_after_a_byte_order_mark(run, byte_model):
    # Spanish through an English model: accents are byte pieces, and come back whole
    text = corpus_text("es")
    encoded = run("bpe", "encode", "-t", str(byte_model), input=b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert encoded.exit_code == 0, encoded.stderr
    decoded = run("bpe", "decode", "-t", str(byte_model), input=encoded.stdout_bytes)
    assert decoded.stdout_bytes.decode("utf-8") == text  # the byte-order mark is skipped, nothing else


def test_round_trip_of_the_whole_english_corpus_from_its_xz_file(run, byte_model):
    encoded = run("bpe", "encode", "-t", str(byte_model), str(CORPUS))
    assert encoded.exit_code == 0, encoded.stderr
    decoded = run("bpe", "decode", "-t", str(byte_model), input=encoded.stdout_bytes)
    assert decoded.stdout_bytes == corpus_bytes("en")  # unpacked by Python's lzma, not textlab


def test_one_line_per_line_and_pieces_are_the_models_own(run, byte_model):
    encoded = run("bpe", "encode", "-t", str(byte_model), input=TRICKY.encode()).stdout
    assert encoded.count("\n") == TRICKY.count("\n")
    tokenizer = Tokenizer.from_file(str(byte_model))  # the file opens with tokenizers itself
    first = TRICKY.split("\n")[0]
    assert encoded.split("\n")[0].split(" ") == tokenizer.encode(first, add_special_tokens=False).tokens


def textbook_merges(words: Counter, k: int) -> list[tuple[str, str]]:
    """The first ``k`` merges of BPE by the textbook loop: count the adjacent pairs in every
    word (times the word's frequency), merge the most frequent pair everywhere, repeat.

    {"Ġthe": 3, "the": 1, "he": 1} -> [("h", "e"), ("t", "he")] (5 "he", then 4 "t" + "he")
    """
    vocab = [(tuple(w), c) for w, c in words.items()]
    found: list[tuple[str, str]] = []
    for _ in range(k):
        pairs: Counter = Counter()
        for w, c in vocab:
            for pair in itertools.pairwise(w):
                pairs[pair] += c
        (best, count), (_, runner_up) = pairs.most_common(2)
        assert count > runner_up, "a tie: the order would be the trainer's choice"
        found.append(best)
        a, b = best
        merged = []
        for w, c in vocab:
            if a in w:
                out, i = [], 0
                while i < len(w):
                    if w[i] == a and i + 1 < len(w) and w[i + 1] == b:
                        out.append(a + b)
                        i += 2
                    else:
                        out.append(w[i])
                        i += 1
                w = tuple(out)
            merged.append((w, c))
        vocab = merged
    return found


def test_textbook_merges_helper():
    assert textbook_merges(Counter({"Ġthe": 3, "the": 1, "he": 1}), 2) == [("h", "e"), ("t", "he")]


def test_vocabulary_size_and_first_merges(byte_model):
    model = load_model(str(byte_model))
    assert model.vocab_size == 1500
    assert len(merges(model)) == 1500 - 256
    # the same first merges by the textbook loop, over the words as GPT-2's byte-level split cuts them
    split = pre_tokenizers.ByteLevel(add_prefix_space=False)
    lines = corpus_text("en").split("\n")
    words = Counter(w for line in lines[:-1] for w, _ in split.pre_tokenize_str(line + "\n"))
    expected = textbook_merges(words, 6)
    assert [(m.left, m.right) for m in merges(model)[:6]] == expected
    assert readable(merges(model)[0].merged, byte_level=True) == "␣t"  # spelt for people


def test_train_matches_tokenizers_own_file_training(tmp_path, run):
    # Same settings, same text: textlab's training, streamed from the .xz file, learns the same
    # merges as tokenizers.train(files) reading the unpacked file itself
    from tokenizers import decoders, models, trainers

    reference = Tokenizer(models.BPE())
    reference.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    reference.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=800, min_frequency=2, show_progress=False, initial_alphabet=pre_tokenizers.ByteLevel.alphabet()
    )
    reference.train([str(write_corpus(tmp_path, "en"))], trainer)
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
    # the first merge is the most frequent pair of characters within SentencePiece's words (▁ + a word)
    words = Counter("▁" + w for line in corpus_text("en").split("\n") for w in line.split())
    pairs: Counter = Counter()
    for w, c in words.items():
        for pair in itertools.pairwise(w):
            pairs[pair] += c
    assert (merges(model)[0].left, merges(model)[0].right) == pairs.most_common(1)[0][0]


def test_special_tokens_and_max_token_length(run, tmp_path):
    path = tmp_path / "sp.json"
    args = [
        "bpe",
        "train",
        str(CORPUS),
        "--vocab-size",
        "700",
        "--special-tokens",
        "<s>,</s>",
        "--max-token-length",
        "3",
    ]
    assert run(*args, "-o", str(path)).exit_code == 0
    model = load_model(str(path))
    assert model.pieces[:2] == ["<s>", "</s>"]
    assert max(len(p) for p in model.pieces[2:]) <= 3  # in the model's own spelling (one character a byte)


@pytest.mark.parametrize(
    "args, message, code",
    [
        (["encode", "-t", "missing.json"], "missing.json: no such model file", 1),
        (["encode", "-t", str(CORPUS.parent / "README.md")], "neither a tokenizer.json nor a SentencePiece model", 1),
        (["train", str(CORPUS), "--vocab-size", "100", "-o", "x.json"], "smaller than the byte-level alphabet", 2),
        (
            ["train", "--backend", "sentencepiece", str(CORPUS), "--vocab-size", "20", "-o", "x.model"],
            "Vocabulary size is smaller than required_chars",
            2,
        ),
        (["train", "-", "-o", "x.json"], "the input is empty", 1),
        (
            ["train", "--backend", "sentencepiece", "-", "-o", "x.json"],
            "a SentencePiece model is a binary .model file",
            2,
        ),
        (["train", "-", "-o", "x.model"], "add --backend sentencepiece", 2),
        (["train", "--backend", "sentencepiece", "-", "-o", "x.model"], "the input is empty", 1),
    ],
)
def test_bad_input_is_one_clear_line(run, tmp_path, monkeypatch, args, message, code):
    monkeypatch.chdir(tmp_path)  # nothing may be left behind here either
    if "-o" in args:
        args = [*args[:-1], str(tmp_path / args[-1])]
    result = run("bpe", *args, input=b"")
    assert result.exit_code == code and message in result.stderr, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not list(tmp_path.iterdir())  # no model file left behind


def test_model_of_the_other_backend_and_unknown_pieces(run, byte_model, tmp_path):
    from textlab.errors import UsageError

    with pytest.raises(UsageError, match=r"it is a tokenizers JSON file, not a SentencePiece \.model"):
        load_model(str(byte_model), backend="sentencepiece")
    result = run("bpe", "decode", "-t", str(byte_model), input="Ġthe NOT-A-PIECE\n")
    assert result.exit_code == 1 and "line 1: 'NOT-A-PIECE' is not a token" in result.stderr


def test_streamed_and_file_training_learn_the_same_merges(run, tmp_path):
    # A plain UTF-8 file is handed to tokenizers itself; standard input is streamed line by
    # line through Python. Both must learn the same merges (CRLF line ends included).
    text = corpus_head("en", 500_000).decode("utf-8").replace("\n", "\r\n", 1000)
    corpus = tmp_path / "corpus.txt"
    corpus.write_bytes(text.encode("utf-8"))
    from_file, from_stdin = tmp_path / "file.json", tmp_path / "stdin.json"
    assert run("bpe", "train", str(corpus), "--vocab-size", "700", "-o", str(from_file)).exit_code == 0
    assert run("bpe", "train", "-", "--vocab-size", "700", "-o", str(from_stdin), input=text.encode()).exit_code == 0
    merges_of = [json.loads(p.read_text())["model"]["merges"] for p in (from_file, from_stdin)]
    assert merges_of[0] == merges_of[1]
    assert ["č", "Ċ"] in merges_of[0]  # the CRLF pairs were seen as in a file
