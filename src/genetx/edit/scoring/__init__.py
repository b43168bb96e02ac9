"""CRISPR guide scores: off-target (CFD, MIT, specificity) and on-target (Rule Set 1, CRISPRscan,
GeneTx's own activity model).

Pure functions on sequences or on arrays of base codes (``A=0, C=1, G=2, T=3``, 4 = other); the
batch versions run numba kernels (off-target) or vectorised numpy (on-target), loaded on first
use. Every constant comes from a cited data file (``genetx/data/cfd``, ``genetx/data/ontarget``)
or :data:`MIT_WEIGHTS`; see :mod:`.offtarget` and :mod:`.ontarget` for the CRISPOR conventions
that the scores reproduce.
"""

from __future__ import annotations

from genetx.edit.scoring.model import activity_score, activity_score_batch
from genetx.edit.scoring.offtarget import (
    MIT_ALT_PAM_FACTOR,
    MIT_WEIGHTS,
    cfd_score,
    cfd_score_batch,
    cfd_specificity,
    count_mismatches,
    count_mismatches_batch,
    mismatch_level_counts,
    mit_score,
    mit_score_batch,
    mit_specificity,
)
from genetx.edit.scoring.ontarget import crisprscan, crisprscan_batch, rule_set_1, rule_set_1_batch

__all__ = [
    "MIT_ALT_PAM_FACTOR",
    "MIT_WEIGHTS",
    "activity_score",
    "activity_score_batch",
    "cfd_score",
    "cfd_score_batch",
    "cfd_specificity",
    "count_mismatches",
    "count_mismatches_batch",
    "crisprscan",
    "crisprscan_batch",
    "mismatch_level_counts",
    "mit_score",
    "mit_score_batch",
    "mit_specificity",
    "rule_set_1",
    "rule_set_1_batch",
]
