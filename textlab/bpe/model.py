"""One interface over the two BPE backends: a Hugging Face ``tokenizer.json`` or a SentencePiece ``.model``.

``load_model(path)`` recognises the file by its content (JSON, or a
SentencePiece protobuf), so ``-t`` takes either. Encoding works on batches
of lines: the backends encode a batch in parallel in native code, and
Python only joins the resulting pieces.

Pieces are the model's own token strings, which are what makes decoding
exact: a byte-level model writes a space as ``Ġ`` and a newline as ``Ċ``
(GPT-2's convention: every byte has a printable stand-in), SentencePiece
writes a space as ``▁``. Neither ever contains a real space, so a line of
pieces separated by spaces splits back unambiguously.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..errors import DataError, ParameterError


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
        if self.backend == "tokenizers":
            return self.native.token_to_id(piece)
        i = self.native.piece_to_id(piece)
        # SentencePiece answers the <unk> id for anything unknown; only <unk> itself is really it
        return i if i != self.native.unk_id() or piece == self.native.id_to_piece(i) else None

    # -- encoding and decoding --------------------------------------------------------
    def encode_ids(self, lines: Sequence[str]) -> list[list[int]]:
        """Token ids of each line, encoded as a batch."""
        if self.backend == "tokenizers":
            # encode_batch_fast skips the character offsets, which textlab never uses
            return [e.ids for e in self.native.encode_batch_fast(list(lines), add_special_tokens=False)]
        return self.native.encode(list(lines), out_type=int)

    def encode_pieces(self, lines: Sequence[str]) -> list[list[str]]:
        table = self.pieces
        return [[table[i] for i in ids] for ids in self.encode_ids(lines)]

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
                raise DataError(f"{where}{piece!r} is not a token of {self.path}", hint)
            ids.append(i)
        return ids

    def decode(self, batch: Sequence[Sequence[int]]) -> list[str]:
        """The text of each line of ids (special tokens kept, so decoding inverts encoding)."""
        if self.backend == "tokenizers":
            return self.native.decode_batch([list(ids) for ids in batch], skip_special_tokens=False)
        return [self.native.decode(list(ids)) for ids in batch]


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
    head = p.read_bytes()[:64].lstrip()
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
