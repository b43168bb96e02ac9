"""Nearest-neighbour thermodynamics of RNA duplexes: end stability, seed-duplex Tm, hairpins.

Two published parameter sets are used, each for the purpose its citing method used it:

* **Xia et al. 1998** (Biochemistry 37:14719; ``rna_nn_xia1998.tsv``): free energy of the duplex
  and of its ends (the thermodynamic asymmetry of Schwarz et al. 2003 and Khvorova et al. 2003),
  and the hairpin Tm of Reynolds criterion III (with Turner 2004 hairpin-loop initiation).
* **Freier et al. 1986** (PNAS 83:9373; ``rna_nn_freier1986.tsv``): the seed-duplex Tm of
  Ui-Tei et al. 2008 as siDirect 2.0 computes it,
  ``Tm = 1000*dH / (A + dS + R ln(CT/4)) - 273.15 + 16.6 log10[Na+]`` with A = -10.8,
  CT = 100 uM and [Na+] = 100 mM (constants in ``rules.json``).

Sequences are given 5'->3' on one strand of a perfectly paired duplex; U and T are the same.
Functions taking many sequences work on uint8 code matrices (A0 C1 G2 U3, 4 = other) without a
per-base Python loop.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np

from genetx.core.encode import encode_nt as encode  # A0 C1 G2 T/U 3, other 4
from genetx.errors import InvalidSequenceError

#: Body temperature used for dG37 (K).
T37 = 310.15
#: Gas constant in cal/(K mol).
R_CAL = 1.987

_IDX = {"A": 0, "C": 1, "G": 2, "U": 3, "T": 3}


def encode_many(seqs: list[str]) -> np.ndarray:
    """Code matrix ``(n, L)`` of equal-length sequences."""
    if not seqs:
        return np.zeros((0, 0), dtype=np.uint8)
    length = len(seqs[0])
    if any(len(s) != length for s in seqs):
        where, msg = "sequences", "sequences must all have the same length"
        raise InvalidSequenceError(where, msg)
    flat = encode("".join(seqs))
    return flat.reshape(len(seqs), length)


@dataclass(frozen=True)
class NNParams:
    """Watson-Crick nearest-neighbour parameters indexed by step ``4*top5' + top3'``.

    Attributes
    ----------
    name
        ``xia1998`` or ``freier1986``.
    dh, ds
        Enthalpy (kcal/mol) and entropy (cal/(K mol)) of the 16 steps (each step and its
        reverse complement share a value).
    dg37
        Published dG37 (kcal/mol) of the steps when the source gives one, else dH - T dS.
    init, terminal_au
        ``(dH, dS, dG37)`` of helix initiation and of each terminal A-U pair (zeros when the
        set has none).
    """

    name: str
    dh: np.ndarray
    ds: np.ndarray
    dg37: np.ndarray
    init: tuple[float, float, float]
    terminal_au: tuple[float, float, float]


def _step_index(step: str) -> tuple[int, int]:
    top = step.split("/")[0]
    i = _IDX[top[0]] * 4 + _IDX[top[1]]
    rc = {"A": "U", "C": "G", "G": "C", "U": "A"}
    r = rc[top[1]] + rc[top[0]]
    return i, _IDX[r[0]] * 4 + _IDX[r[1]]


@functools.lru_cache(maxsize=4)
def nn_params(name: str = "xia1998") -> NNParams:
    """The parameter set ``name`` (``xia1998`` or ``freier1986``) from the shipped tables."""
    from genetx.silence.data import nn_table

    dh = np.full(16, np.nan)
    ds = np.full(16, np.nan)
    dg = np.full(16, np.nan)
    extra: dict[str, tuple[float, float, float]] = {}
    for row in nn_table(name):
        h, s = float(row["dH"]), float(row["dS"])
        g = float(row["dG37"]) if row.get("dG37") not in (None, "") else h - T37 * s / 1000.0
        if "/" not in row["step"]:
            extra[row["step"]] = (h, s, g)
            continue
        for i in _step_index(row["step"]):
            dh[i], ds[i], dg[i] = h, s, g
    if np.isnan(dh).any():
        msg = "table does not define all 10 Watson-Crick steps"
        raise InvalidSequenceError(name, msg)
    zero = (0.0, 0.0, 0.0)
    return NNParams(name, dh, ds, dg, extra.get("initiation", zero),
                    extra.get("terminal_AU", zero))


def _steps(codes: np.ndarray) -> np.ndarray:
    c = codes.astype(np.int64)
    return c[:, :-1] * 4 + c[:, 1:]


def _check_codes(codes: np.ndarray, what: str) -> None:
    if codes.size and int(codes.max()) > 3:
        msg = "holds letters other than A, C, G, U/T"
        raise InvalidSequenceError(what, msg)


def duplex_thermo(seqs: list[str] | np.ndarray, params: str = "xia1998") -> np.ndarray:
    """dH (kcal/mol), dS (cal/(K mol)) and dG37 (kcal/mol) of perfectly paired duplexes.

    Sums the stacks of each sequence, helix initiation and one terminal A-U term per A-U end
    (none for sets without those terms). No symmetry term: siRNA duplexes are not
    self-complementary by construction.

    Parameters
    ----------
    seqs
        Equal-length sequences (one strand, 5'->3') or their code matrix.
    params
        ``xia1998`` (default) or ``freier1986``.

    Returns
    -------
    Array ``(n, 3)``.

    Examples
    --------
    >>> round(float(duplex_thermo(["GGAC"])[0, 2]), 2)  # GG/CC + GA/CU + AC/UG + initiation
    -3.76
    """
    codes = seqs if isinstance(seqs, np.ndarray) else encode_many(list(seqs))
    _check_codes(codes, "duplex")
    p = nn_params(params)
    st = _steps(codes)
    ends = (np.isin(codes[:, 0], (0, 3)).astype(int) + np.isin(codes[:, -1], (0, 3)).astype(int))
    out = np.empty((codes.shape[0], 3))
    out[:, 0] = p.dh[st].sum(axis=1) + p.init[0] + ends * p.terminal_au[0]
    out[:, 1] = p.ds[st].sum(axis=1) + p.init[1] + ends * p.terminal_au[1]
    out[:, 2] = p.dg37[st].sum(axis=1) + p.init[2] + ends * p.terminal_au[2]
    return out


def duplex_tm(seq: str, ct: float = 1e-7, params: str = "xia1998") -> float:
    """Tm (degrees C, 1 M NaCl) of a non-self-complementary duplex at total strand conc. ``ct`` (M).

    ``Tm = 1000 dH / (dS + R ln(CT/4)) - 273.15``, the two-state formula of Borer et al. 1974
    as used with the Xia 1998 parameters.
    """
    dh, ds, _ = duplex_thermo([seq], params)[0]
    return 1000.0 * dh / (ds + R_CAL * math.log(ct / 4.0)) - 273.15


def end_dg37(codes: np.ndarray, stacks: int = 4) -> tuple[np.ndarray, np.ndarray]:
    """dG37 (kcal/mol) of the first and last ``stacks`` steps of each duplex (Xia 1998).

    The terminal A-U term is added when the end pair is A-U. The first value is the end with
    the 5' end of the given strand, the second the end with its 3' end (the other strand's
    5' end).
    """
    _check_codes(codes, "duplex")
    p = nn_params("xia1998")
    st = _steps(codes)
    au = p.terminal_au[2]
    left = p.dg37[st[:, :stacks]].sum(axis=1) + np.isin(codes[:, 0], (0, 3)) * au
    right = p.dg37[st[:, -stacks:]].sum(axis=1) + np.isin(codes[:, -1], (0, 3)) * au
    return left, right


@functools.lru_cache(maxsize=1)
def seed_tm_table() -> np.ndarray:
    """Seed-duplex Tm (degrees C) of all 16,384 7-mers, indexed by their 2-bit value.

    The 7-mer is one strand of the seed duplex 5'->3' (first base most significant); a duplex
    and its reverse complement have the same Tm. Freier 1986 stacks and the siDirect 2.0
    constants of ``rules.json`` (``seed_duplex``).
    """
    from genetx.silence.data import rules

    cfg = rules()["seed_duplex"]
    p = nn_params("freier1986")
    k = 7
    vals = np.arange(4**k, dtype=np.int64)
    digits = np.stack([(vals >> (2 * (k - 1 - i))) & 3 for i in range(k)], axis=1)
    st = digits[:, :-1] * 4 + digits[:, 1:]
    dh = p.dh[st].sum(axis=1)
    ds = p.ds[st].sum(axis=1)
    denom = cfg["A"] + ds + cfg["R"] * math.log(cfg["CT"] / 4.0)
    return 1000.0 * dh / denom - 273.15 + 16.6 * math.log10(cfg["Na"])


def kmer_values(codes: np.ndarray) -> np.ndarray:
    """2-bit value of each row of a code matrix (first base most significant)."""
    _check_codes(codes, "k-mer")
    k = codes.shape[1]
    weights = (4 ** np.arange(k - 1, -1, -1)).astype(np.int64)
    return codes.astype(np.int64) @ weights


def seed_tm(seeds: list[str] | np.ndarray) -> np.ndarray:
    """Seed-duplex Tm (degrees C) of 7-nt seeds (strings or a code matrix).

    Examples
    --------
    >>> round(float(seed_tm(["AAAAAAA"])[0]), 1) < 21.5
    True
    """
    codes = seeds if isinstance(seeds, np.ndarray) else encode_many(list(seeds))
    if codes.ndim != 2 or codes.shape[1] != 7:
        where, msg = "seed", "a seed is 7 nt (guide positions 2-8)"
        raise InvalidSequenceError(where, msg)
    return seed_tm_table()[kmer_values(codes)]


def hairpin_tm(codes: np.ndarray, min_stem: int = 2) -> np.ndarray:
    """Tm (degrees C) of the most stable Watson-Crick hairpin of each sequence (NaN: none).

    Stem stacks and the terminal A-U term of the open end from Xia 1998; the loop (3 or more
    bases) adds the Turner 2004 initiation free energy as entropy only
    (``dS = -1000 dG37 / 310.15``). Unimolecular, so ``Tm = 1000 dH / dS``; terminal
    mismatches, special loops and dangling ends are not modelled.
    """
    from genetx.silence import _kernels
    from genetx.silence.data import hairpin_loops

    p = nn_params("xia1998")
    loops = hairpin_loops()
    max_loop = max(loops)
    loop_ds = np.full(max_loop + 1, np.nan)
    for size, dg in loops.items():
        loop_ds[size] = -1000.0 * dg / T37
    return _kernels.hairpin_tm(np.ascontiguousarray(codes, dtype=np.uint8), p.dh, p.ds,
                               p.terminal_au[0], p.terminal_au[1], loop_ds, min_stem)


__all__ = ["R_CAL", "T37", "NNParams", "duplex_thermo", "duplex_tm", "encode", "encode_many",
           "end_dg37", "hairpin_tm", "kmer_values", "nn_params", "seed_tm", "seed_tm_table"]
