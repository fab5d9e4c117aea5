"""N-gram language models: smoothing, sampling, perplexity, ARPA files.

- ``trie``      counts of orders 1..N in sorted NumPy arrays, from a table or counted from a token stream
- ``model``     ``LanguageModel``: maximum likelihood, add-k, interpolated modified Kneser-Ney
- ``sampling``  temperature, top-k, top-p, seeded draws
- ``text``      training (a table, or a word model's trie from the stream), held-out token streams,
                perplexity, rendering
- ``arpa``      writing a Kneser-Ney model as an ARPA file, its lines made by NumPy
"""
