"""Word vectors on a flat map: principal component analysis to two dimensions, and a text plot.

PCA keeps the two directions along which the chosen vectors vary most: centre
the rows, take the singular value decomposition X = U S Vᵀ, and the first two
columns of U S are the coordinates. Words close in meaning tend to land close
together (only tend: two dimensions keep a fraction of the variance, which
``explained`` reports).
"""

from __future__ import annotations

import numpy as np


def pca_2d(matrix: np.ndarray) -> tuple[np.ndarray, float]:
    """2-D coordinates of the rows, and the share of the variance the two axes keep."""
    x = matrix.astype(np.float64) - matrix.mean(axis=0)
    u, s, _ = np.linalg.svd(x, full_matrices=False)
    coords = u[:, :2] * s[:2]
    if coords.shape[1] < 2:
        coords = np.pad(coords, ((0, 0), (0, 2 - coords.shape[1])))
    total = float((s**2).sum())
    return coords, float((s[:2] ** 2).sum() / total) if total else 1.0


def text_scatter(coords: np.ndarray, labels: list[str], width: int = 78, height: int = 22) -> str:
    """A plot in characters: each word written where its point falls (a word that would
    overlap one already placed is marked with a dot instead)."""
    grid = [[" "] * width for _ in range(height)]
    lo, hi = coords.min(axis=0), coords.max(axis=0)
    span = np.where(hi > lo, hi - lo, 1.0)
    cols = ((coords[:, 0] - lo[0]) / span[0] * (width - 1)).round().astype(int)
    rows = ((hi[1] - coords[:, 1]) / span[1] * (height - 1)).round().astype(int)
    for col, row, label in zip(cols.tolist(), rows.tolist(), labels):
        start = min(col, width - len(label) - 1) if len(label) < width else 0
        cells = grid[row][max(start - 1, 0) : start + len(label) + 1]
        if all(c == " " for c in cells):
            grid[row][start : start + len(label)] = list(label[:width])
        elif grid[row][col] == " ":
            grid[row][col] = "·"
    return "\n".join("".join(r).rstrip() for r in grid)
