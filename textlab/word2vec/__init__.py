"""word2vec in NumPy: skip-gram and CBOW with negative sampling.

- ``corpus``  one pass over the text: vocabulary by frequency, the text as an int32 array of ids
- ``train``   the training loop and its update, vectorised over mini-batches of pairs
"""

from .corpus import Corpus, read_corpus
from .train import Settings, fit

__all__ = ["Corpus", "Settings", "fit", "read_corpus"]
