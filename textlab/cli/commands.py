"""Every command's name, the module that defines it, and its one-line help, in the lecture's order.

The command line lists commands from this table and imports a command's
module only when that command runs (or shows its own help), so `textlab
--help`, `--version` and a one-liner's start pay for one module, not all of
them (click's "lazy loading of subcommands"). A test checks that each line
here matches the command's own help.
"""

from __future__ import annotations

from typing import NamedTuple


class Entry(NamedTuple):
    name: str
    module: str  # in textlab.cli
    help: str


COMMANDS = [
    Entry("corpus", "corpus", "The corpora bundled with textlab (offline): list them, or write one's text."),
    Entry("letters", "letters", "Count each letter (or letter n-gram), most frequent first."),
    Entry("words", "letters", "Turn raw text into one normalised word stream: the input of `ngrams --unit word`."),
    Entry("wiki", "wiki", "Wikipedia as plain text: one article through the API, or every article of a dump."),
    Entry("ngrams", "ngrams", "Count n-grams of characters or words, most frequent first, as a TSV table."),
    Entry("heatmap", "plots", "Draw the letter-pair matrix: rows = first letter, columns = the next letter."),
    Entry("zipf", "plots", "Plot values against their rank on log-log axes and fit the power law: Zipf's exponent."),
    Entry("generate", "generate", "Draw random text from an n-gram model of letters or words."),
    Entry("predict", "generate", "The most probable next tokens after CONTEXT, with their probabilities (the lecture's "
          "TopProbabilities)."),
    Entry("perplexity", "lm", "Perplexity and bits per token of a model on held-out text (FILE), with OOVs counted as "
          "KenLM's query does."),
    Entry("lm", "lm", "Build an interpolated modified Kneser-Ney model and write it in the ARPA format (KenLM, SRILM "
          "read it)."),
    Entry("bpe", "bpe", "Byte-pair-encoding tokenizers: train one on a corpus, encode and decode text, look inside."),
    Entry("word2vec", "word2vec", "Fit word vectors (word2vec: skip-gram or CBOW, negative sampling) on a word "
          "stream."),
    Entry("similar", "vectors", "The words nearest to WORD (cosine similarity); several words: nearest to their mean, "
          "as word2vec's `distance`."),
    Entry("analogy", "vectors", "A is to B as C is to ...? Ranked answers, the three query words left out."),
    Entry("between", "vectors", "The words nearest the midpoint of A and B (the lecture's \"mañana ... noche\")."),
    Entry("odd-one-out", "vectors", "The word that does not belong: the one least similar to the mean of them all "
          "(listed first)."),
    Entry("evaluate", "vectors", "Score word vectors on the standard benchmarks."),
    Entry("map", "vectors", "The \"meaning space\" picture: words placed by the first two principal components of "
          "their vectors."),
    Entry("tour", "tour", "Run the lecture's path (letters, letter pairs, random text, tokens, embeddings, next-word "
          "probabilities) printing each textlab command before its output."),
]  # fmt: skip

BY_NAME = {e.name: e for e in COMMANDS}
