"""One interface over the two BPE backends: a Hugging Face ``tokenizer.json`` or a SentencePiece ``.model``.

``load_model(path)`` recognises the file by its content (JSON, or a
SentencePiece protobuf), so ``-t`` takes either. Encoding works on batches
of lines: the backends encode a batch in parallel in native code, and
Python only joins the resulting pieces. :func:`encode_lines` and
:func:`decode_lines` stream a whole text, a line too long for one call
in pieces (textlab.bpe.lines), so memory never follows a line's length.

Pieces are the model's own token strings, which are what makes decoding
exact: a byte-level model writes a space as ``Ġ`` and a newline as ``Ċ``
(GPT-2's convention: every byte has a printable stand-in), SentencePiece
writes a space as ``▁``. Neither ever contains a real space, so a line of
pieces separated by spaces splits back unambiguously.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import DataError, ParameterError
from .lines import batches, pieces, token_cut


class BPEModel:
    """A trained tokenizer: ``encode``/``decode`` batches, the vocabulary, the backend's own object.

    Use :func:`load_model` to open one from a file.
    """

    backend: str

    def __init__(self, path: str, backend: str, native: Any) -> None:
        self.path = path
        self.backend = backend
        self.native = native
        self._pieces: list[str] | None = None
        self._ids: dict[str, int] | None = None
        self._config: dict[str, Any] | None = None
        self._continuing: Any = None
        self._may_start: list[bool] | None = None

    @property
    def config(self) -> dict[str, Any]:
        """A tokenizers model's ``tokenizer.json``, parsed (empty for SentencePiece)."""
        if self._config is None:
            self._config = json.loads(self.native.to_str()) if self.backend == "tokenizers" else {}
        return self._config

    # -- vocabulary ----------------------------------------------------------------
    @property
    def vocab_size(self) -> int:
        if self.backend == "tokenizers":
            return int(self.native.get_vocab_size(with_added_tokens=True))
        return int(self.native.get_piece_size())

    @property
    def pieces(self) -> list[str]:
        """Token id -> piece, for the whole vocabulary."""
        if self._pieces is None:
            if self.backend == "tokenizers":
                table = [""] * self.vocab_size
                for piece, i in self.native.get_vocab(with_added_tokens=True).items():
                    table[i] = piece
                self._pieces = table
            else:
                self._pieces = [self.native.id_to_piece(i) for i in range(self.vocab_size)]
        return self._pieces

    def piece_id(self, piece: str) -> int | None:
        if self._ids is None:
            # one dictionary instead of a call into the backend per token: decoding a line of
            # pieces is then a look-up each (SentencePiece would answer <unk> for any unknown piece)
            self._ids = {p: i for i, p in enumerate(self.pieces) if p}
        return self._ids.get(piece)

    @property
    def unk_id(self) -> int | None:
        """The id of ``<unk>``, which a model without byte fallback encodes a character it lacks as."""
        if self.backend == "tokenizers":
            unk = self.config.get("model", {}).get("unk_token")
            return None if unk is None else self.native.token_to_id(unk)
        i = int(self.native.unk_id())
        return i if i >= 0 else None

    # -- encoding and decoding --------------------------------------------------------
    def encode_ids(self, lines: Sequence[str], continuing: Sequence[bool] | None = None) -> list[list[int]]:
        """Token ids of each line, encoded as a batch.

        ``continuing[i]`` marks ``lines[i]`` as a later piece of a cut line:
        it is encoded without what the model does at the start of a text
        (SentencePiece's dummy-prefix ``▁``), so that its tokens follow on
        from the piece before.
        """
        return self._per_kind(self._encode, lines, continuing)

    def encode_pieces(self, lines: Sequence[str], continuing: Sequence[bool] | None = None) -> list[list[str]]:
        table = self.pieces
        return [[table[i] for i in ids] for ids in self.encode_ids(lines, continuing)]

    def ids_of(self, pieces: Sequence[str], line_number: int = 0) -> list[int]:
        """Ids of a line of pieces; a piece the model lacks is an error naming it."""
        ids = []
        for piece in pieces:
            i = self.piece_id(piece)
            if i is None:
                where = f"line {line_number}: " if line_number else ""
                hint = (
                    "these look like token ids: add --ids"
                    if piece.isdigit()
                    else "was the text encoded with this model?"
                )
                shown = piece if len(piece) <= 40 else piece[:40] + "…"  # the message stays one line
                raise DataError(f"{where}{shown!r} is not a token of {self.path}", hint)
            ids.append(i)
        return ids

    def decode(self, batch: Sequence[Sequence[int]], continuing: Sequence[bool] | None = None) -> list[str]:
        """The text of each line of ids (special tokens kept, so decoding inverts encoding).

        ``continuing`` as for :meth:`encode_ids`: such a line is decoded
        without dropping the space its first token may start with.
        """
        return self._per_kind(self._decode, batch, continuing)

    def may_start(self) -> list[bool]:
        """For each id, whether the decoding of a piece of a line may begin with that token.

        Not a token whose first byte continues a character (a byte-level
        piece such as ``©``, or a byte piece ``<0x97>``): decoded apart from
        the bytes before it, both halves would become U+FFFD.
        """
        if self._may_start is None:
            from .inspect import byte_alphabet, is_byte_level  # inspect imports this module

            table = byte_alphabet() if is_byte_level(self) else {}
            starts = []
            for piece in self.pieces:
                byte = _BYTE_PIECE.fullmatch(piece)
                first = int(byte[1], 16) if byte else table.get(piece[:1])
                starts.append(first is None or not 0x80 <= first <= 0xBF)
            self._may_start = starts
        return self._may_start

    # -- the backends ---------------------------------------------------------------------
    def _per_kind(self, work: Callable[[Any, list], list], items: Sequence, continuing: Sequence[bool] | None) -> list:
        """``work(native, items)``, the continuing items done by the model without its start of text."""
        if not continuing or not any(continuing):
            return work(self.native, list(items))
        out: list = [None] * len(items)
        for native, flag in ((self.native, False), (self._continuing_native(), True)):
            at = [i for i, c in enumerate(continuing) if bool(c) is flag]
            if at:
                for i, result in zip(at, work(native, [items[i] for i in at])):
                    out[i] = result
        return out

    def _encode(self, native: Any, lines: list[str]) -> list[list[int]]:
        if self.backend == "tokenizers":
            # encode_batch_fast skips the character offsets, which textlab never uses
            return [e.ids for e in native.encode_batch_fast(lines, add_special_tokens=False)]
        return native.encode(lines, out_type=int)

    def _decode(self, native: Any, batch: list[Sequence[int]]) -> list[str]:
        if self.backend == "tokenizers":
            return native.decode_batch([list(ids) for ids in batch], skip_special_tokens=False)
        return [native.decode(list(ids)) for ids in batch]

    def _continuing_native(self) -> Any:
        """The backend's object for the later pieces of a cut line: this model without its start of text.

        SentencePiece puts a ``▁`` before every text (``add_dummy_prefix``)
        and drops it again when decoding; a tokenizers Metaspace does the
        same (``prepend_scheme``), and a byte-level pre-tokenizer may add a
        space. In the middle of a line there is no start of text: a piece
        there must be encoded, and decoded, as it stands.
        """
        if self._continuing is None:
            if self.backend == "tokenizers":
                from tokenizers import Tokenizer

                config = json.loads(json.dumps(self.config))
                changed = _without_start_of_text(config)
                self._continuing = Tokenizer.from_str(json.dumps(config)) if changed else self.native
            else:
                import sentencepiece as spm

                # a second normalizer_spec (field 3) merges into the first, as protobuf merges a
                # repeated message field: this one sets only add_dummy_prefix (its field 3) to false
                proto = self.native.serialized_model_proto() + bytes([0x1A, 0x02, 0x18, 0x00])
                processor = spm.SentencePieceProcessor()
                processor.LoadFromSerializedProto(proto)
                self._continuing = processor
        return self._continuing


