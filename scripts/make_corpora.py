"""Rebuild the corpora that ship inside textlab (``corpora/``, installed as ``textlab.corpora``).

    python scripts/make_corpora.py [SHARED_DATA_DIR]

From the shared data directory (default ``../shared/data``, or
``TEXTLAB_SHARED_DATA``) it writes, xz-compressed:

- ``wikipedia-en.txt.xz``: every article of the English Wikipedia sample dump
  (it ships in the gensim package's test data), extracted by textlab's own
  ``wiki dump`` code: a title line, one paragraph per line, a blank line
  between articles. The attribution table it prints goes into corpora/README.md,
  as CC BY-SA asks.
- ``quijote-es.txt.xz``: Don Quijote de la Mancha, cleaned: the byte-order mark
  dropped, ``\\r\\n`` made ``\\n``, the front and back matter removed (the
  edition's title page and table of contents, and each part's preliminaries:
  tasa, licences, approvals, dedication, prologue, commendatory verses; the
  closing ``Fin``), so the text is the two parts' chapters, and the hard-wrapped
  lines of each paragraph joined, so a line is a paragraph.
- ``questions-words.txt.xz``: the Google analogy questions, unchanged.
"""

from __future__ import annotations

import lzma
import os
import sys
from pathlib import Path

from textlab.io import open_binary
from textlab.wiki import DumpParser, articles

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "corpora"


def write_xz(name: str, text: str) -> Path:
    target = OUT / name
    # preset 9 | extreme: the corpora are written once and read by every classroom
    target.write_bytes(lzma.compress(text.encode("utf-8"), preset=9 | lzma.PRESET_EXTREME))
    return target


def wikipedia(shared: Path) -> None:
    stream, _ = open_binary(str(shared / "enwiki-sample.xml.bz2"))
    parser = DumpParser(stream)
    kept = list(articles(parser, parser.namespaces))
    text = "".join(f"{a.title}\n{a.text}\n\n" for a in kept)
    target = write_xz("wikipedia-en.txt.xz", text)
    words = sum(len(a.text.split()) for a in kept)
    print(
        f"{target.name}: {len(kept)} articles, {words:,} words, {len(text.encode()):,} bytes, "
        f"{target.stat().st_size:,} compressed"
    )
    print("| title | page id | revision id | words |\n| --- | ---: | ---: | ---: |")
    for a in kept:
        print(f"| {a.title} | {a.id} | {a.revision} | {len(a.text.split()):,} |")


def paragraphs(lines: list[str]) -> list[str]:
    """Hard-wrapped lines to paragraphs: ['a b', 'c', '', 'd'] -> ['a b c', 'd']."""
    out: list[str] = []
    current: list[str] = []
    for line in lines + [""]:
        if line.strip():
            current.append(line.strip())
        elif current:
            out.append(" ".join(current))
            current = []
    return out


def quijote(shared: Path) -> None:
    raw = (shared / "quijote.txt").read_bytes().decode("utf-8-sig")
    lines = raw.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    # Part one's novel starts at its own heading; part two's preliminaries run from its
    # title page to its first chapter.
    start = lines.index("Primera parte del ingenioso hidalgo don Quijote de la Mancha")
    second = lines.index("Segunda parte del ingenioso caballero don Quijote de la Mancha", start)
    chapter = next(i for i in range(second, len(lines)) if lines[i].startswith("Capítulo Primero."))
    body = paragraphs(lines[start:second] + lines[second : second + 1] + [""] + lines[chapter:])
    if body[-1] == "Fin":
        body.pop()
    text = "\n".join(body) + "\n"
    target = write_xz("quijote-es.txt.xz", text)
    print(
        f"{target.name}: {len(body):,} paragraphs, {len(text.split()):,} words, {len(text.encode()):,} bytes, "
        f"{target.stat().st_size:,} compressed"
    )


def questions(shared: Path) -> None:
    target = write_xz("questions-words.txt.xz", (shared / "questions-words.txt").read_text(encoding="utf-8"))
    print(f"{target.name}: {target.stat().st_size:,} compressed")


def main() -> None:
    default = os.environ.get("TEXTLAB_SHARED_DATA", str(ROOT.parent / "shared" / "data"))
    shared = Path(sys.argv[1] if len(sys.argv) > 1 else default)
    for name in ("enwiki-sample.xml.bz2", "quijote.txt", "questions-words.txt"):
        if not (shared / name).exists():
            sys.exit(f"make_corpora: {shared / name} not found (pass the shared data directory)")
    wikipedia(shared)
    quijote(shared)
    questions(shared)


if __name__ == "__main__":
    main()
