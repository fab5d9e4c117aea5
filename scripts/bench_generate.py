#!/usr/bin/env python3
"""Benchmark n-gram language models: textlab against NLTK's ``nltk.lm``, side by side.

    python scripts/bench_generate.py [--repeat 3] [--order 5] [--tokens 10000]

Corpus: the first 1 MB of Tiny Shakespeare (../shared/data), as characters.
What is timed, each the median of --repeat runs in this process:
  * train    - from the text on disk to a model of orders 1..N ready to sample
               (textlab: counting every order in one NumPy pass and building
               the model; NLTK: padded_everygram_pipeline + MLE.fit);
  * generate - drawing --tokens characters from the order-N model, seeded;
  * command  - the whole `textlab generate -n N --length TOKENS FILE` command,
               interpreter start-up included.
The issue's targets: training under 2 s, generating 10,000 tokens under 1 s.
NLTK is slow enough that its generation is timed on --nltk-tokens tokens and
reported per token as well as in total; its training is timed in full.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from benchutil import SHARED, require_data
from benchutil import median_time as timed  # scripts/benchutil.py

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--order", type=int, default=5)
    ap.add_argument("--tokens", type=int, default=10_000)
    ap.add_argument("--nltk-tokens", type=int, default=1_000)
    args = ap.parse_args()
    src = SHARED / "tinyshakespeare.txt"
    require_data(src)

    from textlab.io import TextReader
    from textlab.lm.model import LanguageModel
    from textlab.lm.sampling import Generator, Sampler
    from textlab.lm.text import train_table

    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "shakespeare-1mb.txt"
        corpus.write_bytes(src.read_bytes()[: 1 << 20])
        n = args.order

        def tl_train() -> LanguageModel:
            table = train_table(TextReader([str(corpus)]).chunks(), n, "char")
            return LanguageModel(table, order=n, smoothing="mle")

        t_train, model = timed(tl_train, args.repeat)

        def tl_train_kn() -> LanguageModel:
            table = train_table(TextReader([str(corpus)]).chunks(), n, "char")
            return LanguageModel(table, order=n, smoothing="kn")

        t_train_kn, kn = timed(tl_train_kn, args.repeat)

        def tl_generate() -> list[int]:
            return Generator(model, Sampler(), seed=1).draw([model.bos], args.tokens)

        t_gen, _ = timed(tl_generate, args.repeat)
        t_gen_kn, _ = timed(lambda: Generator(kn, Sampler(), seed=1).draw([kn.bos], args.tokens), args.repeat)
        cmd = [
            sys.executable,
            "-m",
            "textlab",
            "generate",
            "-n",
            str(n),
            "--length",
            str(args.tokens),
            "--seed",
            "1",
            str(corpus),
        ]
        t_cmd, _ = timed(lambda: subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL), args.repeat)

        rows = [
            (f"textlab train char {n}-gram on 1 MB", t_train, "target < 2 s (maximum likelihood)"),
            (f"textlab train char {n}-gram, Kneser-Ney", t_train_kn, "target < 2 s (discounts, continuation counts)"),
            (f"textlab generate {args.tokens:,} chars", t_gen, "target < 1 s (maximum likelihood)"),
            (f"textlab generate {args.tokens:,} chars, Kneser-Ney", t_gen_kn, "every order interpolated"),
            ("textlab generate command (train + draw)", t_cmd, "start-up included"),
        ]
        try:
            from nltk.lm import MLE
            from nltk.lm.preprocessing import padded_everygram_pipeline
        except ImportError:
            print("nltk not installed (pip install nltk): textlab figures only", file=sys.stderr)
            nltk_train = nltk_gen = None
        else:
            lines = [list(line) for line in corpus.read_text(encoding="utf-8").split("\n")]

            def nl_train():  # type: ignore[no-untyped-def]
                grams, vocab = padded_everygram_pipeline(n, lines)
                lm = MLE(n)
                lm.fit(grams, vocab)
                return lm

            nltk_train, lm = timed(nl_train, 1)
            nltk_gen, _ = timed(lambda: lm.generate(args.nltk_tokens, random_seed=1), 1)
            rows.insert(1, ("nltk.lm MLE train (1 run)", nltk_train, f"textlab {nltk_train / t_train:.1f}x faster"))
            per_token = nltk_gen / args.nltk_tokens
            rows.append(
                (
                    f"nltk.lm generate {args.nltk_tokens:,} chars (1 run)",
                    nltk_gen,
                    (
                        f"per token: nltk {per_token * 1e6:.0f} us, textlab {t_gen / args.tokens * 1e6:.1f} us "
                        f"(textlab {per_token / (t_gen / args.tokens):.1f}x faster)"
                    ),
                )
            )

    print(f"corpus: Tiny Shakespeare, first 1 MB; order {n}; median of {args.repeat} (nltk: 1 run)")
    print(f"{'what':44} {'seconds':>8}  note")
    for what, secs, note in rows:
        print(f"{what:44} {secs:8.3f}  {note}")


if __name__ == "__main__":
    main()
