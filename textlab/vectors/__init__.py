"""Word vectors: reading and writing their files, asking them questions, scoring them.

- ``formats``   the word2vec text and binary formats and GloVe's, read with NumPy
- ``keyed``     ``Vectors``: nearest words, analogies (3CosAdd, 3CosMul), midpoints, the odd one out
- ``evaluate``  analogy accuracy and word-similarity correlation, counted as gensim counts them
- ``project``   PCA to two dimensions, and a plot in characters
"""

from .evaluate import evaluate_analogies, evaluate_similarity
from .keyed import UnknownWord, Vectors

__all__ = ["UnknownWord", "Vectors", "evaluate_analogies", "evaluate_similarity"]
