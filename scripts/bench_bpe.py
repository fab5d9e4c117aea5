#!/usr/bin/env python3
"""Benchmark `textlab bpe train` and `textlab bpe encode` against calling Hugging Face tokenizers directly.

    python scripts/bench_bpe.py [--vocab-size 8000] [--repeat 3]

Corpus: Webster's 1913 (../shared/data), 40 MB of English, written once as
valid UTF-8 (tokenizers' own file reader refuses the original's few
invalid bytes). Both sides use the same settings: byte-level BPE,
vocab_size, min_frequency 2, the 256-byte initial alphabet.

  * train, peer     - Tokenizer(BPE()).train([file], BpeTrainer(...)), in-process
  * train, textlab  - the whole `textlab bpe train FILE -o tokenizer.json` command
  * encode, peer    - read the file, split it into lines, tokenizer.encode_batch(lines), in-process
  * encode, textlab - the whole `textlab bpe encode -t tokenizer.json FILE > /dev/null` command,
                      which also writes every token out
Times are medians of --repeat runs, peer and textlab alternating; the textlab commands include starting Python.
"""

from __future__ import annotations

import argparse
import lzma
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchutil import SHARED, require_data  # scripts/benchutil.py

ROOT = Path(__file__).resolve().parent.parent
TEXTLAB = [sys.executable, "-m", "textlab"]


def paired_medians(peer, ours, repeat: int) -> tuple[float, float]:
    """Median times of two functions run alternately, so drifts in machine load hit both alike."""
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeat):
        for fn, out in ((peer, times[0]), (ours, times[1])):
            t = time.perf_counter()
            fn()
            out.append(time.perf_counter() - t)
    return statistics.median(times[0]), statistics.median(times[1])


def peer_tokenizer(path: Path, vocab_size: int):  # type: ignore[no-untyped-def]
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        min_frequency=2,
        show_progress=False,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
    )
    tok.train([str(path)], trainer)
    return tok


def peer_encode(tok, path: Path) -> None:  # type: ignore[no-untyped-def]
    lines = path.read_text(encoding="utf-8").split("\n")
    tok.encode_batch(lines, add_special_tokens=False)


def run(args: list[str]) -> None:
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--vocab-size", type=int, default=8000)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    src = SHARED / "webster1913.txt.xz"
    require_data(src)
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        corpus = tmp / "webster.txt"
        corpus.write_text(lzma.open(src).read().decode("utf-8", errors="replace"), encoding="utf-8")
        model = tmp / "tokenizer.json"
        mb = corpus.stat().st_size / 1e6
        ours_train = [*TEXTLAB, "bpe", "train", str(corpus), "--vocab-size", str(args.vocab_size), "-o", str(model)]
        t_peer_train, t_ours_train = paired_medians(
            lambda: peer_tokenizer(corpus, args.vocab_size), lambda: run(ours_train), args.repeat
        )
        tok = peer_tokenizer(corpus, args.vocab_size)
        ours_encode = [*TEXTLAB, "bpe", "encode", "-t", str(model), str(corpus)]
        peer_encode(tok, corpus)  # warm
        t_peer_encode, t_ours_encode = paired_medians(
            lambda: peer_encode(tok, corpus), lambda: run(ours_encode), args.repeat
        )
        print(
            f"corpus: Webster's 1913, {mb:.1f} MB; byte-level BPE, vocab {args.vocab_size}; "
            f"{os.cpu_count()} CPUs, median of {args.repeat}"
        )
        print(f"{'what':44} {'seconds':>8} {'textlab / peer':>15}")
        print(f"{'train: tokenizers.train([file]) (peer)':44} {t_peer_train:8.2f}")
        print(f"{'train: textlab bpe train (command)':44} {t_ours_train:8.2f} {t_ours_train / t_peer_train:14.2f}x")
        print(f"{'encode: read + encode_batch(lines) (peer)':44} {t_peer_encode:8.2f}")
        print(
            f"{'encode: textlab bpe encode (command)':44} {t_ours_encode:8.2f} {t_ours_encode / t_peer_encode:14.2f}x"
        )


if __name__ == "__main__":
    main()
