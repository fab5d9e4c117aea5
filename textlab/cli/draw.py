"""Pictures in the terminal: a coloured heatmap and a character-grid plot."""

from __future__ import annotations

import numpy as np
from rich.markup import escape
from rich.table import Table
from rich.text import Text

# Five stops of matplotlib's viridis: dark purple -> blue -> green -> yellow.
_STOPS = np.array([[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]], float)
_SHADES = " ░▒▓█"


def _colour(v: float) -> str:
    pos = min(max(v, 0.0), 1.0) * (len(_STOPS) - 1)
    i = min(int(pos), len(_STOPS) - 2)
    r, g, b = (_STOPS[i] + (pos - i) * (_STOPS[i + 1] - _STOPS[i])).round().astype(int)
    return f"rgb({r},{g},{b})"


def heatmap(labels: list[str], values: np.ndarray, plain: bool = False) -> Table:
    """Row and column labels, one two-character cell per pair, coloured by value
    (scaled to the largest); shading characters when ``plain`` (no colours)."""
    peak = float(values.max()) or 1.0
    table = Table(box=None, padding=(0, 0), show_edge=False, header_style="bold")
    table.add_column("", justify="right")
    for label in labels:
        table.add_column(escape(label), justify="center", width=2, no_wrap=True)
    for label, row in zip(labels, values):
        cells: list[Text | str] = [escape(label) + " "]
        for v in row / peak:
            if plain:
                cells.append(_SHADES[min(int(v * len(_SHADES)), len(_SHADES) - 1)] * 2)
            else:
                cells.append(Text("  ", style=f"on {_colour(float(v))}"))
        table.add_row(*cells)
    return table


def colour_scale(peak: float, label: str, plain: bool = False) -> Text:
    """A one-line legend: the colours from 0 to ``peak``."""
    if plain:
        return Text(f"0 {_SHADES} {peak:.3g}  ({label})")
    text = Text("0 ")
    for v in np.linspace(0, 1, 20):
        text.append(" ", style=f"on {_colour(float(v))}")
    text.append(f" {peak:.3g}  ({label})")
    return text


def loglog(xs: np.ndarray, ys: np.ndarray, line: np.ndarray | None = None, width: int = 64, height: int = 18) -> str:
    """A log-log scatter plot drawn with characters: · for points, * for the fitted line."""
    lx, ly = np.log10(xs.astype(float)), np.log10(ys.astype(float))
    x0, x1 = lx.min(), max(lx.max(), lx.min() + 1e-9)
    y0, y1 = ly.min(), max(ly.max(), ly.min() + 1e-9)
    grid = [[" "] * width for _ in range(height)]

    def put(x: np.ndarray, y: np.ndarray, ch: str) -> None:
        cols = np.clip(((x - x0) / (x1 - x0) * (width - 1)).round().astype(int), 0, width - 1)
        rows = np.clip(((y1 - y) / (y1 - y0) * (height - 1)).round().astype(int), 0, height - 1)
        for r, c in set(zip(rows.tolist(), cols.tolist())):
            grid[r][c] = ch

    if line is not None:
        inside = (line > 0) & np.isfinite(line)
        put(lx[inside], np.log10(line[inside]), "*")
    put(lx, ly, "·")
    top, bottom = f"{10**y1:.3g}", f"{10**y0:.3g}"
    pad = max(len(top), len(bottom))
    lines = []
    for i, row in enumerate(grid):
        label = top if i == 0 else bottom if i == height - 1 else ""
        lines.append(f"{label:>{pad}} │{''.join(row)}")
    lines.append(" " * pad + " └" + "─" * width)
    left, right = f"{10**x0:.3g}", f"{10**x1:.3g}"
    lines.append(" " * (pad + 2) + left + " " * max(1, width - len(left) - len(right)) + right)
    lines.append(" " * (pad + 2) + "rank (log scale) →   count (log scale) ↑")
    return "\n".join(lines)
