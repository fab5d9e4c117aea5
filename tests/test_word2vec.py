"""``textlab word2vec``: file formats, planted structure, repeatability, bad input."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

from textlab.errors import ParameterError
from textlab.vectors import Vectors, formats
from textlab.word2vec import Settings, fit, read_corpus
from textlab.word2vec.batch import Batch, cbow_update, skipgram_update
from textlab.word2vec.crew import Crew, WorkerDied, can_fork
from textlab.word2vec.rows import summed_rows
from textlab.word2vec.sampling import NoiseSampler, keep_probability


def planted_corpus(lines: int = 400, seed: int = 0) -> str:
    """Two groups of words that only ever co-occur within their group."""
    rng = np.random.default_rng(seed)
    animals = ["cat", "dog", "horse", "cow", "sheep", "goat"]
    tools = ["hammer", "saw", "drill", "wrench", "chisel", "pliers"]
    out = []
    for i in range(lines):
        group = animals if i % 2 else tools
        out.append(" ".join(rng.choice(group, 12)))
    return "\n".join(out) + "\n"


@pytest.fixture(scope="module")
def corpus_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("w2v") / "planted.words"
    path.write_text(planted_corpus())
    return path


def toy_batch(window: int, reach: list[int], lines: list[int], words: list[int], negatives: list[list[int]]) -> Batch:
    pad = [0] * window
    return Batch(
        np.array(pad + words + pad, np.int32),
        np.array([-1] * window + lines + [-1] * window),
        np.array(reach),
        np.array(negatives, np.int32),
    )


def test_pairs_stay_inside_lines_and_the_shrunk_window():
    # words 0..4 at positions 0..4; positions 0-2 on line 0, 3-4 on line 1
    batch = toy_batch(2, [1, 1, 2, 1, 1], [0, 0, 0, 1, 1], [0, 1, 2, 3, 4], [[0]] * 5)
    centre, offset = np.nonzero(batch.pairs())
    pairs = sorted(zip(centre.tolist(), (centre + offset - 2).tolist()))
    assert pairs == [(0, 1), (1, 0), (1, 2), (2, 0), (2, 1), (3, 4), (4, 3)]


def per_pair_updates(w_in, w_out, batch, alpha, cbow):
    """The C tool's update, written pair by pair with plain loops, all from the same weights."""

    def sigma(s):
        return 1 / (1 + np.exp(-s))

    d_in, d_out, loss = np.zeros_like(w_in), np.zeros_like(w_out), 0.0
    w, centres = batch.window, batch.centres
    words = batch.words[w:-w]
    lines = batch.lines[w:-w]
    for n, centre in enumerate(centres):
        r = int(batch.reach[n])
        context = [j for j in range(max(0, n - r), min(len(centres), n + r + 1)) if j != n and lines[j] == lines[n]]
        if cbow:
            inputs = [(w_in[words[context]].mean(axis=0), [words[j] for j in context])] if context else []
        else:
            inputs = [(w_in[words[j]], [words[j]]) for j in context]
        for x, owners in inputs:
            work = np.zeros_like(x)
            for k, target in enumerate([centre, *batch.negatives[n]]):
                if k > 0 and target == centre:
                    continue
                label, score = float(k == 0), float(x @ w_out[target])
                loss -= np.log(sigma(score) if label else 1 - sigma(score))
                if abs(score) < 6:
                    g = (label - sigma(score)) * alpha
                    work += g * w_out[target]
                    d_out[target] += g * x
            for o in owners:
                d_in[o] += work
    return d_in, d_out, loss


@pytest.mark.parametrize("cbow", [False, True])
@pytest.mark.parametrize(
    "centres", [12, 16, 5]
)  # skip-gram takes them 8 at a time: part of a group, whole ones, less than one
def test_batched_update_equals_the_per_pair_formulas(cbow, centres):
    rng = np.random.default_rng(3)
    w_in, w_out = rng.normal(size=(20, 4)).astype(np.float32), rng.normal(size=(20, 4)).astype(np.float32)
    batch = toy_batch(
        3,
        rng.integers(1, 4, centres).tolist(),
        sorted(rng.integers(0, 3, centres).tolist()),
        rng.integers(0, 20, centres).tolist(),
        rng.integers(0, 20, (centres, 2)).tolist(),
    )
    update = (cbow_update if cbow else skipgram_update)(w_in, w_out, batch, 0.1, cap=None)
    d_in, d_out, loss = per_pair_updates(w_in, w_out, batch, 0.1, cbow)
    got_in, got_out = np.zeros_like(w_in), np.zeros_like(w_out)
    got_in[update.in_rows] = update.in_delta
    got_out[update.out_rows] = update.out_delta
    assert np.allclose(got_in, d_in, atol=1e-6) and np.allclose(got_out, d_out, atol=1e-6)
    assert update.loss == pytest.approx(loss, rel=1e-5)


