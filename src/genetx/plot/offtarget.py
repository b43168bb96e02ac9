"""Off-target histogram: sites per mismatch level for each design.

Takes counts already computed (a design's off-target summary), never recomputes them.
matplotlib is imported when the figure is drawn.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from pathlib import Path

    from matplotlib.figure import Figure

_PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442",
            "#000000")


def _agg_figure(width: float, height: float) -> Figure:
    """A Figure drawn by the Agg backend (no display, no pyplot state)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(fig)
    return fig

def plot_mismatch_histogram(counts: Mapping[str, Sequence[int]], *, title: str = "",
                            path: str | Path | None = None, width: float = 8.0) -> Figure:
    """Grouped bars: off-target sites at 0, 1, 2 ... mismatches, one colour per design.

    Parameters
    ----------
    counts
        Design label -> counts per mismatch level (index = mismatches); at most eight designs
        are drawn, in the order given.
    title
        Figure title.
    path
        When given, the figure is also saved there.
    width
        Figure width in inches.

    Returns
    -------
    The matplotlib ``Figure``. With no site at all, the axes say so instead of drawing bars.
    """
    items = list(counts.items())[:8]
    fig = _agg_figure(width, 3.2)
    ax = fig.subplots()
    levels = max((len(c) for _, c in items), default=0)
    n = max(1, len(items))
    bar = 0.8 / n
    total = 0
    for i, (label, c) in enumerate(items):
        xs = [m - 0.4 + bar * (i + 0.5) for m in range(len(c))]
        total += int(sum(c))
        bars = ax.bar(xs, list(c), width=bar, label=label, color=_PALETTE[i % len(_PALETTE)])
        for b, v in zip(bars, c, strict=True):
            if v:
                ax.text(b.get_x() + b.get_width() / 2, v, str(int(v)), ha="center",
                        va="bottom", fontsize=7)
    ax.set_xticks(list(range(levels)))
    ax.set_xticklabels([str(m) for m in range(levels)])
    ax.set_xlabel("mismatches to the designed sequence")
    ax.set_ylabel("off-target sites")
    if total == 0:
        ax.set_ylim(0, 1)
        ax.text(max(levels - 1, 0) / 2, 0.5, "no off-target site within the limit",
                ha="center", va="center", fontsize=10)
    if items:
        ax.legend(fontsize=7, loc="upper left", frameon=False)
    ax.set_title(title, fontsize=9, loc="left")
    for side in ("right", "top"):
        ax.spines[side].set_visible(False)
    if path is not None:
        fig.savefig(path, dpi=110)
    return fig


__all__ = ["plot_mismatch_histogram"]
