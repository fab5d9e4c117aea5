"""Rebuild the bundled corpus corpora/wikipedia-en.txt from the English Wikipedia sample dump.

    python scripts/make_corpus.py [../shared/data/enwiki-sample.xml.bz2]

It runs textlab's own dump extractor over the sample (which ships in the
gensim package) and keeps the articles named below, in the order of the
dump; the table it prints (title, page id, revision id) goes into
corpora/README.md, as the CC BY-SA licence asks for attribution.
"""

from __future__ import annotations

import sys
from pathlib import Path

from textlab.io import open_binary
from textlab.wiki import DumpParser, articles

ROOT = Path(__file__).resolve().parent.parent
TITLES = [
    "Aardvark", "Aardwolf", "Amphibian", "Algae", "Alphabet", "ASCII", "Animal Farm",
    "Apollo 11", "Albert Einstein", "Atlantic Ocean", "Agriculture", "Algorithm",
]


def main() -> None:
    dump = sys.argv[1] if len(sys.argv) > 1 else str(ROOT.parent / "shared" / "data" / "enwiki-sample.xml.bz2")
    stream, _ = open_binary(dump)
    parser = DumpParser(stream)
    kept = [a for a in articles(parser, parser.namespaces) if a.title in TITLES]
    missing = set(TITLES) - {a.title for a in kept}
    if missing:
        sys.exit(f"not in the dump: {', '.join(sorted(missing))}")
    target = ROOT / "corpora" / "wikipedia-en.txt"
    target.write_text("".join(f"{a.title}\n{a.text}\n\n" for a in kept), encoding="utf-8")
    words = sum(len(a.text.split()) for a in kept)
    print(f"{target.relative_to(ROOT)}: {len(kept)} articles, {words:,} words, {target.stat().st_size:,} bytes")
    print("| title | page id | revision id | words |\n| --- | ---: | ---: | ---: |")
    for a in kept:
        print(f"| {a.title} | {a.id} | {a.revision} | {len(a.text.split()):,} |")


if __name__ == "__main__":
    main()
