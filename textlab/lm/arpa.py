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


def interpolated(model: LanguageModel) -> list[np.ndarray]:
    """P(w | h) for every n-gram of every order (index 1..N; index 0 unused)."""
    trie = model.trie
    probs: list[np.ndarray] = [np.empty(0)]
    p1 = model.params[1]
    assert p1 is not None
    uni = p1.u + p1.gamma[0] / model.V
    uni[model.bos] = 0.0
    probs.append(uni)
    for k in range(2, model.order + 1):
        level, par = trie.levels[k], model.params[k]
        assert level is not None and par is not None
        probs.append(par.u + par.gamma[level.prefix] * probs[k - 1][level.suffix])
    return probs


def write_arpa(model: LanguageModel, out: IO[str]) -> None:
    """Write ``model`` (Kneser-Ney smoothing) as an ARPA file."""
    if model.smoothing != "kn":
        raise ParameterError("smoothing", "must be kn: ARPA files hold back-off models")
    if model.order < 1:
        raise ParameterError("order", "must be 1 or more for an ARPA model")
    trie = model.trie
    probs = interpolated(model)
    # tokens the model never predicts (a newline of a line model, say) are not in its vocabulary
    listed = model.predictable.copy()
    listed[model.bos] = True
    sizes = [int(listed.sum())] + [trie.size(k) for k in range(2, model.order + 1)]
    out.write("\\data\\\n")
    for k, size in enumerate(sizes, start=1):
        out.write(f"ngram {k}={size}\n")
    names = np.array([_token(model, t) for t in range(model.vocab_size)], dtype=object)
    texts = names  # order-1 texts; each order's texts extend the order below
    for k in range(1, model.order + 1):
        out.write(f"\n\\{k}-grams:\n")
        with np.errstate(divide="ignore"):
            logp = np.log10(probs[k])
        if k == 1:
            logp[model.bos] = -99.0
        else:
            level = trie.levels[k]
            assert level is not None
            texts = texts[level.prefix] + " " + names[level.last]
        rows = np.flatnonzero(listed) if k == 1 else np.arange(len(logp))
        cols = [list(map("{:.6f}".format, logp[rows].tolist())), texts[rows].tolist()]
        if k < model.order:
            par = model.params[k + 1]
            assert par is not None
            seen = par.total > 0
            with np.errstate(divide="ignore"):
                bow = np.where(seen, np.log10(np.where(par.gamma > 0, par.gamma, 1.0)), 0.0)
            cols.append(list(map("{:.6f}".format, bow[rows].tolist())))
        out.write("\n".join(map("\t".join, zip(*cols))) + "\n")
    out.write("\n\\end\\\n")
