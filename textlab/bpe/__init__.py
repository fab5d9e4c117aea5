"""Byte-pair-encoding tokenizers, trained and used through Hugging Face ``tokenizers`` or SentencePiece.

- ``train``    train either backend on a streamed corpus
- ``model``    one interface to a trained model: batches of lines to ids or pieces, and back
- ``inspect``  the merges in the order they were learned, readable pieces, a text split step by step
"""

from .inspect import Merge, Step, explain, merges, readable
from .model import BPEModel, load_model
from .train import TrainOptions, train_sentencepiece, train_tokenizers

__all__ = [
    "BPEModel",
    "Merge",
    "Step",
    "TrainOptions",
    "explain",
    "load_model",
    "merges",
    "readable",
    "train_sentencepiece",
    "train_tokenizers",
]
