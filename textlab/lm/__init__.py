"""N-gram language models: smoothing, sampling, perplexity, ARPA files.

- ``trie``      counts of orders 1..N in sorted NumPy arrays
- ``model``     ``LanguageModel``: maximum likelihood, add-k, interpolated modified Kneser-Ney
- ``sampling``  temperature, top-k, top-p, seeded draws
- ``text``      training tables, held-out token streams, perplexity, rendering
- ``arpa``      writing a Kneser-Ney model as an ARPA file
"""
