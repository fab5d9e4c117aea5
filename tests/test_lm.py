"""N-gram language models: smoothing against each other, ARPA validity, sampling, errors."""

from __future__ import annotations

import functools
import math
import re
from collections import Counter

import numpy as np
import pytest

from textlab.io import TextReader
from textlab.lm.arpa import write_arpa
from textlab.lm.model import LanguageModel
from textlab.lm.text import model_ids, perplexity, train_table
from textlab.words import normalize_words

from .conftest import corpus_head, corpus_path, corpus_text

TEXT = (
    "the cat sat on the mat\nthe dog sat on the log\nthe cat saw the dog\n"
    "a cat and a dog\nthe quick brown fox jumps over the lazy dog\n"
)


def split_for_held_out(data: bytes, d) -> dict:
    """A text split at a line break: the first 90% to train, the last 10% held out,
    as characters and as the word stream of `textlab words`."""
    cut = data.rfind(b"\n", 0, int(len(data) * 0.9)) + 1
    paths = {}
    for name, part in (("train", data[:cut]), ("test", data[cut:])):
        (d / f"{name}.txt").write_bytes(part)
        (d / f"{name}.words").write_bytes(b"".join(normalize_words([part])))
        paths[name] = d / f"{name}.txt"
        paths[name + "_words"] = d / f"{name}.words"
    return paths


@pytest.fixture(scope="module")
def wikipedia(tmp_path_factory):
    """The first 1.2 MB of the bundled English articles, split for held-out tests (the
    smoothing comparisons, and KenLM's reading of the ARPA file: CI installs kenlm)."""
    return split_for_held_out(corpus_head("en", 1_200_000), tmp_path_factory.mktemp("wikipedia"))


def _ppl(paths, unit, suffix, orders, smoothing):
    train = str(paths["train" + suffix])
    table = train_table(TextReader([train]).chunks(), max(orders), unit)
    out = {}
    test_ids = None
    for n in orders:
        for s in smoothing:
            model = LanguageModel(table, order=n, smoothing=s)
            if test_ids is None:
                test_ids = model_ids(TextReader([str(paths["test" + suffix])]).chunks(), model)
            out[n, s] = perplexity(model, *test_ids).perplexity
    return out


def test_kneser_ney_beats_add_one_on_held_out_words(wikipedia):
    ppl = _ppl(wikipedia, "word", "_words", [2, 3, 4, 5], ["add-k", "kn"])
    for n in [2, 3, 4, 5]:
        assert ppl[n, "kn"] < ppl[n, "add-k"], (n, ppl)
    assert ppl[3, "kn"] < ppl[2, "kn"]  # more context helps Kneser-Ney on words
    assert ppl[3, "add-k"] > ppl[2, "add-k"]  # and hurts add-one, which gives too much to the unseen


def test_kneser_ney_beats_add_one_on_held_out_characters(wikipedia):
    ppl = _ppl(wikipedia, "char", "", [2, 3, 4, 5], ["add-k", "kn"])
    # At order 2 the two are close (about 1 MB of text for a few thousand character
    # pairs: add-one is nearly the raw frequencies); the margin grows with the order.
    for n in [2, 3, 4, 5]:
        assert ppl[n, "kn"] < ppl[n, "add-k"], (n, ppl)
    assert ppl[5, "kn"] < ppl[4, "kn"] < ppl[3, "kn"] < ppl[2, "kn"]
    assert ppl[5, "add-k"] > ppl[4, "add-k"]  # add-one falls apart as contexts get sparse


def _read_arpa(path):
    probs, bows = {}, {}
    section = 0
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("\\") and line.endswith("-grams:"):
            section = int(line[1:].split("-")[0])
            continue
        if not section or not line.strip() or line.startswith("\\"):
            continue
        cells = line.split("\t")
        gram = tuple(cells[1].split(" "))
        probs[gram] = float(cells[0])
        if len(cells) > 2:
            bows[gram] = float(cells[2])
    return probs, bows


def _arpa_prob(probs, bows, context, word):
    """log10 P(word | context) by the ARPA back-off rule, read independently of textlab."""
    if context + (word,) in probs:
        return probs[context + (word,)]
    if not context:
        return probs[("<unk>",)]
    return bows.get(context, 0.0) + _arpa_prob(probs, bows, context[1:], word)