_BYTE_PIECE = re.compile(r"<0x([0-9A-Fa-f]{2})>")
_SEQUENCE_KEYS = {"pre_tokenizer": "pretokenizers", "normalizer": "normalizers", "decoder": "decoders"}


def _without_start_of_text(config: dict[str, Any]) -> bool:
    """Switch off, in a parsed ``tokenizer.json``, what its parts do at the start of a text only:
    a prepended ``▁`` or space (and, decoding, dropping it again). Whether anything changed."""
    changed = False

    def fix(part: Any, kind: str) -> Any:
        nonlocal changed
        if not isinstance(part, dict):
            return part
        kind_of = part.get("type")
        if kind_of == "Sequence":
            key = _SEQUENCE_KEYS[kind]
            part[key] = [p for p in (fix(p, kind) for p in part.get(key, [])) if p is not None]
        elif kind_of == "Metaspace" and kind != "normalizer":
            if part.get("prepend_scheme", "always") != "never" or part.get("add_prefix_space"):
                part["prepend_scheme"] = "never"
                if "add_prefix_space" in part:
                    part["add_prefix_space"] = False
                changed = True
        elif kind_of == "ByteLevel" and kind == "pre_tokenizer" and part.get("add_prefix_space"):
            part["add_prefix_space"] = False
            changed = True
        elif kind_of == "Prepend" and kind == "normalizer":
            changed = True
            return None
        elif kind_of == "Strip" and kind == "decoder" and part.get("start"):
            part["start"] = 0
            changed = True
        return part

    for kind in _SEQUENCE_KEYS:
        config[kind] = fix(config.get(kind), kind)
    return changed


@dataclass
class Encoded:
    """What :func:`encode_lines` wrote: ``unknown`` is its count of ``<unk>`` tokens, the characters
    the model has no token for (a model without byte fallback), which decoding cannot give back."""

    unknown: int = 0


