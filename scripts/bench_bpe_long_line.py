#!/usr/bin/env python3
"""Peak memory and time of `textlab bpe` on a file that is one huge line, and whether the round trip is exact.

    python scripts/bench_bpe_long_line.py [TEXT] [--mb 100] [--sentencepiece-mb 20] [--model tokenizer.json]

TEXT (default ../shared/data/tinyshakespeare.txt) is repeated, its newlines
replaced by spaces, into a file of --mb MB that is a single line. A small
byte-level model (vocabulary 1000) is trained on TEXT itself, unless
--model gives one. Then, each under /usr/bin/time -v:

  * bpe encode -t MODEL LINE -o ENCODED
  * bpe decode -t MODEL ENCODED -o DECODED   (compared with LINE byte for byte)
  * bpe train LINE (tokenizers, streamed in pieces) with --train
  * bpe train --backend sentencepiece on a --sentencepiece-mb MB single line (0: skip)

Before lines were cut into pieces, encoding a 100 MB line aborted at 14 GB,
and SentencePiece took 101 s on a 20 MB line and did not finish a 100 MB
one in 600 s. Every figure printed is of the whole command, Python's start included.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchutil import SHARED  # scripts/benchutil.py

TEXTLAB = [sys.executable, "-m", "textlab"]


def timed(args: list[str]) -> tuple[float, float]:
    """Wall seconds and peak resident memory (MB) of the command ``args``; its output must go to files."""
    start = time.perf_counter()
    proc = subprocess.run(["/usr/bin/time", "-v", *args], capture_output=True, text=True)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"failed ({proc.returncode}): {' '.join(args)}\n{proc.stderr[-2000:]}")
    for line in proc.stderr.splitlines():
        if "Maximum resident set size" in line:
            return wall, int(line.split(":")[1]) / 1024
    raise RuntimeError("no maximum resident set size in /usr/bin/time output")


def one_line_file(text: str, size: int, path: Path) -> None:
    """``text`` repeated as one line of about ``size`` bytes (and a newline), written in blocks."""
    block = " ".join(text.split("\n")).replace("\r", " ").encode("utf-8") + b" "
    with open(path, "wb") as f:
        left = size
        while left > 0:
            part = block[:left]
            if len(part) < len(block):  # the last part: whole characters only
                part = part.decode("utf-8", errors="ignore").encode("utf-8")
            f.write(part)
            left -= len(block)
        f.write(b"\n")


def newlines(path: Path) -> int:
    with open(path, "rb") as f:
        return sum(block.count(b"\n") for block in iter(lambda: f.read(1 << 22), b""))


def same_bytes(a: Path, b: Path) -> bool:
    if a.stat().st_size != b.stat().st_size:
        return False
    with open(a, "rb") as f, open(b, "rb") as g:
        while True:
            x, y = f.read(1 << 22), g.read(1 << 22)
            if x != y:
                return False
            if not x:
                return True


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("text", nargs="?", type=Path, default=SHARED / "tinyshakespeare.txt")
    ap.add_argument("--mb", type=float, default=100, help="size of the single-line file (MB)")
    ap.add_argument("--model", type=Path, help="a byte-level tokenizer.json to use instead of training one")
    ap.add_argument("--train", action="store_true", help="also train tokenizers on the long line")
    ap.add_argument("--sentencepiece-mb", type=float, default=20, help="train SentencePiece on a line this long")
    args = ap.parse_args()
    if not args.text.exists():
        print(f"skipped: {args.text} not found (get tinyshakespeare.txt, see ../shared/data/README.md)")
        return
    text = args.text.read_text(encoding="utf-8", errors="replace")
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        line = tmp / "line.txt"
        one_line_file(text, int(args.mb * 1e6), line)
        model = args.model
        if model is None:
            model = tmp / "tokenizer.json"
            wall, _ = timed([*TEXTLAB, "bpe", "train", str(args.text), "--vocab-size", "1000", "-o", str(model)])
            print(f"trained a byte-level model (1000 tokens) on {args.text.name} in {wall:.1f} s")
        size = line.stat().st_size / 1e6
        print(f"{'step':<44} {'wall s':>8} {'peak MB':>8}")
        encoded, decoded = tmp / "line.tokens", tmp / "line.decoded"
        steps = [
            (
                f"bpe encode ({size:.0f} MB, one line)",
                ["bpe", "encode", "-t", str(model), str(line), "-o", str(encoded)],
            ),
            ("bpe decode (its tokens)", ["bpe", "decode", "-t", str(model), str(encoded), "-o", str(decoded)]),
        ]
        if args.train:
            steps.append(
                (f"bpe train, tokenizers ({size:.0f} MB line)", ["bpe", "train", str(line), "-o", str(tmp / "t.json")])
            )
        for name, command in steps:
            wall, peak = timed([*TEXTLAB, *command])
            print(f"{name:<44} {wall:8.1f} {peak:8.0f}")
        print(f"round trip exact: {same_bytes(line, decoded)} (lines of tokens: {newlines(encoded)})")
        if args.sentencepiece_mb:
            spm_line = tmp / "spm-line.txt"
            one_line_file(text, int(args.sentencepiece_mb * 1e6), spm_line)
            spm_size = spm_line.stat().st_size / 1e6
            command = ["bpe", "train", "--backend", "sentencepiece", str(spm_line), "--vocab-size", "1000"]
            wall, peak = timed([*TEXTLAB, *command, "-o", str(tmp / "sp.model")])
            print(f"{f'bpe train, sentencepiece ({spm_size:.0f} MB line)':<44} {wall:8.1f} {peak:8.0f}")


if __name__ == "__main__":
    main()