@pytest.mark.parametrize("unit,text", [("word", TEXT), ("char", TEXT)])
def test_arpa_probabilities_sum_to_one_at_every_context(tmp_path, unit, text):
    table = train_table([text.encode()], 3, unit)
    model = LanguageModel(table, order=3, smoothing="kn")
    path = tmp_path / "model.arpa"
    with open(path, "wb") as out:
        write_arpa(model, out)
    probs, bows = _read_arpa(path)
    vocab = [g[0] for g in probs if len(g) == 1 and g[0] != "<s>"]
    contexts = [g for g in probs if len(g) < 3 and g[-1] != "</s>"]
    assert len(contexts) > 10
    for context in contexts:
        total = sum(10 ** _arpa_prob(probs, bows, context, w) for w in vocab)
        assert abs(total - 1) < 1e-3, (context, total)
    # and the file's probabilities are the model's own
    ids = model.ids(["the", "cat"] if unit == "word" else list("ca"))
    nxt = model.index["sat" if unit == "word" else "t"]
    gram = ("the", "cat", "sat") if unit == "word" else ("c", "a", "t")
    assert math.isclose(10 ** probs[gram], model.probabilities(np.array([ids[-2:]]), np.array([nxt]))[0], rel_tol=1e-4)


@pytest.mark.parametrize("unit,order", [("word", 3), ("char", 5)])
def test_kenlm_reads_the_arpa_file_and_agrees(tmp_path, wikipedia, unit, order):
    kenlm = pytest.importorskip("kenlm", reason="the kenlm module is not installed (pip install kenlm)")
    suffix = "_words" if unit == "word" else ""
    train, test = wikipedia["train" + suffix], wikipedia["test" + suffix]
    table = train_table(TextReader([str(train)]).chunks(), order, unit)
    model = LanguageModel(table, order=order, smoothing="kn")
    path = tmp_path / "model.arpa"
    with open(path, "wb") as out:
        write_arpa(model, out)
    ours = perplexity(model, *model_ids(TextReader([str(test)]).chunks(), model))
    k = kenlm.Model(str(path))
    lines = [line for line in test.read_text(encoding="utf-8").splitlines() if line.strip()]
    if unit == "char":  # kenlm reads space-separated tokens; the file spells a space <space>
        lines = [" ".join("<space>" if c == " " else c for c in line) for line in lines]
    total = sum(k.score(line, bos=True, eos=True) for line in lines)
    tokens = sum(len(line.split()) + 1 for line in lines)
    assert tokens == ours.tokens
    # the issue asks for 1%; the file and textlab agree to rounding (measured with kenlm 0.3.0: 1e-7)
    assert math.isclose(10 ** (-total / tokens), ours.perplexity, rel_tol=1e-4)


def test_probabilities_agree_with_the_full_distribution():
    table = train_table([TEXT.encode()], 3, "word")
    for smoothing in ["mle", "add-k", "kn"]:
        model = LanguageModel(table, order=3, smoothing=smoothing)
        history = [model.bos] + model.ids(["the", "cat"])
        dist = model.distribution(history)
        words = np.arange(model.vocab_size)
        batch = model.probabilities(np.array([history[-2:]] * len(words)), words)
        keep = model.predictable.copy()
        keep[model.unk] = False
        assert np.allclose(batch[keep] / batch[keep].sum(), dist[keep])
        assert abs(batch[model.predictable].sum() - 1) < 1e-9


def test_same_seed_same_text_and_temperature_zero_is_deterministic(run, tmp_path):
    corpus = tmp_path / "c.txt"
    corpus.write_text(TEXT * 20, encoding="utf-8")
    a = run("generate", "-n", "3", "--seed", "7", "--length", "80", str(corpus)).stdout
    b = run("generate", "-n", "3", "--seed", "7", "--length", "80", str(corpus)).stdout
    c = run("generate", "-n", "3", "--seed", "8", "--length", "80", str(corpus)).stdout
    assert a == b and a != c
    cold = {
        run("generate", "-n", "3", "--seed", str(s), "-t", "0", "--length", "40", str(corpus)).stdout for s in range(4)
    }
    assert len(cold) == 1


