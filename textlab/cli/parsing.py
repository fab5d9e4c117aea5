"""The command line's own little syntaxes: ``--orders 1-3,5``, ``--fit-range 1-1000``, ``--alphabet a-eñ``.

They are the CLI's business, so they live here and their errors name the
options; the library takes the parsed values (a list of orders, a pair of
ranks, a list of letters).
"""

from __future__ import annotations

from ..alphabets import ALPHABETS
from ..errors import UsageError


def parse_orders(n: int | None, orders: str | None) -> list[int]:
    """``-n 3`` -> [3]; ``--orders 1-3`` -> [1, 2, 3]; ``--orders 2,4`` -> [2, 4].

    >>> parse_orders(None, "1-3,5")
    [1, 2, 3, 5]
    """
    if orders is None:
        if n is None or n < 1:
            raise UsageError("-n must be at least 1")
        return [n]
    from ..counting import MAX_ORDER

    out: set[int] = set()
    for part in orders.split(","):
        lo, _, hi = part.partition("-")
        try:
            low, high = int(lo), int(hi or lo)
        except ValueError:
            raise UsageError(f"--orders {orders!r}: expected a range like 1-3 or a list like 1,2,5") from None
        if high < low:
            raise UsageError(f"--orders {orders!r}: write a range low to high, e.g. {high}-{low}")
        if high > MAX_ORDER:  # before range() makes a list of a billion orders
            raise UsageError(f"--orders {orders!r}: orders go up to {MAX_ORDER}")
        out.update(range(low, high + 1))
    if not out or min(out) < 1:
        raise UsageError(f"--orders {orders!r}: orders start at 1")
    return sorted(out)


def parse_range(spec: str) -> tuple[int, int]:
    """``--fit-range FIRST-LAST``: ``"1-1000"`` -> (1, 1000)."""
    lo, _, hi = spec.partition("-")
    try:
        a, b = int(lo), int(hi)
    except ValueError:
        raise UsageError(f"--fit-range {spec!r}: expected FIRST-LAST ranks, like 1-1000") from None
    if not 1 <= a < b:
        raise UsageError(f"--fit-range {spec!r}: need 1 <= FIRST < LAST")
    return a, b


def parse_alphabet(spec: str) -> list[str]:
    """``--alphabet``: a name (``a-z``, ``es``) or the letters themselves, with ranges (``aeiou``, ``a-eñ``).

    >>> parse_alphabet("a-e")
    ['a', 'b', 'c', 'd', 'e']
    """
    if spec in ALPHABETS:
        return list(ALPHABETS[spec])
    out: list[str] = []
    i = 0
    while i < len(spec):
        if i + 2 < len(spec) and spec[i + 1] == "-":
            lo, hi = ord(spec[i]), ord(spec[i + 2])
            if hi < lo:
                raise UsageError(f"--alphabet {spec!r}: range {spec[i : i + 3]} runs backwards")
            out.extend(chr(c) for c in range(lo, hi + 1))
            i += 3
        else:
            out.append(spec[i])
            i += 1
    if not out:
        raise UsageError("--alphabet is empty")
    return list(dict.fromkeys(out))


_SIZE_UNITS = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}


def parse_size(option: str, spec: str) -> int:
    """A size in bytes: ``64M`` -> 67108864 (K, M, G, T are powers of 1024; a trailing B is allowed).

    >>> parse_size("--partition-size", "1.5K"), parse_size("--partition-size", "300MB")
    (1536, 314572800)
    """
    text = spec.strip().upper().removesuffix("B")
    unit = text[-1:] if text[-1:] in _SIZE_UNITS else ""
    try:
        value = float(text[: len(text) - len(unit)])
    except ValueError:
        raise UsageError(f"{option} {spec!r}: expected a size like 64M, 2G or 500000") from None
    size = int(value * _SIZE_UNITS[unit])
    if size < 1:
        raise UsageError(f"{option} {spec!r}: must be at least one byte")
    return size
