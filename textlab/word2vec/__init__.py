"""word2vec in NumPy: skip-gram and CBOW with negative sampling.

- ``corpus``    one pass over the text: vocabulary by frequency, the text as an int32 array of ids
- ``sampling``  the random choices: sub-sampling, shrunk windows, negatives
- ``batch``     one mini-batch's update (skip-gram or CBOW), in matrix products
- ``rows``      a mini-batch's updates summed per weight row, with a cap on stale ones
- ``train``     epochs, the falling learning rate, rounds of mini-batches
- ``crew``      worker processes over shared weights, in lockstep
"""

from .corpus import Corpus, read_corpus
from .train import Settings, fit

__all__ = ["Corpus", "Settings", "fit", "read_corpus"]