@functools.cache
def letter_runs(name: str) -> list[str]:
    """The words of a bundled corpus as letter models see them: runs of letters, folded to lower case."""
    text = "".join(c.lower() if len(c.lower()) == 1 else c for c in corpus_text(name))
    letters = sorted(c for c in set(text) if c.isalpha())
    return re.findall("[" + "".join(re.escape(c) for c in letters) + "]+", text)


def test_random_words_grow_more_english_with_the_order(run):
    path = corpus_path("en")
    words = {}
    for n in [0, 5]:
        out = run("generate", "-n", str(n), "--words", "--count", "200", "--seed", "1", "-i", str(path)).stdout.split()
        words[n] = out
    # English words: the corpus's own, used at least 5 times and longer than one letter
    # (its single letters and one-off strings are initials, codes and the like)
    known = {w for w, k in Counter(letter_runs("en")).items() if k >= 5 and len(w) > 1}
    real = {n: np.mean([w in known for w in ws]) for n, ws in words.items()}
    assert real[5] > 0.5 and real[0] < 0.05, real
    assert all(w.isalpha() for w in words[0])


def test_predict_q_is_followed_by_u_and_a_table_model_matches(run, tmp_path):
    path = corpus_path("en")
    out = run("predict", "-n", "2", "q", "-i", "--letters-only", str(path), "--top", "3").stdout.splitlines()
    # the counts (predict's default, mle): what follows a q inside the words, or the word's end
    after_q = Counter(
        w[i + 1] if i + 1 < len(w) else "</s>" for w in letter_runs("en") for i, c in enumerate(w) if c == "q"
    )
    expected = [(t, k / after_q.total()) for t, k in after_q.most_common(3)]
    assert out[0] == "token\tprob" and expected[0][0] == "u" and expected[0][1] > 0.9
    got = [(line.split("\t")[0], float(line.split("\t")[1])) for line in out[1:]]
    assert [t for t, _ in got] == [t for t, _ in expected]
    assert np.allclose([p for _, p in got], [p for _, p in expected], rtol=1e-5)
    table = tmp_path / "model.tsv"
    run("ngrams", "--orders", "1-3", "--boundaries", str(path), "-o", str(table))
    direct = run("generate", "-n", "3", "--seed", "3", "--length", "100", str(path)).stdout
    via_table = run("generate", "-m", str(table), "--seed", "3", "--length", "100").stdout
    assert direct == via_table


def test_perplexity_counts_oov_like_kenlm(run, tmp_path):
    train, test = tmp_path / "train.txt", tmp_path / "test.txt"
    train.write_text(TEXT, encoding="utf-8")
    test.write_text("the cat sat on the zebra\n", encoding="utf-8")
    out = run("perplexity", "--unit", "word", "--train", str(train), "-n", "2", str(test)).stdout.splitlines()
    row = dict(zip(out[0].split("\t"), out[1].split("\t")))
    assert row["tokens"] == "7" and row["oov"] == "1"  # six words and </s>; zebra is unknown
    assert float(row["perplexity"]) > float(row["ppl_without_oov"]) > 1


@pytest.mark.parametrize(
    "args,message",
    [
        (["generate", "-n", "2", "--start", "zzqx zzqy", "--unit", "word", "--seed", "1"], None),
        (["generate", "-n", "2"], "the input is empty"),
        (["predict", "--unit", "word", "-n", "3", "never seen words"], None),
        (["generate", "--words", "--unit", "word"], "--unit char"),
        (["perplexity", "-n", "2"], "--train FILE"),
    ],
)
def test_unseen_starts_and_empty_models_are_handled(run, tmp_path, args, message):
    corpus = tmp_path / "c.txt"
    corpus.write_text(TEXT, encoding="utf-8")
    stdin = "" if message == "the input is empty" else None
    result = run(*args, *([] if stdin is not None or "perplexity" in args else [str(corpus)]), input=stdin)
    if message is None:
        assert result.exit_code == 0 and result.stdout.strip()
    else:
        assert result.exit_code != 0 and message in result.stderr and "Traceback" not in result.stderr


