"""Pictures as image files (PNG, SVG) with matplotlib.

matplotlib is imported only when a picture is actually written (it costs
about half a second), always with the non-interactive Agg backend so it works
on machines without a screen. ``save_figure`` picks the format from the file
name and writes atomically, like every textlab output.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import numpy as np

from .errors import UsageError
from .io import atomic_output

FORMATS = (".png", ".svg", ".pdf")


def pyplot() -> Any:
    """matplotlib.pyplot with the Agg backend (imported on first use)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def check_image_path(path: str) -> str:
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise UsageError(f"{path}: the image format comes from the name; use .png, .svg or .pdf")
    return suffix[1:]


def save_figure(fig: Any, path: str) -> None:
    """Write ``fig`` to ``path`` (format from the suffix), atomically, and close it."""
    fmt = check_image_path(path)
    try:
        with atomic_output(path, binary=True) as f, warnings.catch_warnings():
            # a letter the font lacks is drawn as a box; matplotlib's warning about it is noise
            warnings.filterwarnings("ignore", message="Glyph .* missing from font")
            fig.savefig(f, format=fmt, bbox_inches="tight", dpi=150)
    finally:
        pyplot().close(fig)


def heatmap_figure(matrix: np.ndarray, labels: list[str], title: str, colorbar_label: str) -> Any:
    """A labelled square heatmap with a colour bar: rows = first letter, columns = next letter."""
    plt = pyplot()
    size = max(5.0, 0.28 * len(labels) + 2)
    fig, ax = plt.subplots(figsize=(size + 1.2, size))
    im = ax.imshow(matrix, cmap="viridis", interpolation="nearest")
    ax.set_xticks(range(len(labels)), labels=labels)
    ax.set_yticks(range(len(labels)), labels=labels)
    ax.xaxis.tick_top()
    ax.xaxis.set_label_position("top")
    ax.set_xlabel("next letter")
    ax.set_ylabel("first letter")
    ax.set_title(title, pad=28)
    fig.colorbar(im, ax=ax, fraction=0.046, pad=0.04, label=colorbar_label)
    return fig


def zipf_figure(counts: np.ndarray, fit: Any, title: str) -> Any:
    """Frequency against rank on log-log axes, with the fitted power law over its range."""
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(7, 5))
    ranks = np.arange(1, len(counts) + 1)
    ax.loglog(ranks, counts, ".", markersize=3, label="observed")
    r = np.arange(fit.lo, fit.hi + 1)
    ax.loglog(r, fit.predict(r), "-", color="crimson", label=f"fit: count ∝ rank^-{fit.exponent:.2f}")
    ax.set_xlabel("rank")
    ax.set_ylabel("count")
    ax.set_title(title)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    return fig


def scatter_figure(coords: np.ndarray, labels: list[str], title: str, explained: float) -> Any:
    """Words as labelled points on the plane of their first two principal components."""
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(8, 6.5))
    ax.scatter(coords[:, 0], coords[:, 1], s=12, color="tab:blue")
    for (x, y), label in zip(coords.tolist(), labels):
        ax.annotate(label, (x, y), xytext=(3, 3), textcoords="offset points", fontsize=9)
    ax.set_xlabel("first principal component")
    ax.set_ylabel("second principal component")
    ax.set_title(f"{title} ({explained:.0%} of the variance)")
    return fig


def bars_figure(labels: list[str], series: list[tuple[str, Any]], title: str, xlabel: str, ylabel: str) -> Any:
    """Bars per label (the lecture's letter-frequency chart); several series stand side by side.

    Parameters
    ----------
    labels:
        The x axis, left to right (e.g. letters, most frequent first).
    series:
        ``(name, values)`` pairs, each ``values`` (a sequence of numbers) as long as ``labels``. With
        more than one series, a legend names them.
    title, xlabel, ylabel:
        The chart's title and axis labels.
    """
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(max(6.0, 0.22 * len(labels) * len(series) + 2.5), 4.5))
    x = np.arange(len(labels))
    width = 0.8 / len(series)
    for i, (name, values) in enumerate(series):
        # centre the group of bars on the label's tick
        ax.bar(x + (i - (len(series) - 1) / 2) * width, values, width, label=name)
    ax.set_xticks(x, labels=labels)
    ax.set_xlim(-0.6, len(labels) - 0.4)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.grid(True, axis="y", alpha=0.3)
    ax.set_axisbelow(True)
    if len(series) > 1:
        ax.legend()
    return fig