def encode_lines(
    model: BPEModel, texts: Iterable[str], ids: bool = False, seen: Encoded | None = None
) -> Iterator[str]:
    """``bpe encode``: the tokens of each line of ``texts`` (chunks of text) on a line of their own.

    Tokens are separated by spaces (pieces as the model spells them, or ids
    with ``ids``); a newline ends a line exactly where one ended it in the
    text, so a last line without one stays without. A line longer than
    :data:`~textlab.bpe.lines.MAX_PIECE` characters is encoded in pieces
    (see :mod:`textlab.bpe.lines`) whose tokens are written one after the
    other on its line. Yields chunks of the output; ``seen`` is filled in.
    """
    seen = seen if seen is not None else Encoded()
    unk = model.unk_id
    table = None if ids else model.pieces
    open_line = False  # the current output line has tokens: the next piece's go after a space
    for batch in batches(pieces(texts)):
        rows = model.encode_ids([text for text, _, _ in batch], [not first for _, first, _ in batch])
        out = []
        for (_, first, ended), row in zip(batch, rows):
            if first:
                open_line = False
            if unk is not None:
                seen.unknown += row.count(unk)
            if row:
                if open_line:
                    out.append(" ")
                out.append(" ".join(map(str, row)) if table is None else " ".join([table[i] for i in row]))
                open_line = True
            if ended:
                out.append("\n")
        yield "".join(out)


def decode_lines(model: BPEModel, texts: Iterable[str], ids: bool = False) -> Iterator[str]:
    """``bpe decode``: the text of each line of tokens (as :func:`encode_lines` writes them), exactly.

    A line of tokens longer than :data:`~textlab.bpe.lines.MAX_PIECE`
    characters is decoded in pieces, cut at a space before a token that
    decoding may start with (:meth:`BPEModel.may_start`).
    """
    starts = model.may_start()
    size = model.vocab_size

    def may_start(token: str) -> bool:
        i = (int(token) if token.isdigit() else None) if ids else model.piece_id(token)
        return i is None or not 0 <= i < size or starts[i]  # a bad token: its line's error comes below

    number = 0
    for batch in batches(pieces(texts, cut=token_cut(may_start))):
        rows: list[list[int]] = []
        for text, first, _ in batch:
            if first:
                number += 1
            else:
                text = text[1:]  # the space a line of tokens was cut at
            fields = text.split(" ") if text else []
            if ids:
                try:
                    row = [int(f) for f in fields]
                except ValueError:
                    raise DataError(
                        f"line {number}: expected token ids (whole numbers)", "are these pieces? decode them as pieces"
                    ) from None
                if any(not 0 <= i < size for i in row):
                    raise DataError(f"line {number}: a token id outside the vocabulary (0-{size - 1})")
                rows.append(row)
            else:
                rows.append(model.ids_of(fields, number))
        decoded = model.decode(rows, [not first for _, first, _ in batch])
        yield "".join(text + "\n" if ended else text for text, (_, _, ended) in zip(decoded, batch))


#: A model file larger than this is refused before it is read: both backends read a model whole, and
#: a corpus given as the model by mistake would fill the memory. A tokenizer.json of 2**20 tokens
#: (the most ``bpe train`` makes) is some 50 to 100 MB (50 bytes a token, more for long tokens).
MAX_MODEL_BYTES = 1 << 28


def load_model(path: str, backend: str | None = None) -> BPEModel:
    """Open a ``tokenizer.json`` or a SentencePiece ``.model``, whichever ``path`` is.

    ``backend``, when given, must match the file: asking for SentencePiece
    and passing a ``tokenizer.json`` is an error that says so.
    """
    p = Path(path)
    if not p.exists():
        raise DataError(f"{path}: no such model file", "train one with: textlab bpe train CORPUS -o tokenizer.json")
    if p.is_dir():
        raise DataError(f"{path}: is a directory, not a model file")
    size = p.stat().st_size
    if p.is_file() and size > MAX_MODEL_BYTES:
        raise DataError(
            f"{path}: {size / 1e6:,.0f} MB is too big for a model file (a tokenizer of the largest "
            f"vocabulary textlab trains is well under {MAX_MODEL_BYTES >> 20} MiB)",
            "is it the corpus? give the model with -t, the text as FILE",
        )
    with open(p, "rb") as f:
        head = f.read(64).lstrip()
    found = "tokenizers" if head.startswith(b"{") else "sentencepiece"
    if backend is not None and backend != found:
        names = {"tokenizers": "a tokenizers JSON file", "sentencepiece": "a SentencePiece .model"}
        raise ParameterError(
            "backend",
            f"{backend!r} does not read {path}: it is {names[found]}, not {names[backend]}",
            "leave it out, or give the other file",
        )
    if found == "tokenizers":
        from tokenizers import Tokenizer

        try:
            json.loads(p.read_text(encoding="utf-8"))
            native = Tokenizer.from_file(str(p))
        except (ValueError, Exception) as e:  # tokenizers raises a bare Exception on bad JSON
            raise DataError(f"{path}: not a tokenizer.json that tokenizers can load ({str(e)[:80]})") from None
        return BPEModel(str(p), "tokenizers", native)
    import sentencepiece as spm

    processor = spm.SentencePieceProcessor()
    try:
        processor.Load(str(p))
    except (OSError, RuntimeError):
        raise DataError(f"{path}: neither a tokenizer.json nor a SentencePiece model") from None
    return BPEModel(str(p), "sentencepiece", processor)
