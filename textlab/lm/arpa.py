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


def _token(model: LanguageModel, t: int) -> str:
    tok = model.tokens[t]
    if t == model.bos:
        return "<s>"
    if t == model.eos:
        return "</s>"
    if model.trie.unit == "char" and tok.isspace():
        return {" ": "<space>", "\t": "<tab>"}.get(tok, f"<U+{ord(tok):04X}>")  # ARPA fields are space-separated
    return tok


def interpolated(model: LanguageModel) -> Iterator[np.ndarray]:
    """P(w | h) for every n-gram of each order 1..N in turn (each order is computed from the
    one below, so only two are held at a time)."""
    trie = model.trie
    p1 = model.params[1]
    assert p1 is not None
    probs = p1.u + p1.gamma[0] / model.V
    probs[model.bos] = 0.0
    yield probs
    for k in range(2, model.order + 1):
        level, par = trie.levels[k], model.params[k]
        assert level is not None and par is not None and level.suffix is not None
        probs = par.u + par.gamma[level.prefix] * probs[level.suffix]
        yield probs


#: N-grams written a block: its index arrays take about 600 bytes an n-gram (a line of order 5 is
#: ~45 bytes, each indexed by 4): 40 MB a block, which the peak of `lm` pays on top of the model.
BLOCK = 1 << 16


def write_arpa(model: LanguageModel, out: IO[bytes]) -> None:
    """Write ``model`` (Kneser-Ney smoothing) as an ARPA file.

    Lines are made by NumPy a block at a time (see :mod:`textlab.table_writer`): each
    is a list of byte segments, ``log10 p <tab> w1 <space> w2 ... [<tab> back-off] <newline>``,
    pointing into a pool of the tokens' text and the block's numbers, written as Python's
    ``{:.6f}`` writes them."""
    from ..table_writer import fixed, segments, token_pool

    if model.smoothing != "kn":
        raise ParameterError("smoothing", "must be kn: ARPA files hold back-off models")
    if model.order < 1:
        raise ParameterError("order", "must be 1 or more for an ARPA model")
    trie = model.trie
    # tokens the model never predicts (a newline of a line model, say) are not in its vocabulary
    listed = model.predictable.copy()
    listed[model.bos] = True
    sizes = [int(listed.sum())] + [trie.size(k) for k in range(2, model.order + 1)]
    out.write(b"\\data\\\n" + "".join(f"ngram {k}={size}\n" for k, size in enumerate(sizes, start=1)).encode())
    names = [_token(model, t).encode("utf-8") for t in range(model.vocab_size)]
    # each token three times, with the separator that follows it: a space, a tab, a newline
    followers = [b" ", b"\t", b"\n"]
    pool, token_starts, token_widths = token_pool(
        b"".join(names), np.fromiter(map(len, names), np.int64, len(names)), followers
    )
    followed = dict(zip(followers, token_starts))
    name_len = token_widths[0]  # a token and its separator
    for k, probs in enumerate(interpolated(model), start=1):
        out.write(f"\n\\{k}-grams:\n".encode())
        with np.errstate(divide="ignore"):
            logp = np.log10(probs)
        if k == 1:
            logp[model.bos] = -99.0
        bow = None
        if k < model.order:
            par = model.params[k + 1]
            assert par is not None
            with np.errstate(divide="ignore"):
                bow = np.where(par.total > 0, np.log10(np.where(par.gamma > 0, par.gamma, 1.0)), 0.0)
        rows = np.flatnonzero(listed) if k == 1 else None
        count = len(rows) if rows is not None else len(logp)
        for begin in range(0, count, BLOCK):
            at = rows[begin : begin + BLOCK] if rows is not None else np.arange(begin, min(begin + BLOCK, count))
            # the segments of a line: "logp<tab>", "w1 " ... "wk<tab>" (or "wk<newline>"), ["bow<newline>"]
            p_text, p_start, p_width = fixed(logp[at], end=b"\t")
            starts, lengths, source = [len(pool) + p_start], [p_width], [pool, p_text]
            tokens = _tokens(model, k, at)
            for j, token in enumerate(tokens):
                end = b" " if j < k - 1 else b"\t" if bow is not None else b"\n"
                starts.append(followed[end][token])
                lengths.append(name_len[token])
            if bow is not None:
                b_text, b_start, b_width = fixed(bow[at], end=b"\n")
                starts.append(len(pool) + len(p_text) + b_start)
                lengths.append(b_width)
                source.append(b_text)
            out.write(segments(np.concatenate(source), starts, lengths).data)  # written, not copied to bytes
    out.write(b"\n\\end\\\n")


def _tokens(model: LanguageModel, k: int, at: np.ndarray) -> list[np.ndarray]:
    """The token ids of the order-k n-grams ``at``, first to last: the last token of each
    is stored with it, the ones before by walking the prefix links down the orders."""
    if k == 1:
        return [at]
    columns = []
    node = at
    for j in range(k, 1, -1):
        level = model.trie.levels[j]
        assert level is not None
        columns.append(level.last[node])
        node = level.prefix[node]
    columns.append(node)  # an order-1 node is its token
    return columns[::-1]
