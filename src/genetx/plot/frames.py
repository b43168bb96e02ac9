"""Exon-frame diagram: exons drawn with their phase, for the reference, the patient and each skip.

Each exon is a box whose edges show the reading-frame phase at its boundaries (the convention of
exon-skipping diagrams): a straight edge for phase 0 (the boundary falls between codons), a
pointed edge for phase 1 and a notched edge for phase 2. Two neighbours fit together when their
shapes match, so an out-of-frame junction is visible. Exons missing from a transcript are drawn
faded (red for the patient's lesion, blue for the skip). matplotlib is imported when drawn.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from genetx.skip.frames import FrameModel

LESION_COLOR = "#D55E00"
SKIP_COLOR = "#0072B2"
EXON_FILL = "#DDDDDD"


@dataclass(frozen=True)
class FrameRow:
    """One transcript to draw.

    Attributes
    ----------
    label
        Row title (``reference``, ``patient: del ex45-50``, ``skip 51``).
    missing
        Exons absent from this transcript.
    skipped
        Of those, the ones removed by the skip (drawn in the skip colour).
    verdict
        Text on the right (``in frame``, ``out of frame at 44-51``).
    ok
        True (in frame), False (out of frame) or None (no verdict) -- colours the verdict.
    """

    label: str
    missing: tuple[int, ...] = ()
    skipped: tuple[int, ...] = ()
    verdict: str = ""
    ok: bool | None = None


def _edge(x: float, y0: float, y1: float, phase: int | None) -> list[tuple[float, float]]:
    """Points of an exon edge at ``x``, top to bottom, shaped by the phase.

    Phase 1 bends the edge to the right and phase 2 to the left, on both sides of an exon, so
    the right edge of one exon and the left edge of the next interlock when their phases agree.
    """
    mid = (y0 + y1) / 2
    if phase == 1:
        return [(x, y1), (x + 0.18, mid), (x, y0)]
    if phase == 2:
        return [(x, y1), (x - 0.18, mid), (x, y0)]
    return [(x, y1), (x, y0)]


def _exon_shape(x0: float, x1: float, y0: float, y1: float, pin: int | None,
                pout: int | None) -> list[tuple[float, float]]:
    """Polygon of an exon: right edge top to bottom, then left edge bottom to top."""
    return [*_edge(x1, y0, y1, pout), *reversed(_edge(x0, y0, y1, pin))]


def _draw_row(ax: Axes, model: FrameModel, exons: Sequence[int], row: FrameRow,
              y: float) -> None:
    from matplotlib.patches import Polygon

    for i, k in enumerate(exons):
        ex = model.exon(k)
        x0, x1 = i + 0.1, i + 0.9
        missing = k in row.missing
        color = (SKIP_COLOR if k in row.skipped else LESION_COLOR) if missing else "#333333"
        fill = "white" if missing else EXON_FILL
        pts = _exon_shape(x0, x1, y - 0.3, y + 0.3, ex.phase_in, ex.phase_out)
        ax.add_patch(Polygon(pts, closed=True, facecolor=fill, edgecolor=color,
                             linestyle="--" if missing else "-", lw=1.0))
        ax.text(i + 0.5, y, str(k), ha="center", va="center", fontsize=7,
                color=color if missing else "black")
    ax.text(-0.3, y, row.label, ha="right", va="center", fontsize=8)
    color = {True: "#009E73", False: LESION_COLOR, None: "#666666"}[row.ok]
    ax.text(len(exons) + 0.2, y, row.verdict, ha="left", va="center", fontsize=8,
            color=color)



def _agg_figure(width: float, height: float) -> Figure:
    """A Figure drawn by the Agg backend (no display, no pyplot state)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(fig)
    return fig

def plot_exon_frames(model: FrameModel, rows: Sequence[FrameRow], *,
                     window: tuple[int, int] | None = None, title: str = "",
                     path: str | Path | None = None, width: float = 11.0) -> Figure:
    """Draw exons with their phases for several transcripts of one gene.

    Parameters
    ----------
    model
        The transcript's frame model (exon phases).
    rows
        Transcripts to draw, top to bottom (:class:`FrameRow`).
    window
        First and last exon shown (default: every exon that is missing in a row, with three
        neighbours on each side; all exons when no row misses one).
    title
        Figure title.
    path
        When given, the figure is also saved there.
    width
        Figure width in inches.

    Returns
    -------
    The matplotlib ``Figure``.
    """
    n = model.n_exons
    if window is None:
        touched = [k for r in rows for k in r.missing]
        if touched:
            window = (max(1, min(touched) - 3), min(n, max(touched) + 3))
        else:
            window = (1, min(n, 30))
    first, last = window
    exons = list(range(first, last + 1))
    fig = _agg_figure(width, 0.9 + 0.7 * len(rows))
    ax = fig.subplots()
    for i, row in enumerate(rows):
        _draw_row(ax, model, exons, row, -i)
    ax.set_xlim(-4.5, len(exons) + 6)
    ax.set_ylim(-len(rows) + 0.4, 0.8)
    ax.set_axis_off()
    ax.set_title(title or f"{model.gene} {model.transcript}: exons {first}-{last} with their "
                 "reading-frame phases (straight edge 0, pointed 1, notched 2)", fontsize=9,
                 loc="left")
    if path is not None:
        fig.savefig(path, dpi=110)
    return fig


__all__ = ["FrameRow", "plot_exon_frames"]
