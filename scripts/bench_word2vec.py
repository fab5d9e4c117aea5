#!/usr/bin/env python3
"""Benchmark `textlab word2vec` against gensim's Word2Vec (2 workers), side by side: speed, memory, quality.

    pip install -e '.[bench]'
    python scripts/bench_word2vec.py [--epochs 5] [--modes sg,cbow] [--workers 2] [--repeat 1] [--alpha 0.05]

Corpus: the word stream (`textlab words`) of Webster's 1913 plus the prose of
the English Wikipedia sample (`textlab wiki dump`), about 5.8 million words.
Settings on both sides: 100 dimensions, window 5, 5 negatives, sample 1e-3,
min-count 5, --alpha (the starting learning rate: default 0.05, textlab's default for both modes
and the C tool's for CBOW; 0.025 is the C tool's for skip-gram), --epochs, --workers, the same on
both sides. For each mode:
  * gensim  - Word2Vec(corpus_file=..., workers=N), in a subprocess
  * textlab - the whole `textlab word2vec --workers N` command
words/s = corpus words x epochs / training seconds (gensim: its own training time; textlab:
the whole command, reading and writing included: the ratio the issue's targets are read on,
in gensim's favour). Each side's whole process (start-up, vocabulary, training, writing the
vectors) is timed too, and the ratio of those printed beside it. Quality: analogy accuracy on
questions-words.txt over the 30,000 most frequent words, counted as gensim's
evaluate_word_analogies counts it; run r of --repeat uses seed r on both sides, and the
summary gives the mean accuracy of each. Memory: the peak of the whole process tree's summed
PSS (textlab's workers share the weights and the corpus: PSS counts a shared page once),
and the largest process's peak RSS, against the issue's limit of 3 x (the two weight
matrices + the corpus ids).
"""

from __future__ import annotations

import argparse
import lzma
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from benchutil import SHARED, measured_tree, require_data  # scripts/benchutil.py

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from textlab.vectors import Vectors, evaluate_analogies, formats  # noqa: E402

TEXTLAB = [sys.executable, "-m", "textlab"]
GENSIM = """
import sys, time
from gensim.models import Word2Vec
sg = sys.argv[2] == "sg"
t = time.perf_counter()
model = Word2Vec(corpus_file=sys.argv[1], vector_size=100, window=5, negative=5, sample=1e-3, min_count=5,
                 sg=int(sg), alpha=float(sys.argv[6]), workers=int(sys.argv[5]), epochs=int(sys.argv[3]),
                 seed=int(sys.argv[7]))
print(time.perf_counter() - t)
model.wv.save_word2vec_format(sys.argv[4])
"""


def accuracy(path: Path) -> float:
    result = evaluate_analogies(Vectors(*formats.load(str(path))), str(SHARED / "questions-words.txt"), 30_000)
    return result.total().accuracy


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--epochs", type=int, default=5)
    ap.add_argument("--modes", default="sg,cbow")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=1, help="runs of each side per mode, alternating; median ratio")
    ap.add_argument("--alpha", type=float, default=0.05, help="starting learning rate, both sides, both modes")
    args = ap.parse_args()
    require_data(SHARED / "webster1913.txt.xz", SHARED / "enwiki-sample.xml.bz2", SHARED / "questions-words.txt")
    try:
        import gensim  # noqa: F401
    except ImportError:
        sys.exit("the peer is not installed: pip install gensim (or pip install -e '.[bench]')")
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        text = tmp / "webster.txt"
        text.write_bytes(lzma.open(SHARED / "webster1913.txt.xz").read())
        corpus = tmp / "corpus.words"
        prose = subprocess.run(
            [*TEXTLAB, "wiki", "dump", str(SHARED / "enwiki-sample.xml.bz2")], check=True, capture_output=True
        ).stdout
        words = subprocess.run([*TEXTLAB, "words", str(text), "-"], input=prose, check=True, capture_output=True).stdout
        corpus.write_bytes(words)
        n_words = len(words.split())
        print(
            f"corpus: Webster's 1913 + the English Wikipedia sample, {n_words:,} words; "
            f"100 dims, window 5, 5 negatives, sample 1e-3, min-count 5, alpha {args.alpha}, {args.epochs} epochs, "
            f"{args.workers} workers, {os.cpu_count()} CPUs"
        )
        print(f"{'mode':6} {'what':8} {'seconds':>8} {'words/s':>10} {'PSS MB':>7} {'RSS MB':>7} {'accuracy':>9}")
        limit = None
        for mode in args.modes.split(","):
            ratios, accuracies = [], []
            for run in range(args.repeat):  # the two sides alternate: the machine's load hits both alike
                seed = run + 1  # both sides: run r uses seed r (gensim's 2 workers vary even with one seed)
                peer_out = tmp / f"gensim-{mode}.txt"
                wall, rss, pss, out = measured_tree(
                    [sys.executable, "-c", GENSIM, str(corpus), mode, str(args.epochs), str(peer_out)]
                    + [str(args.workers), str(args.alpha), str(seed)]
                )
                peer_train, peer_wall = float(out.strip().splitlines()[0]), wall
                peer_speed = n_words * args.epochs / peer_train
                peer_accuracy = accuracy(peer_out)
                print(
                    f"{mode:6} {'gensim':8} {peer_train:8.1f} {peer_speed:10,.0f} {pss:7.0f} {rss:7.0f} "
                    f"{peer_accuracy:9.4f}"
                )
                if limit is None:  # 3 x (two vocab x 100 float32 matrices + one int32 id per word)
                    vocab = int(peer_out.read_text().split(" ", 1)[0])
                    limit = 3 * (2 * vocab * 100 * 4 + n_words * 4) / 2**20  # MB as measured(): KB / 1024
                ours_out = tmp / f"textlab-{mode}.txt"
                cmd = [*TEXTLAB, "word2vec", str(corpus), "-o", str(ours_out), "--epochs", str(args.epochs)]
                cmd += ["--quiet", "--workers", str(args.workers), "--alpha", str(args.alpha), "--seed", str(seed)]
                cmd += ["--cbow"] if mode == "cbow" else []
                wall, rss, pss, _ = measured_tree(cmd)
                speed = n_words * args.epochs / wall
                ratios.append(speed / peer_speed)
                ours_accuracy = accuracy(ours_out)
                accuracies.append((ours_accuracy, peer_accuracy))
                print(
                    f"{mode:6} {'textlab':8} {wall:8.1f} {speed:10,.0f} {pss:7.0f} {rss:7.0f} "
                    f"{ours_accuracy:9.4f}   speed {speed / peer_speed:.2f}x gensim "
                    f"(whole processes: {peer_wall:.1f} s against {wall:.1f} s, {peer_wall / wall:.2f}x); "
                    f"memory limit {limit:.0f} MB"
                )
            if args.repeat > 1:
                ours, peer = (statistics.mean(a) for a in zip(*accuracies))
                print(
                    f"{mode:6} over {args.repeat} runs (seeds 1-{args.repeat}): median speed "
                    f"{statistics.median(ratios):.2f}x gensim; mean accuracy {ours:.4f} against {peer:.4f} "
                    f"({100 * (ours - peer):+.2f} points)"
                )


if __name__ == "__main__":
    main()
