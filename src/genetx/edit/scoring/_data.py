"""Published constants of the CRISPR scores, and loaders for the weight tables shipped in data/.

Sequences are handled as codes ``A=0, C=1, G=2, T=3`` and ``4`` for anything else (``N``), the
codes of :mod:`genetx.genome.packed`. Tables are returned as read-only numpy arrays indexed by
those codes; code 4 never matches a feature.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

DATA_DIR = Path(__file__).resolve().parents[2] / "data"

#: MIT (Hsu-Zhang) off-target position weights, protospacer position 1 (PAM-distal) to 20
#: (PAM-proximal): a mismatch at position ``p`` multiplies the hit score by ``1 - w[p]``.
#: Source: Hsu PD, Scott DA, Weinstein JA, et al. DNA targeting specificity of RNA-guided Cas9
#: nucleases. Nat Biotechnol 31:827-832 (2013), doi:10.1038/nbt.2647; the matrix "M" of the
#: score published on crispr.mit.edu ("Scores of single hits"), as used by CRISPOR.
MIT_WEIGHTS: tuple[float, ...] = (
    0.0, 0.0, 0.014, 0.0, 0.0, 0.395, 0.317, 0.0, 0.389, 0.079,
    0.445, 0.508, 0.613, 0.851, 0.732, 0.828, 0.615, 0.804, 0.685, 0.583,
)

#: CRISPOR's down-weighting of off-targets with a non-NGG PAM (NAG, NGA ...) in the MIT score:
#: "alternative PAMs represent only ~10% of all cleavage events" (Haeussler et al. 2016, Genome
#: Biol 17:148, doi:10.1186/s13059-016-1012-2; crispor.py multiplies the hit score by 0.2).
MIT_ALT_PAM_FACTOR = 0.2

_BASES = "ACGT"
_COMPLEMENT = {"A": "T", "C": "G", "G": "C", "T": "A"}


def _read_tsv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as fh:
        lines = [line for line in fh if not line.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))


def _frozen(a: np.ndarray) -> np.ndarray:
    a.setflags(write=False)
    return a


@cache
def mit_weights() -> np.ndarray:
    """:data:`MIT_WEIGHTS` as a read-only float64 array of length 20."""
    return _frozen(np.asarray(MIT_WEIGHTS, dtype=np.float64))


@cache
def cfd_tables() -> tuple[np.ndarray, np.ndarray]:
    """The CFD tables of Doench et al. 2016 (data/cfd), indexed by base codes.

    Returns
    -------
    mismatch
        float64 ``(20, 4, 4)``: ``mismatch[p, g, s]`` is the factor for guide base ``g`` facing
        off-target protospacer base ``s`` at position ``p`` (0 = PAM-distal); 1.0 where
        ``g == s``.
    pam
        float64 ``(4, 4)``: ``pam[a, b]`` is the factor for PAM ``NAB``.
    """
    mismatch = np.ones((20, 4, 4), dtype=np.float64)
    seen = np.zeros((20, 4, 4), dtype=bool)
    for row in _read_tsv(DATA_DIR / "cfd" / "cfd_mismatch_scores.tsv"):
        pos = int(row["position"]) - 1
        guide = row["rna_base"].replace("U", "T")
        # the key's DNA base pairs with the guide; the off-target protospacer carries its complement
        site = _COMPLEMENT[row["dna_base"]]
        g, s = _BASES.index(guide), _BASES.index(site)
        if g == s or seen[pos, g, s]:
            msg = f"unexpected or repeated key {row['key']}"
            raise ValueError(msg)
        mismatch[pos, g, s] = float(row["score"])
        seen[pos, g, s] = True
    if seen.sum() != 240:
        msg = f"expected 240 mismatch scores, found {int(seen.sum())}"
        raise ValueError(msg)
    pam = np.full((4, 4), np.nan, dtype=np.float64)
    for row in _read_tsv(DATA_DIR / "cfd" / "cfd_pam_scores.tsv"):
        a, b = row["pam_nt2_nt3"]
        pam[_BASES.index(a), _BASES.index(b)] = float(row["score"])
    if np.isnan(pam).any():
        msg = "cfd_pam_scores.tsv does not cover all 16 dinucleotides"
        raise ValueError(msg)
    return _frozen(mismatch), _frozen(pam)


@dataclass(frozen=True)
class LinearModel:
    """A position-specific nucleotide model over a fixed-length sequence, as lookup tables.

    Attributes
    ----------
    length
        Length of the input sequence.
    intercept
        Constant term.
    mono
        float64 ``(length, 5)``: weight of base code ``c`` at position ``p`` (0-based); column 4
        (``N``) is zero.
    di
        float64 ``(length - 1, 25)``: weight of the dinucleotide ``(c1, c2)`` starting at ``p``,
        column ``5 * c1 + c2``; entries with an ``N`` are zero.
    extra
        Other named terms (``gc_low``, ``gc_high`` for Rule Set 1).
    """

    length: int
    intercept: float
    mono: np.ndarray
    di: np.ndarray
    extra: dict[str, float]


def _load_linear(name: str, length: int) -> LinearModel:
    mono = np.zeros((length, 5), dtype=np.float64)
    di = np.zeros((length - 1, 25), dtype=np.float64)
    terms: dict[str, float] = {}
    seen: set[tuple[int, str]] = set()
    for row in _read_tsv(DATA_DIR / "ontarget" / name):
        weight = float(row["weight"])
        if row["term"] != "feature":
            terms[row["term"]] = weight
            continue
        pos, feat = int(row["position"]) - 1, row["sequence"]
        if (pos, feat) in seen or not 0 <= pos <= length - len(feat):
            msg = f"{name}: bad or repeated feature {feat} at {pos + 1}"
            raise ValueError(msg)
        seen.add((pos, feat))
        codes = [_BASES.index(c) for c in feat]
        if len(codes) == 1:
            mono[pos, codes[0]] = weight
        else:
            di[pos, 5 * codes[0] + codes[1]] = weight
    intercept = terms.pop("intercept")
    return LinearModel(length, intercept, _frozen(mono), _frozen(di), terms)


@cache
def rule_set_1_model() -> LinearModel:
    """Doench 2014 Rule Set 1 (data/ontarget/doench2014_rule_set_1.tsv)."""
    return _load_linear("doench2014_rule_set_1.tsv", 30)


@cache
def crisprscan_model() -> LinearModel:
    """Moreno-Mateos 2015 CRISPRscan (data/ontarget/moreno_mateos2015_crisprscan.tsv)."""
    return _load_linear("moreno_mateos2015_crisprscan.tsv", 35)
