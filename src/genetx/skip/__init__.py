"""Exon skipping and exon deletion: find the skips that restore a broken reading frame.

* :mod:`genetx.skip.frames` -- pure reading-frame arithmetic over exon lengths and phases;
* :mod:`genetx.skip.strategies` -- frame-restoring skips for a patient variant, with cited
  drugs, patient shares and cautions (:func:`plan_skips`);
* :mod:`genetx.skip.aso` -- candidate antisense oligonucleotides for an exon, with GC,
  self-complementarity and off-target matches in a transcript set (:func:`design_asos`);
* :mod:`genetx.skip.data` -- the cited facts in ``genetx/data/skip``.

The submodules are imported on first use, so ``import genetx.skip`` stays light (the ASO
designer needs numpy and pandas).
"""

from __future__ import annotations

from genetx._lazy import lazy_exports

_EXPORTS = {
    "FrameModel": "genetx.skip.frames",
    "FrameCheck": "genetx.skip.frames",
    "check_order": "genetx.skip.frames",
    "deletion_frame": "genetx.skip.frames",
    "duplication_frame": "genetx.skip.frames",
    "removal_frame": "genetx.skip.frames",
    "Lesion": "genetx.skip.strategies",
    "SkipPlan": "genetx.skip.strategies",
    "Strategy": "genetx.skip.strategies",
    "plan_skips": "genetx.skip.strategies",
    "plan_lesion": "genetx.skip.strategies",
    "deletion_check": "genetx.skip.strategies",
    "breakpoint_introns": "genetx.skip.strategies",
    "AsoDesign": "genetx.skip.aso",
    "design_asos": "genetx.skip.aso",
}

__getattr__ = lazy_exports(__name__, _EXPORTS)
__all__ = sorted(_EXPORTS)