def test_n_beyond_the_table_is_a_clear_error(run, tmp_path):
    corpus = tmp_path / "c.txt"
    corpus.write_text(TEXT, encoding="utf-8")
    table = tmp_path / "m.tsv"
    run("ngrams", "--orders", "1-2", "--boundaries", str(corpus), "-o", str(table))
    result = run("generate", "-m", str(table), "-n", "4")
    assert result.exit_code == 2 and "--orders 1-4" in result.stderr
    result = run("generate", "-m", str(table), "-n", "2", "--seed", "1")
    assert result.exit_code == 0 and result.stdout.strip()


def test_every_command_has_a_purpose_examples_and_visible_defaults(run):
    for command in ["generate", "predict", "perplexity", "lm"]:
        out = run(command, "--help").stdout
        assert "Examples:" in out and f"textlab {command}" in out.split("Examples:")[1], command
    # rich once swallowed "[default: ...]" written into a help string as a markup tag
    out = run("generate", "--help").stdout
    assert "Default: 3" in out and "Default: 200" in out


def test_character_samples_are_separated_by_a_blank_line(run, tmp_path):
    corpus = tmp_path / "c.txt"
    corpus.write_text(TEXT * 20, encoding="utf-8")
    out = run("generate", "-n", "3", "--count", "3", "--length", "300", "--seed", "2", str(corpus)).stdout
    samples = out.rstrip("\n").split("\n\n")
    assert len(samples) == 3 and all(s.strip() for s in samples)
    one = run("generate", "-n", "3", "--count", "1", "--length", "300", "--seed", "2", str(corpus)).stdout
    assert one == samples[0] + "\n"  # the first sample is the same draw either way


def test_a_new_line_starts_afresh_so_no_context_is_unseen(run, tmp_path):
    """After </s> the next segment's context is <s> alone, as in training: an order-3 model
    of a text it has seen plenty of needs no back-off (it once looked up '</s> <s>')."""
    corpus = tmp_path / "c.txt"
    corpus.write_text(TEXT * 20, encoding="utf-8")
    for unit in ["char", "word"]:
        result = run("generate", "-u", unit, "-n", "3", "--length", "300", "--seed", "1", "-v", str(corpus))
        assert result.stdout.count("\n" if unit == "char" else " / ") > 3  # several lines were drawn
        assert "every context was seen" in result.stderr, result.stderr


def test_words_start_with_the_start_text_and_letter_models_space_their_words(run, tmp_path):
    corpus = tmp_path / "c.txt"
    corpus.write_text(TEXT * 20, encoding="utf-8")
    out = run("generate", "--words", "-n", "3", "--start", "th", "--count", "20", "--seed", "1", str(corpus)).stdout
    drawn = out.split()
    assert len(drawn) == 20 and all(w.startswith("th") for w in drawn)
    assert set(drawn) <= {"the", "this"}  # all a 3-gram letter model of TEXT knows after "th"
    # a letter model without --words: word ends are spaces, not line breaks
    out = run("generate", "--letters-only", "-n", "3", "--length", "100", "--seed", "1", str(corpus)).stdout
    assert out.count("\n") == 1 and out.count(" ") > 10
    result = run("generate", "--words", "-n", "3", "--start", "the qu", "--seed", "1", "-v", str(corpus))
    assert result.stdout.startswith("the qu") and "every context was seen" in result.stderr


def test_n_beyond_the_longest_line_backs_off_with_a_warning(run, tmp_path):
    corpus = tmp_path / "c.txt"
    corpus.write_text("ab\nc\nab\n", encoding="utf-8")  # longest segment: <s> a b </s>
    result = run("generate", "-n", "9", "--length", "30", "--seed", "4", str(corpus))
    assert result.exit_code == 0 and "backs off to order 4" in result.stderr
    same = run("generate", "-n", "4", "--length", "30", "--seed", "4", str(corpus))
    assert result.stdout == same.stdout and same.stderr == ""
    result = run("perplexity", "--train", str(corpus), "--orders", "3-6", str(corpus))
    assert result.exit_code == 0 and result.stderr.count("warning") == 1
    rows = [line.split("\t") for line in result.stdout.splitlines()[1:]]
    assert [r[1] for r in rows] == ["3", "4", "5", "6"] and rows[1][5] == rows[2][5] == rows[3][5]
    for command in (["predict", "-n", "9", "a"], ["lm", "-n", "9"]):
        result = run(*command, str(corpus))
        assert result.exit_code == 0 and result.stdout and "backs off to order 4" in result.stderr