def test_summed_rows_adds_duplicates_and_caps_busy_rows():
    rows = np.array([2, 0, 2, 2] + [5] * 20)
    rows_out, sums = summed_rows(rows, np.ones((24, 3), np.float32))
    assert rows_out.tolist() == [0, 2, 5] and sums[:, 0].tolist() == [1, 3, 20]
    _, capped = summed_rows(rows, np.ones((24, 3), np.float32), cap=4)
    assert capped[:, 0].tolist() == [1, 3, 4]  # 20 updates of 1: their mean times the cap


def test_noise_sampler_is_exactly_the_cumulative_search():
    counts = np.array([10_000, 3_000, 50, 7, 5, 5, 1])
    sampler = NoiseSampler(counts)
    draws = sampler.draw(np.random.default_rng(1), (200_000,))
    expected = counts**0.75 / (counts**0.75).sum()
    assert np.allclose(np.bincount(draws, minlength=7) / 200_000, expected, atol=0.004)
    u = np.random.default_rng(1).random(200_000)
    assert np.array_equal(draws, np.searchsorted(sampler.cumulative, u, side="right"))


def test_subsampling_keeps_rare_words():
    p = keep_probability(np.array([1_000_000, 10, 1]), 1e-3)
    assert p[0] < 0.1 and p[1] == p[2] == 1.0


@pytest.mark.parametrize("cbow", [False, True])
def test_planted_groups_are_neighbours(corpus_file, cbow):
    corpus = read_corpus([corpus_file.read_bytes()], min_count=1)
    vectors = Vectors(corpus.words, fit(corpus, Settings(dim=16, epochs=10, sample=0, seed=3, cbow=cbow)))
    for word, group in (
        ("cat", {"dog", "horse", "cow", "sheep", "goat"}),
        ("saw", {"hammer", "drill", "wrench", "chisel", "pliers"}),
    ):
        nearest = {w for w, _ in vectors.most_similar([word], topn=5)}
        assert nearest == group, (word, nearest)


def test_command_writes_both_formats_and_the_vocabulary(run, corpus_file, tmp_path):
    text, binary, vocab = tmp_path / "v.txt", tmp_path / "v.bin", tmp_path / "vocab.txt"
    args = ["word2vec", str(corpus_file), "--dim", "8", "--epochs", "1", "--min-count", "1", "--quiet"]
    assert run(*args, "-o", str(text), "--save-vocab", str(vocab)).exit_code == 0
    assert run(*args, "-o", str(binary), "--binary").exit_code == 0
    assert text.read_text().splitlines()[0] == "12 8"
    assert binary.read_bytes().startswith(b"12 8\n")
    words_t, m_t = formats.load(str(text))
    words_b, m_b = formats.load(str(binary))
    assert words_t == words_b and len(words_t) == 12
    assert np.allclose(m_t, m_b, atol=1e-5)  # the same seed: the same vectors
    lines = vocab.read_text().splitlines()
    assert len(lines) == 12 and all(len(line.split(" ")) == 2 for line in lines)
    counts = [int(line.split(" ")[1]) for line in lines]
    assert counts == sorted(counts, reverse=True) and sum(counts) == 400 * 12


def test_same_seed_same_vectors(corpus_file):
    corpus = read_corpus([corpus_file.read_bytes()], min_count=1)
    a = fit(corpus, Settings(dim=8, epochs=2, seed=7))
    b = fit(corpus, Settings(dim=8, epochs=2, seed=7))
    c = fit(corpus, Settings(dim=8, epochs=2, seed=8))
    assert np.array_equal(a, b) and not np.array_equal(a, c)


def test_an_unwritable_output_fails_before_training(run, tmp_path):
    # an empty corpus would fail too, but only once read: the path is checked first
    result = run("word2vec", "-", "-o", str(tmp_path / "missing" / "v.txt"), "--quiet", input="")
    assert result.exit_code == 1 and "does not exist" in result.stderr and "Traceback" not in result.stderr


