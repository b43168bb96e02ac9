"""Gene map: the transcript's exons, the patient's variant and the designed molecules.

Two panels: the whole transcript (exon ticks, numbered, the variant in red) and, when designs
are given, a zoom on the region they target (exons as numbered boxes, each design as an arrow on
its strand). matplotlib is imported when a map is drawn (``Figure`` without pyplot).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from genetx.genome.models import Transcript
    from genetx.genome.variants import Variant

#: Colours (Okabe-Ito palette, colour-blind safe) by feature kind.
KIND_COLORS: dict[str, str] = {
    "aso": "#0072B2", "guide": "#009E73", "guide_pair": "#009E73", "base_edit": "#CC79A7",
    "pegrna": "#D55E00", "sirna": "#E69F00", "other": "#999999",
}
VARIANT_COLOR = "#D55E00"
EXON_COLOR = "#404040"


@dataclass(frozen=True)
class MapFeature:
    """A designed molecule's target site on the genome (0-based, half-open).

    Attributes
    ----------
    start, end
        Genomic span.
    strand
        ``+`` or ``-``.
    label
        Text next to the arrow.
    kind
        Key of :data:`KIND_COLORS`.
    """

    start: int
    end: int
    strand: str
    label: str
    kind: str = "other"


def _exon_labels(n: int) -> set[int]:
    step = 1 if n <= 20 else 5 if n <= 100 else 10
    return {1, n} | set(range(step, n + 1, step))


def _variant_span(tx: Transcript, variant: Variant | None) -> tuple[int, int] | None:
    if variant is None:
        return None
    if variant.is_exon_level and variant.exon_range:
        a, b = variant.exon_range
        spans = [tx.exons[k - 1] for k in range(a, b + 1) if 1 <= k <= tx.exon_count]
        if spans:
            return min(s for s, _ in spans), max(e for _, e in spans)
    return variant.start, max(variant.end, variant.start + 1)


def _overview(ax: Axes, tx: Transcript, variant: Variant | None) -> None:
    lo, hi = tx.start, tx.end
    pad = max(1, (hi - lo) // 50)
    ax.set_xlim(lo - pad, hi + pad)
    ax.set_ylim(-1.6, 1.8)
    ax.plot([lo, hi], [0, 0], color=EXON_COLOR, lw=1)
    lost: set[int] = set()
    if variant is not None and variant.is_exon_level and variant.exon_range:
        lost = set(range(variant.exon_range[0], variant.exon_range[1] + 1))
    labels = _exon_labels(tx.exon_count)
    width = max(1, (hi - lo) // 600)
    for k, (s, e) in enumerate(tx.exons, start=1):
        color = VARIANT_COLOR if k in lost else EXON_COLOR
        ax.add_patch(_rect(s, -0.5, max(e - s, width), 1.0, color))
        if k in labels:
            ax.text((s + e) / 2, 0.75, str(k), ha="center", va="bottom", fontsize=7)
    span = _variant_span(tx, variant)
    if span is not None and variant is not None:
        s, e = span
        ax.add_patch(_rect(s, -1.2, max(e - s, width), 0.35, VARIANT_COLOR))
        ax.text((s + e) / 2, -1.35, variant.notation, ha="center", va="top", fontsize=8,
                color=VARIANT_COLOR)
    arrow = "\u2192" if tx.strand == "+" else "\u2190"
    ax.set_title(f"{tx.gene} {tx.id} ({tx.chrom}, {tx.strand} strand {arrow}, "
                 f"{tx.exon_count} exons; exon numbers above)", fontsize=9, loc="left")
    ax.set_yticks([])
    ax.ticklabel_format(axis="x", style="plain", useOffset=False)
    ax.tick_params(axis="x", labelsize=7)
    for side in ("left", "right", "top"):
        ax.spines[side].set_visible(False)


def _rect(x: float, y: float, w: float, h: float, color: str) -> object:
    from matplotlib.patches import Rectangle

    return Rectangle((x, y), w, h, facecolor=color, edgecolor="none")


def _zoom(ax: Axes, tx: Transcript, variant: Variant | None,
          features: Sequence[MapFeature]) -> None:
    from matplotlib.patches import FancyArrow

    lo = min(f.start for f in features)
    hi = max(f.end for f in features)
    for s, e in tx.exons:  # show whole exons that the designs touch
        if e > lo and s < hi:
            lo, hi = min(lo, s), max(hi, e)
    pad = max(30, (hi - lo) // 5)
    lo, hi = lo - pad, hi + pad
    ax.set_xlim(lo, hi)
    for k, (s, e) in enumerate(tx.exons, start=1):
        if e <= lo or s >= hi:
            continue
        ax.add_patch(_rect(max(s, lo), -0.4, min(e, hi) - max(s, lo), 0.8, "#BBBBBB"))
        ax.text((max(s, lo) + min(e, hi)) / 2, 0, f"exon {k}", ha="center", va="center",
                fontsize=8)
    ax.plot([lo, hi], [0, 0], color=EXON_COLOR, lw=0.8, zorder=0)
    if variant is not None and not variant.is_exon_level and lo <= variant.start <= hi:
        ax.axvline(variant.start, color=VARIANT_COLOR, lw=1.2)
        ax.text(variant.start, 0.55, variant.notation, color=VARIANT_COLOR, fontsize=7,
                ha="left")
    rows: list[float] = []  # right end (label included) of the last feature in each row
    placed = []
    for f in sorted(features, key=lambda x: x.start):
        right = f.end + (hi - lo) * (0.012 * len(f.label) + 0.01)
        row = next((i for i, end in enumerate(rows) if end < f.start), None)
        if row is None:
            rows.append(right)
            row = len(rows) - 1
        else:
            rows[row] = right
        placed.append((f, row))
    head = max(2, (hi - lo) // 150)
    step = 0.5
    for f, row in placed:
        y = 0.9 + step * row if f.strand == "+" else -0.9 - step * row
        length = f.end - f.start
        x0, dx = (f.start, length) if f.strand == "+" else (f.end, -length)
        ax.add_patch(FancyArrow(x0, y, dx, 0, width=0.14, head_width=0.32,
                                head_length=min(head, length), length_includes_head=True,
                                color=KIND_COLORS.get(f.kind, KIND_COLORS["other"])))
        ax.text(f.end + (hi - lo) / 200, y, f.label, fontsize=6, va="center", ha="left")
    n = max(1, len(rows))
    ax.set_ylim(-1.4 - step * n, 1.4 + step * n)
    ax.set_yticks([])
    ax.set_title("designs (arrows: target-site strand; + above, - below)", fontsize=9,
                 loc="left")
    ax.ticklabel_format(axis="x", style="plain", useOffset=False)
    ax.tick_params(axis="x", labelsize=7)
    ax.set_xlabel(f"{tx.chrom} position (0-based)", fontsize=8)
    for side in ("left", "right", "top"):
        ax.spines[side].set_visible(False)



def _agg_figure(width: float, height: float) -> Figure:
    """A Figure drawn by the Agg backend (no display, no pyplot state)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(fig)
    return fig

def plot_gene_map(transcript: Transcript, *, variant: Variant | None = None,
                  features: Sequence[MapFeature] = (), path: str | Path | None = None,
                  width: float = 11.0) -> Figure:
    """Draw the gene map.

    Parameters
    ----------
    transcript
        The transcript whose exons are drawn.
    variant
        The patient variant (an exon-level change colours its exons; a sequence change is
        marked at its position).
    features
        Designed molecules (:class:`MapFeature`); with any, a second panel zooms on them.
    path
        When given, the figure is also saved there (format by suffix).
    width
        Figure width in inches.

    Returns
    -------
    The matplotlib ``Figure``.
    """
    feats = [f for f in features if f.end > f.start]
    rows = 2 if feats else 1
    fig = _agg_figure(width, 2.2 + (2.6 if feats else 0))
    axes = fig.subplots(rows, 1, squeeze=False, height_ratios=[1, 1.6][:rows])
    _overview(axes[0][0], transcript, variant)
    if feats:
        _zoom(axes[1][0], transcript, variant, feats)
    if path is not None:
        fig.savefig(path, dpi=110)
    return fig


__all__ = ["KIND_COLORS", "MapFeature", "plot_gene_map"]
