#!/usr/bin/env python3
"""Check `textlab evaluate` against gensim's KeyedVectors on the same vectors, side by side.

    pip install -e '.[bench]'          # gensim: a benchmark-only extra
    python scripts/bench_vectors.py [--epochs 1]

Vectors: gensim's Word2Vec (skip-gram, 100 dimensions, window 5, 5 negatives,
min-count 5, 2 workers, seed 1) trained for --epochs on the word stream of
Webster's 1913 (../shared/data), saved in the word2vec text format, then:
  * analogies  - gensim evaluate_word_analogies(questions-words.txt, restrict_vocab=R)
                 against textlab's evaluate_analogies, for R = 30,000 and 50,000 (or the
                 vocabulary, if smaller): questions counted and correct answers, section by section;
  * similarity - gensim evaluate_word_pairs(wordsim353.tsv) against textlab's evaluate_similarity;
  * timing     - each side in-process, median of 3, plus the whole `textlab evaluate analogies` command.
"""

from __future__ import annotations

import argparse
import lzma
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchutil import SHARED, median_time, require_data  # scripts/benchutil.py

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from textlab.io import TextReader  # noqa: E402
from textlab.vectors import (  # noqa: E402
    Vectors,
    evaluate_analogies,
    evaluate_similarity,
    formats,
)
from textlab.words import normalize_words  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--epochs", type=int, default=1)
    args = ap.parse_args()
    try:
        from gensim.models import KeyedVectors, Word2Vec
    except ImportError:
        sys.exit("the peer is not installed: pip install gensim (or pip install -e '.[bench]')")
    questions, pairs = SHARED / "questions-words.txt", SHARED / "wordsim353.tsv"
    require_data(questions, pairs)
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        text = tmp / "webster.txt"
        text.write_bytes(lzma.open(SHARED / "webster1913.txt.xz").read())
        words_file = tmp / "webster.words"
        with open(words_file, "wb") as f:
            for piece in normalize_words(TextReader([str(text)]).chunks()):
                f.write(piece)
        sentences = [line.split() for line in words_file.read_text(encoding="utf-8").splitlines() if line.strip()]
        t = time.perf_counter()
        model = Word2Vec(
            sentences, vector_size=100, window=5, negative=5, min_count=5, sg=1, workers=2, epochs=args.epochs, seed=1
        )
        print(
            f"vectors: gensim skip-gram on Webster's words, {args.epochs} epoch(s), {len(model.wv):,} words "
            f"x 100 ({time.perf_counter() - t:.0f} s to train)"
        )
        path = tmp / "vectors.txt"
        model.wv.save_word2vec_format(str(path))
        kv = KeyedVectors.load_word2vec_format(str(path))
        ours = Vectors(*formats.load(str(path)))
        for restrict in (30_000, 50_000):
            restrict = min(restrict, len(ours))
            t_peer, (score, sections) = median_time(
                lambda restrict=restrict: kv.evaluate_word_analogies(str(questions), restrict_vocab=restrict)
            )
            t_ours, result = median_time(lambda restrict=restrict: evaluate_analogies(ours, str(questions), restrict))
            peer_sections = {
                s["section"]: (len(s["correct"]), len(s["correct"]) + len(s["incorrect"]))
                for s in sections
                if s["section"] != "Total accuracy"
            }
            our_sections = {s.name: (s.correct, s.total) for s in result.sections}
            differ = [name for name in peer_sections if peer_sections[name] != our_sections.get(name)]
            total = result.total()
            print(
                f"analogies, restrict_vocab={restrict:,}: gensim {score:.4f} in {t_peer:.2f} s; "
                f"textlab {total.accuracy:.4f} ({total.correct:,}/{total.total:,}) in {t_ours:.2f} s; "
                f"{t_peer / t_ours:.0f}x faster; sections that differ: {differ or 'none'}"
            )
        t_peer, (pearson, spearman, oov_ratio) = median_time(lambda: kv.evaluate_word_pairs(str(pairs)))
        t_ours, sim = median_time(lambda: evaluate_similarity(ours, str(pairs)))
        print(
            f"similarity: gensim spearman {spearman[0]:.6f} pearson {pearson[0]:.6f} oov {oov_ratio:.2f}% "
            f"in {t_peer:.3f} s; textlab spearman {sim.spearman:.6f} pearson {sim.pearson:.6f} "
            f"oov {100 * sim.oov / (sim.pairs + sim.oov):.2f}% in {t_ours:.3f} s"
        )
        cmd = [sys.executable, "-m", "textlab", "evaluate", "analogies", "-v", str(path), str(questions)]
        t_cmd, _ = median_time(lambda: subprocess.run(cmd, check=True, capture_output=True))
        print(
            f"the whole `textlab evaluate analogies` command (loading {len(ours):,} x 100 vectors from text "
            f"included): {t_cmd:.2f} s"
        )


if __name__ == "__main__":
    main()