def test_learning_rate_falls_to_nearly_zero_on_a_small_corpus(corpus_file):
    corpus = read_corpus([corpus_file.read_bytes()], min_count=1)
    seen = []
    fit(corpus, Settings(dim=4, epochs=1, sample=0), lambda p: seen.append(p.alpha))
    assert seen[-1] < Settings().start_alpha * 0.05  # set before every step, not once per block of text


def test_one_huge_line_works():
    corpus = read_corpus([planted_corpus(50).replace("\n", " ").encode()], min_count=1)
    assert len(corpus.line_starts) == 1 and corpus.total_words == 600
    assert fit(corpus, Settings(dim=4, epochs=1)).shape == (12, 4)


@pytest.mark.parametrize(
    "args, stdin, message, code",
    [
        ([], "", "the input is empty", 1),
        ([], "a b c a b c\n", "no word occurs 5 times or more", 1),
        (["--min-count", "1"], "same same same\n", "only one word ('same')", 1),
        (["--dim", "0"], "a b\n", "--dim must be at least 1", 2),
        (["--alpha", "nan"], "a b\n", "--alpha must be a positive number", 2),
        (["--sample", "-1"], "a b\n", "--sample must be 0", 2),
    ],
)
def test_bad_input_gets_one_clear_line(run, tmp_path, args, stdin, message, code):
    out = tmp_path / "v.txt"
    result = run("word2vec", "-", "-o", str(out), "--quiet", *args, input=stdin)
    assert result.exit_code == code and message in result.stderr, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and not out.exists()


def test_ids_past_the_budget_train_from_a_mapped_file_to_the_same_vectors(corpus_file, tmp_path):
    text = corpus_file.read_bytes()
    pieces = [text[i : i + 997] for i in range(0, len(text), 997)]  # many pieces: the spill starts mid-way
    held = read_corpus(pieces, min_count=1)
    mapped = read_corpus(pieces, min_count=1, memory=4096)  # 1,024 ids in memory, the rest to a file
    named = tmp_path / "ids.int32"
    from_file = read_corpus(pieces, min_count=1, ids_file=str(named))
    assert not isinstance(held.ids, np.memmap)
    assert isinstance(mapped.ids, np.memmap) and isinstance(from_file.ids, np.memmap)
    assert not named.exists()  # removed once mapped: nothing stays behind
    for corpus in (mapped, from_file):
        assert corpus.words == held.words and np.array_equal(corpus.ids, held.ids)
        assert np.array_equal(corpus.line_starts, held.line_starts)
    settings = Settings(dim=8, epochs=2, seed=3)
    assert np.array_equal(fit(mapped, settings), fit(held, settings))


def test_the_command_with_a_tiny_budget_writes_the_same_vectors(run, corpus_file, tmp_path):
    args = ["word2vec", str(corpus_file), "--dim", "8", "--epochs", "1", "--min-count", "1", "--quiet"]
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    assert run(*args, "-o", str(a)).exit_code == 0
    assert run(*args, "-o", str(b), "--memory", "4K").exit_code == 0
    assert a.read_bytes() == b.read_bytes()
    bad = run(*args, "-o", str(b), "--ids-file", str(tmp_path / "no" / "ids"))
    assert bad.exit_code == 1 and "cannot write the word ids" in bad.stderr


# -- worker processes -------------------------------------------------------------------
needs_fork = pytest.mark.skipif(not can_fork(), reason="worker processes need fork (Linux, macOS)")


@needs_fork
@pytest.mark.parametrize("cbow", [False, True])
def test_two_worker_processes_repeat_and_equal_one_process_computing_both_shares(corpus_file, cbow):
    corpus = read_corpus([corpus_file.read_bytes()], min_count=1)
    settings = Settings(dim=8, epochs=2, seed=5, workers=2, cbow=cbow)
    a, b = fit(corpus, settings), fit(corpus, settings)
    alone = fit(corpus, settings, processes=False)  # the same rounds, computed one batch after another
    assert np.array_equal(a, b) and np.array_equal(a, alone)
    assert not np.array_equal(a, fit(corpus, Settings(dim=8, epochs=2, seed=5, workers=1, cbow=cbow)))
    three = Settings(dim=8, epochs=1, seed=5, workers=3, cbow=cbow)  # more workers than a block's batches
    assert np.array_equal(fit(corpus, three), fit(corpus, three, processes=False))


