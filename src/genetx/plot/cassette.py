"""Linear map of a cassette: one box per element, coloured by category, with a scale in bp.

matplotlib is imported when a map is drawn (``Figure`` without pyplot, so no display backend
is needed).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

    from Bio.SeqRecord import SeqRecord
    from matplotlib.figure import Figure

    from genetx.add.cassette import Cassette
    from genetx.add.rules import RuleEvaluation

#: Box colour of each feature kind (colour-blind-safe Okabe-Ito palette).
COLORS: dict[str, str] = {
    "repeat_region": "#000000", "LTR": "#000000", "promoter": "#E69F00", "enhancer": "#F0E442",
    "intron": "#999999", "regulatory": "#56B4E9", "CDS": "#0072B2", "misc_feature": "#CC79A7",
    "misc_binding": "#D55E00", "polyA_signal": "#009E73",
}


def _features(record: SeqRecord) -> list[tuple[int, int, str, str, int]]:
    out = []
    for f in record.features:
        label = f.qualifiers.get("label", [f.type])[0]
        out.append((int(f.location.start), int(f.location.end), f.type, str(label),
                    -1 if f.location.strand == -1 else 1))
    return sorted(out, key=lambda t: (t[0], -(t[1] - t[0])))


def plot_cassette(cassette: Cassette | SeqRecord, *, title: str | None = None,
                  evaluations: list[RuleEvaluation] | tuple[RuleEvaluation, ...] | None = None,
                  path: str | Path | None = None, width: float = 11.0) -> Figure:
    """Draw a linear map of a cassette (or any annotated record).

    Parameters
    ----------
    cassette
        A :class:`~genetx.add.cassette.Cassette` or a ``SeqRecord`` with features.
    title
        Figure title (default: the record name and length).
    evaluations
        Rule evaluations to list under the map (verdict and message, one line each).
    path
        When given, the figure is also saved there (PNG by the file suffix).
    width
        Figure width in inches.

    Returns
    -------
    The matplotlib ``Figure``.
    """
    try:
        from matplotlib.figure import Figure
        from matplotlib.patches import FancyArrow, Rectangle
    except ModuleNotFoundError:
        from genetx.errors import MissingDataError

        what = "matplotlib"
        msg = "is not installed; reinstall GeneTx with its dependencies: pip install genetx"
        raise MissingDataError(what, msg) from None

    record = cassette.record if hasattr(cassette, "record") else cassette
    n = len(record.seq)
    feats = _features(record)
    lines = [f"{'PASS' if e.passes else 'FAIL'} {e.rule}: {e.message}"
             for e in (evaluations or [])]
    text_h = 0.22 * len(lines)
    height = 2.5 + text_h
    fig = Figure(figsize=(width, height), dpi=110)
    ax = fig.add_axes((0.03, (text_h + 0.25) / height, 0.94, 1.8 / height))
    ax.set_xlim(-0.01 * n, 1.01 * n)
    ax.set_ylim(-1.2, 1.9)
    ax.axhline(0, color="#444444", lw=1.0, zorder=1)
    levels: list[int] = []
    for i, (s, e, ftype, label, strand) in enumerate(feats):
        inner = any(s2 <= s and e <= e2 and (s2, e2) != (s, e) for s2, e2, *_ in feats)
        y, h = (-0.25, 0.5) if not inner else (-0.15, 0.3)
        color = COLORS.get(ftype, "#CC79A7")
        if ftype == "CDS":
            ax.add_patch(FancyArrow(s if strand == 1 else e, 0, (e - s) * strand, 0,
                                    width=0.5, head_width=0.7,
                                    head_length=min(0.04 * n, 0.4 * (e - s)),
                                    length_includes_head=True, color=color, zorder=2))
        else:
            ax.add_patch(Rectangle((s, y), e - s, h, facecolor=color, edgecolor="white",
                                   lw=0.5, zorder=3 if inner else 2))
        level = i % 3
        levels.append(level)
        ty = 0.55 + 0.55 * level
        ax.plot([(s + e) / 2] * 2, [0.3, ty - 0.05], color="#888888", lw=0.5, zorder=1)
        mid = (s + e) / 2
        ha, x = ("left", s) if mid < 0.1 * n else ("right", e) if mid > 0.9 * n else (
            "center", mid)
        ax.text(x, ty, f"{label} ({e - s:,})", ha=ha, va="bottom", fontsize=7)
    step = 10 ** max(len(str(n)) - 2, 1)
    if n / step > 12:
        step *= 5 if n / (step * 5) >= 4 else 2
    for t in range(0, n + 1, step):
        ax.plot([t, t], [-0.45, -0.55], color="#444444", lw=0.6)
        ax.text(t, -0.75, f"{t:,}", ha="center", va="top", fontsize=6)
    ax.axis("off")
    name = record.name or record.id
    fig.suptitle(title or f"{name}: {n:,} bp", fontsize=10, y=1 - 0.08 / height)
    for k, line in enumerate(lines):
        fig.text(0.03, (0.08 + 0.22 * (len(lines) - 1 - k)) / height, line[:160], fontsize=7,
                 color="#006400" if line.startswith("PASS") else "#B00020")
    if path is not None:
        fig.savefig(str(path))
    return fig


__all__ = ["COLORS", "plot_cassette"]
