"""Writing a Kneser-Ney model in the ARPA format (read by KenLM, SRILM, NLTK and others).

ARPA stores, for every n-gram h w, log10 P(w | h) with the interpolation
already folded in, and for every context h its back-off weight log10
gamma(h); a reader computes an unseen P(w | h) as gamma(h) * P(w | h'),
which is exactly interpolated Kneser-Ney for a token unseen after h. So

    P_k(h w) = u_k(h w) + gamma_k(h) * P_{k-1}(h' w)

is computed for all n-grams of an order at once, from the order below.
``<s>`` is written with log probability -99 (it is never predicted) and
``<unk>`` with the mass the model gives unknown tokens, as KenLM does.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO

import numpy as np

from ..errors import ParameterError
from .model import LanguageModel


def arpa_name(token: str, t: int, unit: str) -> str:
    """How token ``token`` (id ``t``: 0 is <s>, 1 is </s>) is written in an ARPA file."""
    if t == 0:
        return "<s>"
    if t == 1:
        return "</s>"
    if unit == "char" and token.isspace():
        return {" ": "<space>", "\t": "<tab>"}.get(token, f"<U+{ord(token):04X}>")  # ARPA fields are space-separated
    return token


def interpolated(model: LanguageModel) -> Iterator[np.ndarray]:
    """P(w | h) for every n-gram of each order 1..N in turn (each order is computed from the
    one below, so only two are held at a time)."""
    trie = model.trie
    p1 = model.params[1]
    assert p1 is not None
    probs = unigram_probabilities(p1.u, p1.gamma[0], model.V, model.bos)
    yield probs
    for k in range(2, model.order + 1):
        level, par = trie.levels[k], model.params[k]
        assert level is not None and par is not None and level.suffix is not None
        probs = par.u + par.gamma[level.prefix] * probs[level.suffix]
        yield probs


def unigram_probabilities(u: np.ndarray, gamma: float, V: int, bos: int) -> np.ndarray:
    """Order 1's P: u, and the rest of the mass (gamma) spread over the V tokens predicted; 0 for <s>."""
    probs = u + gamma / V
    probs[bos] = 0.0
    return probs


#: N-grams written a block: its index arrays take about 600 bytes an n-gram (a line of order 5 is
#: ~45 bytes, each indexed by 4): 40 MB a block, which the peak of `lm` pays on top of the model.
BLOCK = 1 << 16


class ArpaWriter:
    """The text of an ARPA file, written section by section, block by block: the
    in-memory model and the one estimated from disk write theirs through this one writer.

    Lines are made by NumPy a block at a time (see :mod:`textlab.table_writer`): each
    is a list of byte segments, ``log10 p <tab> w1 <space> w2 ... [<tab> back-off] <newline>``,
    pointing into a pool of the tokens' text and the block's numbers, written as Python's
    ``{:.6f}`` writes them."""

    def __init__(self, out: IO[bytes], tokens: list[str], unit: str) -> None:
        from ..table_writer import token_pool

        self.out = out
        names = [arpa_name(token, t, unit).encode("utf-8") for t, token in enumerate(tokens)]
        # each token three times, with the separator that follows it: a space, a tab, a newline
        followers = [b" ", b"\t", b"\n"]
        self.pool, token_starts, token_widths = token_pool(
            b"".join(names), np.fromiter(map(len, names), np.int64, len(names)), followers
        )
        self.followed = dict(zip(followers, token_starts))
        self.name_len = token_widths[0]  # a token and its separator

    def header(self, sizes: list[int]) -> None:
        """The counts of n-grams of each order, 1 to N."""
        text = "".join(f"ngram {k}={size}\n" for k, size in enumerate(sizes, start=1))
        self.out.write(b"\\data\\\n" + text.encode())

    def section(self, k: int) -> None:
        self.out.write(f"\n\\{k}-grams:\n".encode())

    def lines(self, tokens: list[np.ndarray], logp: np.ndarray, bow: np.ndarray | None) -> None:
        """Lines of n-grams whose token ids are the columns ``tokens`` (first to last), with
        their log10 probabilities and, below the top order, their back-off weights."""
        from ..table_writer import fixed, segments

        # the segments of a line: "logp<tab>", "w1 " ... "wk<tab>" (or "wk<newline>"), ["bow<newline>"]
        p_text, p_start, p_width = fixed(logp, end=b"\t")
        starts, lengths, source = [len(self.pool) + p_start], [p_width], [self.pool, p_text]
        k = len(tokens)
        for j, token in enumerate(tokens):
            end = b" " if j < k - 1 else b"\t" if bow is not None else b"\n"
            starts.append(self.followed[end][token])
            lengths.append(self.name_len[token])
        if bow is not None:
            b_text, b_start, b_width = fixed(bow, end=b"\n")
            starts.append(len(self.pool) + len(p_text) + b_start)
            lengths.append(b_width)
            source.append(b_text)
        self.out.write(segments(np.concatenate(source), starts, lengths).data)  # written, not copied to bytes

    def unigrams(self, probs: np.ndarray, listed: np.ndarray, bos: int, bow: np.ndarray | None) -> None:
        """The section of order 1: the ``listed`` tokens, <s> with log10 P -99 (it is never predicted)."""
        self.section(1)
        logp = log10_probabilities(probs)
        logp[bos] = -99.0
        rows = np.flatnonzero(listed)
        for begin in range(0, len(rows), BLOCK):
            at = rows[begin : begin + BLOCK]
            self.lines([at], logp[at], bow[at] if bow is not None else None)

    def end(self) -> None:
        self.out.write(b"\n\\end\\\n")