def test_perplexity_order_0_is_the_vocabulary_size_and_a_table_sets_the_default_order(run, tmp_path):
    train, test = tmp_path / "train.txt", tmp_path / "test.txt"
    train.write_text(TEXT, encoding="utf-8")
    test.write_text("the cat sat on the zebra\n", encoding="utf-8")
    out = run("perplexity", "-u", "word", "--train", str(train), "-n", "0", "--smoothing", "kn,add-k", str(test)).stdout
    rows = [dict(zip(out.splitlines()[0].split("\t"), line.split("\t"))) for line in out.splitlines()[1:]]
    model = LanguageModel(train_table([TEXT.encode()], 1, "word"), order=1)
    assert [r["order"] for r in rows] == ["0", "0"]
    assert all(math.isclose(float(r["perplexity"]), model.V, rel_tol=1e-5) for r in rows)
    table = tmp_path / "m.tsv"
    run("ngrams", "-u", "word", "--orders", "1-2", "--boundaries", str(train), "-o", str(table))
    out = run("perplexity", "-u", "word", "-m", str(table), str(test)).stdout
    assert out.splitlines()[1].split("\t")[1] == "2"


def test_predict_formats_and_temperature(run, tmp_path):
    import json

    corpus = tmp_path / "c.txt"
    corpus.write_text(TEXT * 20, encoding="utf-8")
    args = ["predict", "-u", "word", "-n", "2", "the", "--smoothing", "mle", "--top", "50", str(corpus)]
    tsv = run(*args, "-f", "tsv").stdout.splitlines()
    rows = [json.loads(line) for line in run(*args, "-f", "json").stdout.splitlines()]
    assert tsv[0] == "token\tprob" and len(tsv) == len(rows) + 1
    assert [r["token"] for r in rows] == [line.split("\t")[0] for line in tsv[1:]]
    assert rows[0]["token"] == "cat" and math.isclose(sum(r["prob"] for r in rows), 1, rel_tol=1e-6)
    top = {}
    for t in ["0", "0.8", "1", "1.5"]:
        top[t] = [json.loads(line)["prob"] for line in run(*args, "-f", "json", "-t", t).stdout.splitlines()]
    assert top["0"] == [1.0]  # temperature 0: the most probable token only
    assert top["0.8"][0] > top["1"][0] > top["1.5"][0]  # higher temperature, flatter
    assert len(top["1.5"]) == len(top["1"])  # temperature never brings in a token the model rules out


def test_perplexity_takes_train_or_model_not_both(run, tmp_path):
    text = tmp_path / "t.txt"
    text.write_text("abc abd\n")
    table = tmp_path / "m.tsv"
    assert run("ngrams", "--orders", "1-2", "--boundaries", str(text), "-o", str(table)).exit_code == 0
    result = run("perplexity", "--train", str(text), "-m", str(table), str(text))
    assert result.exit_code == 2 and "not both" in result.stderr


# -- blank lines: skipped by default, or KenLM's empty sentences -------------------------------
SPEECHES = "first citizen\nbefore we proceed\n\nall\nspeak speak\n\n\nfirst citizen\nyou are all resolved\n"


def _counts(table) -> dict:
    return dict(zip(zip(table.order.tolist(), table.ngrams), table.counts.tolist()))


def test_a_blank_line_is_the_sentence_s_slash_s_when_asked():
    skipped = _counts(train_table([SPEECHES.encode()], 3, "word"))
    sentences = _counts(train_table([SPEECHES.encode()], 3, "word", blank_lines=True))
    blank = 3  # one after the first speech, two after the second
    changed = {key for key in sentences if sentences[key] != skipped.get(key)}
    assert changed == {(1, "<s>"), (1, "</s>"), (2, "<s> </s>")}
    assert sentences[(2, "<s> </s>")] == blank
    assert sentences[(1, "</s>")] == skipped[(1, "</s>")] + blank
    assert sentences[(1, "<s>")] == skipped[(1, "<s>")] + blank


