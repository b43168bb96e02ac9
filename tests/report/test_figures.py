"""Figures are built from the result objects; shapes are checked against independent facts.

Exon phases of DMD (NM_004006) are taken from the published exon table (shared reference
facts-catalog section 3.2, from the Leiden/RefSeq exon map): exon 47 phase 0/0, exon 50 0/1,
exon 51 1/0, exon 45 0/2.
"""

from __future__ import annotations

import pytest

pytest.importorskip("matplotlib")


def _polygons(fig) -> list:
    from matplotlib.patches import Polygon

    return [p for ax in fig.axes for p in ax.patches if isinstance(p, Polygon)]


def test_exon_frame_shapes_follow_the_published_phases() -> None:
    from genetx.genome.genes import load_gene
    from genetx.plot.frames import FrameRow, plot_exon_frames
    from genetx.skip.frames import FrameModel

    model = FrameModel.from_transcript(load_gene("DMD").transcript)
    fig = plot_exon_frames(model, [FrameRow("reference")], window=(45, 51))
    polys = _polygons(fig)
    assert len(polys) == 7
    by_exon = dict(zip(range(45, 52), polys, strict=True))
    published = {45: (0, 2), 47: (0, 0), 50: (0, 1), 51: (1, 0)}
    for exon, (pin, pout) in published.items():
        xy = by_exon[exon].get_xy()
        # right edge: 2 points for phase 0, 3 for phases 1 and 2; same for the left edge
        n_right = 2 if pout == 0 else 3
        n_left = 2 if pin == 0 else 3
        assert len(xy) - (1 if (xy[0] == xy[-1]).all() else 0) == n_right + n_left, exon
    # exon 50 ends in phase 1 (pointed right edge) and exon 51 starts in phase 1 (notch):
    # the middle points sit to the right of the straight edge in both, so they interlock
    x50 = by_exon[50].get_xy()
    x51 = by_exon[51].get_xy()
    assert x50[1][0] > x50[0][0]
    left51 = x51[2:5]  # right edge (phase 0) has 2 points, then the left edge upwards
    assert left51[1][0] > left51[0][0]


def test_gene_map_draws_every_exon_and_the_designs(dmd_del_run) -> None:
    from matplotlib.patches import FancyArrow, Rectangle

    from genetx.plot.genemap import plot_gene_map
    from genetx.report.render import _features

    run = dmd_del_run
    feats = _features(run)
    fig = plot_gene_map(run.transcript, variant=run.variant, features=feats)
    overview, zoom = fig.axes
    rects = [p for p in overview.patches if isinstance(p, Rectangle)]
    assert len(rects) == run.transcript.exon_count + 1  # every exon + the variant bar
    arrows = [p for p in zoom.patches if isinstance(p, FancyArrow)]
    assert len(arrows) == len(feats)
    labels = {t.get_text() for t in zoom.texts}
    assert "exon 51" in labels


def test_gene_map_without_designs_has_one_panel(dmd_del_run) -> None:
    from genetx.plot.genemap import plot_gene_map

    fig = plot_gene_map(dmd_del_run.transcript)
    assert len(fig.axes) == 1


def test_mismatch_histogram_bars_match_the_counts(tmp_path) -> None:
    from matplotlib.patches import Rectangle

    from genetx.plot.offtarget import plot_mismatch_histogram

    counts = {"g1": [0, 1, 3, 10, 32], "g2": [0, 0, 2, 5, 9]}
    fig = plot_mismatch_histogram(counts, path=tmp_path / "h.png")
    ax = fig.axes[0]
    bars = [p for p in ax.patches if isinstance(p, Rectangle)]
    heights = sorted(b.get_height() for b in bars)
    assert heights == sorted(counts["g1"] + counts["g2"])
    assert (tmp_path / "h.png").stat().st_size > 1000


def test_mismatch_histogram_says_when_there_is_nothing() -> None:
    from genetx.plot.offtarget import plot_mismatch_histogram

    fig = plot_mismatch_histogram({"aso1": [0, 0, 0]})
    assert any("no off-target site" in t.get_text() for t in fig.axes[0].texts)


def test_figures_of_a_run(dmd_del_run) -> None:
    from genetx.report.render import make_figures
    from genetx.safety.dossier import build_dossiers

    figs = make_figures(dmd_del_run, build_dossiers(dmd_del_run))
    for name in ("gene_map", "exon_frames", "offtarget", "offtarget_transcripts"):
        assert name in figs.images, figs.missing.get(name)
        assert figs.images[name][0].startswith("data:image/png;base64,")
    assert any(k.startswith("cassette:") for k in figs.images)
