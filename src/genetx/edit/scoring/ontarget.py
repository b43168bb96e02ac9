"""On-target activity models of SpCas9 guides whose weights are published.

* :func:`rule_set_1`: Doench et al. 2014, Nat Biotechnol 32:1262 (doi:10.1038/nbt.3026),
  "Rule Set 1", a logistic regression on a 30-mer ``NNNN + 20-nt protospacer + NGG + NNN``.
* :func:`crisprscan`: Moreno-Mateos et al. 2015, Nat Methods 12:982 (doi:10.1038/nmeth.3543),
  CRISPRscan, a linear model on a 35-mer ``6 nt + 20-nt protospacer + NGG + 6 nt``.

The weights are data files in ``genetx/data/ontarget`` (with their sources). Both functions
reproduce CRISPOR's values (Haeussler et al. 2016, Genome Biol 17:148) for every guide of the
crisporPaper efficiency datasets: CRISPOR prints ``int(100 * value)`` (truncated toward zero) in
its "Doench '14" and "Moreno-Mateos" columns.

Bases other than A, C, G, T in the flanks or the protospacer (``N``) match no feature, as in
CRISPOR. The PAM must be NGG: the models were fitted on NGG sites only.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from genetx.edit.scoring._data import LinearModel, crisprscan_model, rule_set_1_model
from genetx.edit.scoring._encode import encode_batch, encode_one
from genetx.errors import InvalidSequenceError

#: Lengths and PAM positions (0-based start of the ``GG`` of NGG) of the model inputs.
RULE_SET_1_LENGTH = 30
CRISPRSCAN_LENGTH = 35
_RS1_GG = 25
_CS_GG = 27
_CHUNK = 65536


def _check_pam(codes: np.ndarray, gg: int, name: str, seqs: Sequence[str] | None) -> None:
    bad = np.flatnonzero((codes[:, gg] != 2) | (codes[:, gg + 1] != 2))
    if bad.size:
        i = int(bad[0])
        what = f"{name} {seqs[i]!r}" if seqs is not None else name
        if codes.shape[0] > 1:
            what += f" (item {i})"
        msg = f"positions {gg + 1}-{gg + 2} must be the GG of an NGG PAM"
        raise InvalidSequenceError(what, msg)


def _linear_sum(model: LinearModel, codes: np.ndarray) -> np.ndarray:
    """Sum of the position-specific mono- and dinucleotide weights, per row."""
    out = np.empty(codes.shape[0], dtype=np.float64)
    pos = np.arange(model.length)
    for start in range(0, codes.shape[0], _CHUNK):
        c = codes[start:start + _CHUNK].astype(np.intp)
        mono = model.mono[pos, c].sum(axis=1)
        di = model.di[pos[:-1], 5 * c[:, :-1] + c[:, 1:]].sum(axis=1)
        out[start:start + _CHUNK] = mono + di
    return out


def _codes(seqs: Sequence[str] | np.ndarray | str, name: str, length: int,
           gg: int) -> np.ndarray:
    strings = [seqs] if isinstance(seqs, str) else (
        None if isinstance(seqs, np.ndarray) and seqs.dtype.kind in "iu" else list(seqs))
    codes = encode_batch(seqs if strings is None else strings, name, length)
    _check_pam(codes, gg, name, strings)
    return codes


def rule_set_1_batch(seqs: Sequence[str] | np.ndarray | str) -> np.ndarray:
    """Doench 2014 Rule Set 1 activity of many 30-mers (vectorised).

    Parameters
    ----------
    seqs
        30-mers ``NNNN + protospacer + NGG + NNN`` (strings, any case), or base codes
        ``(n, 30)`` (``A=0, C=1, G=2, T=3``, 4 = other).

    Returns
    -------
    float64 array of predicted activities in (0, 1).
    """
    return _rule_set_1(_codes(seqs, "seqs", RULE_SET_1_LENGTH, _RS1_GG))


def _rule_set_1(codes: np.ndarray) -> np.ndarray:
    model = rule_set_1_model()
    gc = ((codes[:, 4:24] == 1) | (codes[:, 4:24] == 2)).sum(axis=1)
    gc_weight = np.where(gc <= 10, model.extra["gc_low"], model.extra["gc_high"])
    score = model.intercept + np.abs(10 - gc) * gc_weight + _linear_sum(model, codes)
    return 1.0 / (1.0 + np.exp(-score))


def rule_set_1(seq30: str) -> float:
    """Doench 2014 Rule Set 1 activity of one guide.

    Parameters
    ----------
    seq30
        The 30-mer: 4 nt 5' flank, 20-nt protospacer, NGG PAM, 3 nt 3' flank.

    Returns
    -------
    Predicted activity in (0, 1); CRISPOR shows ``int(100 * value)``.

    Examples
    --------
    >>> int(100 * rule_set_1("ATTGAAGAGAGACAGTACATGCCCTGGGAG"))
    10
    """
    encode_one(seq30, "seq30", (RULE_SET_1_LENGTH,))
    return float(_rule_set_1(_codes([seq30], "seq30", RULE_SET_1_LENGTH, _RS1_GG))[0])


def crisprscan_batch(seqs: Sequence[str] | np.ndarray | str) -> np.ndarray:
    """Moreno-Mateos 2015 CRISPRscan score of many 35-mers (vectorised).

    Parameters
    ----------
    seqs
        35-mers ``6 nt + protospacer + NGG + 6 nt`` (strings, any case), or base codes
        ``(n, 35)``.

    Returns
    -------
    float64 array of scores (about 0-1; CRISPOR shows ``int(100 * score)``).
    """
    return _crisprscan(_codes(seqs, "seqs", CRISPRSCAN_LENGTH, _CS_GG))


def _crisprscan(codes: np.ndarray) -> np.ndarray:
    model = crisprscan_model()
    return model.intercept + _linear_sum(model, codes)


def crisprscan(seq35: str) -> float:
    """Moreno-Mateos 2015 CRISPRscan score of one guide.

    Parameters
    ----------
    seq35
        The 35-mer: 6 nt 5' flank, 20-nt protospacer, NGG PAM, 6 nt 3' flank.

    Returns
    -------
    The score; CRISPOR shows ``int(100 * score)``.

    Examples
    --------
    >>> round(crisprscan("TCCTCTGGTGGCGCTGCTGGATGGACGGGACTGTA"), 10)
    0.7738634886
    """
    encode_one(seq35, "seq35", (CRISPRSCAN_LENGTH,))
    return float(_crisprscan(_codes([seq35], "seq35", CRISPRSCAN_LENGTH, _CS_GG))[0])


__all__ = [
    "CRISPRSCAN_LENGTH",
    "RULE_SET_1_LENGTH",
    "crisprscan",
    "crisprscan_batch",
    "rule_set_1",
    "rule_set_1_batch",
]