@needs_fork
def test_a_workers_error_is_raised_by_the_parent_and_a_killed_worker_is_one_line():
    def fail(worker: int) -> None:
        raise ParameterError("dim", "is broken in the worker")

    with pytest.raises(ParameterError, match="broken in the worker"), Crew(2) as crew:
        crew.start(fail)
        crew.barrier(0)
    with pytest.raises(WorkerDied, match=r"worker 1 was killed \(SIGKILL\)"), Crew(2) as crew:
        crew.start(lambda worker: os.kill(os.getpid(), signal.SIGKILL))
        crew.barrier(0)


def _gone(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/status") as f:
            return "\nState:\tZ" in f.read()  # a zombie: ended, waiting for a parent to reap it
    except FileNotFoundError:
        return True


@needs_fork
@pytest.mark.skipif(not os.path.isdir("/proc"), reason="reads /proc to see the worker end")
def test_a_worker_ends_when_its_parent_is_killed():
    script = (
        "import os, signal, sys, time\n"
        "from textlab.word2vec.crew import Crew\n"
        "crew = Crew(2)\n"
        "crew.start(lambda worker: crew.barrier(1))  # waits for a parent that never comes\n"
        "print(crew._workers[0][0].pid, flush=True)\n"
        "time.sleep(0.2)\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    pid = int(proc.stdout.split()[0])
    deadline = time.monotonic() + 10
    while not _gone(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _gone(pid)


def _children(pid: int) -> list[int]:
    found = []
    for entry in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()  # after the command's name, which may hold spaces
        except (FileNotFoundError, ProcessLookupError, PermissionError):  # it ended meanwhile
            continue
        if int(fields[1]) == pid:  # the parent's pid
            found.append(int(entry))
    return found


def _shared_memory() -> set[str]:
    return set(os.listdir("/dev/shm")) if os.path.isdir("/dev/shm") else set()


@needs_fork
@pytest.mark.skipif(not os.path.isdir("/proc"), reason="reads /proc to find the workers")
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_interrupting_training_leaves_no_workers_no_shared_memory_and_no_output(tmp_path, sig):
    corpus = tmp_path / "c.words"
    corpus.write_text(planted_corpus(4000))
    out = tmp_path / "v.txt"
    before = _shared_memory()
    proc = subprocess.Popen(
        [sys.executable, "-m", "textlab", "word2vec", str(corpus), "-o", str(out), "--min-count", "1"]
        + ["--workers", "2", "--epochs", "10000", "--progress"],
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group: Ctrl-C reaches the workers too, as at a terminal
    )
    assert proc.stderr is not None
    while "training" not in proc.stderr.readline():  # the progress line: the workers are running
        assert proc.poll() is None
    workers = _children(proc.pid)
    assert workers, "no worker process was found"
    time.sleep(0.5)
    os.killpg(proc.pid, sig) if sig == signal.SIGINT else proc.send_signal(sig)
    err = proc.communicate(timeout=60)[1]
    assert proc.returncode in (130, 143), err
    assert "Traceback" not in err and not out.exists() and sorted(tmp_path.iterdir()) == [corpus]
    deadline = time.monotonic() + 10
    while not all(_gone(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert all(_gone(w) for w in workers)
    assert _shared_memory() <= before


def test_the_default_rate_keeps_a_bursty_corpus_apart():
    """Skip-gram's default rate (0.05) with its cap of 2: on the bundled English articles, where
    "moon" comes dozens of times in a row, its neighbours stay apart. With the cap of 4 that
    suits 0.025, every neighbour came out at cosine 0.98-0.99 (with "achilles" among them)."""
    import lzma

    from textlab.corpora import path as corpus_path

    from textlab.words import normalize_words

    corpus = read_corpus(normalize_words([lzma.open(corpus_path("en")).read()]), min_count=5)
    assert Settings().start_alpha == 0.05
    matrix = fit(corpus, Settings(dim=50, epochs=15, workers=2))
    vectors = Vectors(corpus.words, matrix)
    near = vectors.most_similar(["moon"], topn=5)
    unit = matrix / np.linalg.norm(matrix, axis=1, keepdims=True)
    rng = np.random.default_rng(0)
    i, j = rng.integers(0, len(unit), 5000), rng.integers(0, len(unit), 5000)
    chance = float((unit[i] * unit[j]).sum(axis=1)[i != j].mean())
    assert max(s for _, s in near) < 0.95, near
    assert min(s for _, s in near) > chance + 0.25, (near, chance)
    assert {"lunar", "orbit", "spacecraft"} & {w for w, _ in near}, near
