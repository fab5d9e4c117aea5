"""Looking inside a BPE model: its merges in the order they were learned, its
pieces made readable, and how a text is split merge by merge.

A byte-level model's pieces are spelled in GPT-2's byte alphabet: each of
the 256 bytes has a printable stand-in (a space is ``Ġ``, a newline ``Ċ``,
the two bytes of ``é`` are ``Ã©``). ``readable`` turns a piece back into its
bytes and shows them as text, with a space as ``␣``:

>>> readable("Ġcat", byte_level=True), readable("Ã©", byte_level=True), readable("Ã", byte_level=True)
('␣cat', 'é', '<0xC3>')

BPE encodes a word by starting from its single symbols and applying the
learned merges in the order they were learned (the lowest rank first),
until no learned pair is left. ``explain`` records every step:

    c a t s  ->  (rank 12: a + t) c at s  ->  (rank 40: c + at) cat s  ->  ...
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from itertools import pairwise

from ..errors import UsageError
from .model import BPEModel

#: The longest text the command line asks ``explain`` about: its table has a row for every merge
#: applied (up to one a character), each listing all the pieces, so it grows with the square of
#: the length; 2,000 characters make at most some MB (a long text is for ``bpe encode``).
MAX_EXPLAIN = 2000

_VISIBLE = str.maketrans({" ": "␣", "\n": "↵", "\r": "␍", "\t": "⇥", "▁": "␣"})


@cache
def byte_alphabet() -> dict[str, int]:
    """GPT-2's stand-in character for each byte, reversed: character -> byte.

    Printable bytes stand for themselves; the others (controls, space, 127-160,
    173) get the characters from U+0100 on, in order.
    """
    printable = [*range(ord("!"), ord("~") + 1), *range(ord("¡"), ord("¬") + 1), *range(ord("®"), ord("ÿ") + 1)]
    chars = {b: chr(b) for b in printable}
    extra = 0
    for b in range(256):
        if b not in chars:
            chars[b] = chr(256 + extra)
            extra += 1
    return {c: b for b, c in chars.items()}


def readable(piece: str, byte_level: bool) -> str:
    """A piece as a person reads it: real characters, a space as ␣, stray bytes as <0xNN>."""
    if not byte_level:
        return piece.translate(_VISIBLE)
    table = byte_alphabet()
    if any(c not in table for c in piece):  # a special token such as <|endoftext|>
        return piece
    raw = bytes(table[c] for c in piece)
    out, at = [], 0
    while at < len(raw):  # decode what is valid UTF-8, show the rest byte by byte
        try:
            out.append(raw[at:].decode("utf-8"))
            break
        except UnicodeDecodeError as e:
            out.append(raw[at : at + e.start].decode("utf-8"))
            out.append("".join(f"<0x{b:02X}>" for b in raw[at + e.start : at + e.end]))
            at += e.end
    return "".join(out).translate(_VISIBLE)


def is_byte_level(model: BPEModel) -> bool:
    if model.backend != "tokenizers":
        return False
    config = json.loads(model.native.to_str())
    return '"ByteLevel"' in json.dumps([config.get("pre_tokenizer"), config.get("decoder")])


@dataclass
class Merge:
    rank: int
    left: str
    right: str

    @property
    def merged(self) -> str:
        return self.left + self.right


def merges(model: BPEModel) -> list[Merge]:
    """The merges in the order they were learned.

    A ``tokenizer.json`` lists them. A SentencePiece BPE model keeps only its
    pieces, in the order they were learned; each merge is recovered as the
    first split of a piece into two pieces that existed before it.
    """
    if model.backend == "tokenizers":
        config = json.loads(model.native.to_str())
        if config.get("model", {}).get("type") != "BPE":
            raise UsageError(
                f"{model.path} is not a BPE tokenizer (its model is {config.get('model', {}).get('type')})"
            )
        pairs = config["model"].get("merges", [])
        return [Merge(r, *(p.split(" ", 1) if isinstance(p, str) else p)) for r, p in enumerate(pairs)]
    sp = model.native
    rank_of: dict[str, int] = {}
    out: list[Merge] = []
    for i in range(sp.get_piece_size()):
        if sp.is_control(i) or sp.is_unknown(i) or sp.is_byte(i) or sp.is_unused(i):
            continue
        piece = sp.id_to_piece(i)
        if len(piece) == 1:
            continue
        rank_of[piece] = len(out)

        def known(p: str) -> bool:
            return len(p) == 1 or (p in rank_of and rank_of[p] < len(out))

        split = next((k for k in range(1, len(piece)) if known(piece[:k]) and known(piece[k:])), None)
        if split is None:  # a user-defined symbol: not a merge
            del rank_of[piece]
            continue
        out.append(Merge(len(out), piece[:split], piece[split:]))
    return out


@dataclass
class Step:
    """One step of ``explain``: the merge applied (none at step 0) and the pieces after it."""

    step: int
    merge: Merge | None
    pieces: list[str]


def explain(model: BPEModel, text: str) -> list[Step]:
    """How ``text`` is split, merge by merge: step 0 is its single symbols, the last step the tokens.

    Every merge applies at once to all the places it fits; merges apply
    lowest rank first, which is how BPE encodes (for a SentencePiece model,
    the highest-scoring piece first).
    """
    if model.backend == "tokenizers":
        words = [w for w, _ in model.native.pre_tokenizer.pre_tokenize_str(text)]
        rank = {(m.left, m.right): m.rank for m in merges(model)}
    else:
        sp = model.native
        words = ["▁" + text.replace(" ", "▁")]
        # a pair is merged when its concatenation is a piece: the higher its score, the earlier
        scores = {sp.id_to_piece(i): sp.get_score(i) for i in range(sp.get_piece_size()) if not sp.is_byte(i)}
        order = sorted(scores, key=lambda p: -scores[p])
        piece_rank = {p: r for r, p in enumerate(order)}
        rank = None
    symbols = [list(w) for w in words]
    steps = [Step(0, None, [s for w in symbols for s in w])]
    while True:
        best: tuple[int, str, str] | None = None
        for word in symbols:
            for a, b in pairwise(word):
                r = rank.get((a, b)) if rank is not None else piece_rank.get(a + b)
                if r is not None and (best is None or r < best[0]):
                    best = (r, a, b)
        if best is None:
            return steps
        r, a, b = best
        for k, word in enumerate(symbols):
            merged, i = [], 0
            while i < len(word):
                if i + 1 < len(word) and word[i] == a and word[i + 1] == b:
                    merged.append(a + b)
                    i += 2
                else:
                    merged.append(word[i])
                    i += 1
            symbols[k] = merged
        steps.append(Step(len(steps), Merge(r, a, b), [s for w in symbols for s in w]))