@pytest.mark.parametrize("text", ["\n\na b\n", "a b\n\n\n", "\n\n\n", "a\n  \t \nb", "a b"])
def test_blank_lines_are_counted_wherever_they_fall(text):
    lines = text.split("\n")
    if text.endswith("\n"):
        lines.pop()  # the newline ends the last line: no line after it
    expected = sum(1 for line in lines if not line.split())
    table = _counts(train_table([text.encode()], 2, "word", blank_lines=True))
    assert table.get((2, "<s> </s>"), 0) == expected


def test_perplexity_with_blank_lines_is_kenlms(tmp_path, wikipedia):
    kenlm = pytest.importorskip("kenlm", reason="the kenlm module is not installed (pip install kenlm)")
    train = wikipedia["train_words"]
    text = train.read_text(encoding="utf-8")
    lines = text.splitlines()
    with_blanks = tmp_path / "train.txt"
    with_blanks.write_text("\n\n".join(lines[:2000]) + "\n", encoding="utf-8")  # a blank line after each
    table = train_table(TextReader([str(with_blanks)]).chunks(), 3, "word", blank_lines=True)
    model = LanguageModel(table, order=3, smoothing="kn")
    path = tmp_path / "model.arpa"
    with open(path, "wb") as out:
        write_arpa(model, out)
    k = kenlm.Model(str(path))
    test = wikipedia["test_words"]
    held_out = tmp_path / "test.txt"
    held_out.write_text("\n\n".join(test.read_text(encoding="utf-8").splitlines()[:300]) + "\n", encoding="utf-8")
    ours = perplexity(model, *model_ids(TextReader([str(held_out)]).chunks(), model, blank_lines=True))
    every_line = held_out.read_text(encoding="utf-8").splitlines()  # blank ones too: KenLM scores "" as <s> </s>
    total = sum(k.score(line, bos=True, eos=True) for line in every_line)
    tokens = sum(len(line.split()) + 1 for line in every_line)
    assert tokens == ours.tokens
    assert math.isclose(10 ** (-total / tokens), ours.perplexity, rel_tol=1e-4)


def test_the_option_is_for_word_models(run, tmp_path):
    corpus = tmp_path / "c.txt"
    corpus.write_text(SPEECHES, encoding="utf-8")
    result = run("lm", "-n", "2", "--blank-lines-are-sentences", str(corpus))
    assert result.exit_code == 2 and "--blank-lines-are-sentences applies to word models only" in result.stderr
    words = run("lm", "--unit", "word", "-n", "2", "--blank-lines-are-sentences", str(corpus))
    assert words.exit_code == 0 and "<s> </s>" in words.stdout


def _reference_arpa(model: LanguageModel) -> str:
    """The ARPA text written the plain way, a Python string per line (what write_arpa did before
    it built lines with NumPy): the new writer must give the same bytes."""
    from textlab.lm.arpa import arpa_name, interpolated

    trie, probs = model.trie, [np.empty(0), *interpolated(model)]
    listed = model.predictable.copy()
    listed[model.bos] = True
    sizes = [int(listed.sum())] + [trie.size(k) for k in range(2, model.order + 1)]
    out = ["\\data\\\n"] + [f"ngram {k}={size}\n" for k, size in enumerate(sizes, start=1)]
    names = np.array([arpa_name(model.tokens[t], t, model.trie.unit) for t in range(model.vocab_size)], dtype=object)
    texts = names
    for k in range(1, model.order + 1):
        out.append(f"\n\\{k}-grams:\n")
        with np.errstate(divide="ignore"):
            logp = np.log10(probs[k])
        if k == 1:
            logp[model.bos] = -99.0
        else:
            level = trie.levels[k]
            texts = texts[level.prefix] + " " + names[level.last]
        rows = np.flatnonzero(listed) if k == 1 else np.arange(len(logp))
        cols = [list(map("{:.6f}".format, logp[rows].tolist())), texts[rows].tolist()]
        if k < model.order:
            par = model.params[k + 1]
            with np.errstate(divide="ignore"):
                bow = np.where(par.total > 0, np.log10(np.where(par.gamma > 0, par.gamma, 1.0)), 0.0)
            cols.append(list(map("{:.6f}".format, bow[rows].tolist())))
        out.append("\n".join(map("\t".join, zip(*cols))) + "\n")
    out.append("\n\\end\\\n")
    return "".join(out)