def log10_probabilities(probs: np.ndarray) -> np.ndarray:
    """An order's log10 P as ARPA writes them (a probability 0 is -inf)."""
    with np.errstate(divide="ignore"):
        return np.log10(probs)


def backoff_weights(gamma: np.ndarray, total: np.ndarray) -> np.ndarray:
    """log10 of the back-off weights gamma of the contexts with a ``total`` (0 for the others)."""
    with np.errstate(divide="ignore"):
        return np.where(total > 0, np.log10(np.where(gamma > 0, gamma, 1.0)), 0.0)


def write_arpa(model: LanguageModel, out: IO[bytes]) -> None:
    """Write ``model`` (Kneser-Ney smoothing) as an ARPA file."""
    if model.smoothing != "kn":
        raise ParameterError("smoothing", "must be kn: ARPA files hold back-off models")
    if model.order < 1:
        raise ParameterError("order", "must be 1 or more for an ARPA model")
    trie = model.trie
    # tokens the model never predicts (a newline of a line model, say) are not in its vocabulary
    listed = listed_unigrams(model.predictable, model.bos)
    writer = ArpaWriter(out, model.tokens, trie.unit)
    writer.header([int(listed.sum())] + [trie.size(k) for k in range(2, model.order + 1)])
    for k, probs in enumerate(interpolated(model), start=1):
        bow = None
        if k < model.order:
            par = model.params[k + 1]
            assert par is not None
            bow = backoff_weights(par.gamma, par.total)
        if k == 1:
            writer.unigrams(probs, listed, model.bos, bow)
            continue
        writer.section(k)
        logp = log10_probabilities(probs)
        for begin in range(0, len(logp), BLOCK):
            at = np.arange(begin, min(begin + BLOCK, len(logp)))
            writer.lines(_tokens(model, k, at), logp[at], bow[at] if bow is not None else None)
    writer.end()


def listed_unigrams(predictable: np.ndarray, bos: int) -> np.ndarray:
    """The tokens an ARPA file lists: those the model predicts, and <s>."""
    listed = predictable.copy()
    listed[bos] = True
    return listed


def _tokens(model: LanguageModel, k: int, at: np.ndarray) -> list[np.ndarray]:
    """The token ids of the order-k n-grams (k >= 2) ``at``, first to last: the last token of each
    is stored with it, the ones before by walking the prefix links down the orders."""
    columns = []
    node = at
    for j in range(k, 1, -1):
        level = model.trie.levels[j]
        assert level is not None
        columns.append(level.last[node])
        node = level.prefix[node]
    columns.append(node)  # an order-1 node is its token
    return columns[::-1]