@pytest.mark.parametrize("unit,order", [("word", 4), ("char", 5), ("word", 1)])
def test_arpa_lines_built_by_numpy_are_the_plain_ones(tmp_path, wikipedia, unit, order, monkeypatch):
    import textlab.lm.arpa

    monkeypatch.setattr(textlab.lm.arpa, "BLOCK", 1000)  # many blocks, a short last one
    train = wikipedia["train_words" if unit == "word" else "train"]
    model = LanguageModel(train_table(TextReader([str(train)]).chunks(), order, unit), order=order, smoothing="kn")
    path = tmp_path / "model.arpa"
    with open(path, "wb") as out:
        write_arpa(model, out)
    assert path.read_bytes().decode("utf-8") == _reference_arpa(model)


@pytest.mark.parametrize(
    "order,blank_lines,ignore_case,memory",
    [(1, False, False, None), (3, True, False, None), (5, False, True, None), (4, True, False, 48 * 20_000)],
)
def test_a_trie_counted_from_the_stream_is_the_tables(wikipedia, order, blank_lines, ignore_case, memory, monkeypatch):
    # memory: a stream too long to hold is counted as a table (after 20,000 positions here)
    from textlab.lm.text import train_trie
    from textlab.lm.trie import Trie

    if memory is not None:
        monkeypatch.setattr(Trie, "counted", None)  # the stream is never counted whole

    text = wikipedia["train_words"].read_bytes()
    chunks = [text[i : i + 50_000] + b"\n\n" for i in range(0, len(text), 50_000)]  # blank lines, cut words
    table = train_table(chunks, order, "word", ignore_case=ignore_case, blank_lines=blank_lines)
    expected = Trie(table)
    got = train_trie(chunks, order, "word", ignore_case=ignore_case, blank_lines=blank_lines, memory=memory)
    assert got is not None and got.tokens == expected.tokens and got.order == expected.order == order
    assert np.array_equal(got.unigram_counts, expected.unigram_counts)
    for k in range(2, order + 1):
        for name in ("keys", "prefix", "last", "counts", "suffix", "starts"):
            assert np.array_equal(getattr(got.levels[k], name), getattr(expected.levels[k], name)), (k, name)


def test_a_counted_trie_stops_at_the_longest_segment():
    from textlab.lm.text import train_trie

    trie = train_trie([b"a b\nc\n"], 6, "word")  # <s> a b </s>: nothing longer than 4 tokens
    assert trie is not None and trie.order == 4 and trie.size(4) == 1
    assert train_trie([b"\n\n"], 3, "word") is None


def test_a_trie_without_suffixes_is_the_same_trie_and_keeps_what_counting_needs(wikipedia):
    """Maximum likelihood reads a table's trie without suffix links: the same arrays but
    those, the same distributions, and an n-gram whose suffix a hand-made table lacks is
    still counted (it is only Kneser-Ney that needs it)."""
    from textlab.lm.trie import Trie
    from textlab.ngrams import table_from_rows

    table = train_table([wikipedia["train_words"].read_bytes()], 3, "word")
    full, bare = Trie(table), Trie(table, suffixes=False)
    assert bare.tokens == full.tokens
    for k in (2, 3):
        assert bare.levels[k].suffix is None
        for name in ("keys", "prefix", "last", "counts", "starts"):
            assert np.array_equal(getattr(bare.levels[k], name), getattr(full.levels[k], name)), (k, name)
    history = [full.bos, full.tokens.index("the")]
    for smoothing in ("mle", "add-k"):
        a, b = LanguageModel(full, smoothing=smoothing), LanguageModel(bare, smoothing=smoothing)
        assert np.array_equal(a.distribution(history), b.distribution(history))
    with pytest.raises(ValueError, match="suffixes"):
        LanguageModel(bare, smoothing="kn")

    odd = table_from_rows("word", [(1, "a", 2), (1, "b", 2), (1, "c", 1), (2, "a b", 2), (3, "a b c", 1)])
    assert Trie(odd).size(3) == 0  # "b c" is missing: no suffix to interpolate with
    mle = LanguageModel(Trie(odd, suffixes=False), smoothing="mle")
    p = mle.distribution([mle.index["a"], mle.index["b"]])
    assert p[mle.index["c"]] == 1.0


@pytest.mark.parametrize("unit", ["word", "char"])
def test_a_lazy_trie_answers_from_scans_what_the_built_trie_answers(wikipedia, unit, monkeypatch):
    """Before its trie is built, a model read from a table answers by scanning the table:
    the same distributions, number for number, for contexts seen, unseen and backed off,
    and the same draws whether the trie gets built after a few contexts or never."""
    from textlab.lm import scan
    from textlab.lm.sampling import Generator, Sampler
    from textlab.lm.trie import Trie

    monkeypatch.setattr(scan, "SCANS_PER_BUILD", 10**6)  # never built: every answer scanned
    source = wikipedia["train_words"] if unit == "word" else wikipedia["train"]
    table = train_table([source.read_bytes()[:400_000]], 4, unit)
    for smoothing in ("mle", "add-k"):
        built = LanguageModel(Trie(table, suffixes=False), smoothing=smoothing, k=0.5)
        lazy = LanguageModel(Trie(table, suffixes=False, lazy=True), smoothing=smoothing, k=0.5)
        rng = np.random.default_rng(7)
        histories = [[built.bos], [built.bos, built.unk], [built.unk, built.unk, built.unk]]
        histories += [[built.bos, *rng.integers(0, built.vocab_size, 3).tolist()] for _ in range(20)]
        seen = rng.choice(table.rows[table.order == 4, :3], 20)  # contexts of the table, in its ids
        histories += [[built.tokens.index(table.tokens[t]) for t in row] for row in seen.tolist()]
        for h in histories:
            assert lazy.context_order(h) == built.context_order(h), h
            assert np.array_equal(lazy.distribution(h), built.distribution(h)), h
        assert not lazy.trie.built  # every answer so far came from scans

    monkeypatch.setattr(scan, "SCANS_PER_BUILD", 2)  # built after a few contexts
    draws = []
    for lazy in (False, True):
        model = LanguageModel(Trie(table, suffixes=False, lazy=lazy), smoothing="mle")
        draws.append(Generator(model, Sampler(), seed=3).draw([model.bos], 300))
        assert model.trie.built
    assert draws[0] == draws[1]


def test_a_lazy_trie_holds_only_what_the_built_one_would():
    """An n-gram whose prefix a hand-made table lacks is in neither, scanned or built."""
    from textlab.lm.trie import Trie
    from textlab.ngrams import table_from_rows

    rows = [(1, "a", 3), (1, "b", 2), (1, "c", 1), (2, "a b", 2), (3, "a b c", 1), (3, "b c a", 4), (2, "c a", 1)]
    table = table_from_rows("word", rows)  # "b c" is missing: "b c a" cannot be reached
    built = LanguageModel(Trie(table, suffixes=False), smoothing="mle")
    lazy = LanguageModel(Trie(table, suffixes=False, lazy=True), smoothing="mle")
    ids = built.index
    for h in ([ids["b"], ids["c"]], [ids["a"], ids["b"]], [ids["c"], ids["a"]]):
        assert lazy.context_order(h) == built.context_order(h)
        assert np.array_equal(lazy.distribution(h), built.distribution(h))
    assert built.context_order([ids["b"], ids["c"]]) == 2
    with pytest.raises(ValueError, match="suffixes=False"):
        Trie(table, lazy=True)
    with pytest.raises(ValueError, match="built whole"):
        LanguageModel(Trie(table, suffixes=False, lazy=True), smoothing="kn")
