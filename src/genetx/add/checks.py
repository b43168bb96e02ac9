"""Plain sequence checks, written independently of the optimiser.

The codon optimiser (:mod:`genetx.add.codon`) states its constraints to DNA Chisel; this module
re-evaluates the same properties with its own code (numpy and regular expressions), so a design
is accepted only when both agree. It also computes the metrics reported before and after
optimisation: GC, CpG count, the codon adaptation index (CAI) and the longest homopolymer.

Every function takes an upper-case A/C/G/T string; positions are 0-based, half-open.
"""

from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

import numpy as np

from genetx.core.seq import iupac_regex, reverse_complement, translate

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

_LUT = np.full(256, 255, dtype=np.uint8)
for _i, _b in enumerate("ACGT"):
    _LUT[ord(_b)] = _i
    _LUT[ord(_b.lower())] = _i


def _codes(seq: str) -> np.ndarray:
    return _LUT[np.frombuffer(seq.encode("ascii"), dtype=np.uint8)]


def gc_fraction(seq: str) -> float:
    """Fraction of G and C (0 for an empty sequence)."""
    c = _codes(seq)
    return float(np.count_nonzero((c == 1) | (c == 2)) / len(c)) if len(c) else 0.0


def cpg_positions(seq: str) -> np.ndarray:
    """0-based positions of the C of every CpG dinucleotide.

    Examples
    --------
    >>> cpg_positions("ACGTTCGA").tolist()
    [1, 5]
    """
    c = _codes(seq)
    if len(c) < 2:
        return np.zeros(0, dtype=np.int64)
    return np.flatnonzero((c[:-1] == 1) & (c[1:] == 2))


def cpg_observed_expected(seq: str) -> float:
    """CpG observed/expected ratio, ``n(CG) * L / (n(C) * n(G))`` (Gardiner-Garden & Frommer
    1987 J Mol Biol 196:261); 0 when the sequence has no C or no G."""
    c = _codes(seq)
    n_c = int(np.count_nonzero(c == 1))
    n_g = int(np.count_nonzero(c == 2))
    if not n_c or not n_g:
        return 0.0
    return len(cpg_positions(seq)) * len(c) / (n_c * n_g)


def gc_window_violations(seq: str, lo: float, hi: float,
                         window: int) -> list[tuple[int, int, float]]:
    """Windows of ``window`` bases whose GC fraction is outside ``[lo, hi]``.

    Returns
    -------
    ``(start, end, gc)`` of every offending window, merged into maximal runs of consecutive
    offending window starts (``gc`` is the worst value in the run).
    """
    c = _codes(seq)
    if len(c) < window:
        g = gc_fraction(seq)
        return [] if lo <= g <= hi else [(0, len(c), g)]
    is_gc = ((c == 1) | (c == 2)).astype(np.int64)
    csum = np.concatenate(([0], np.cumsum(is_gc)))
    frac = (csum[window:] - csum[:-window]) / window
    bad = (frac < lo - 1e-12) | (frac > hi + 1e-12)
    out: list[tuple[int, int, float]] = []
    idx = np.flatnonzero(bad)
    if not len(idx):
        return out
    breaks = np.flatnonzero(np.diff(idx) > 1)
    starts = np.concatenate(([idx[0]], idx[breaks + 1]))
    ends = np.concatenate((idx[breaks], [idx[-1]]))
    for s, e in zip(starts.tolist(), ends.tolist(), strict=True):
        seg = frac[s:e + 1]
        worst = float(seg.min()) if seg.min() < lo else float(seg.max())
        out.append((s, e + window, worst))
    return out


def homopolymer_runs(seq: str, min_length: int) -> list[tuple[int, int, str]]:
    """Runs of one base of at least ``min_length``: ``(start, end, base)``.

    Examples
    --------
    >>> homopolymer_runs("ACAAAAAGT", 5)
    [(2, 7, 'A')]
    """
    if min_length < 2:
        msg = "must be at least 2"
        raise ValueError(msg)
    rx = re.compile(rf"A{{{min_length},}}|C{{{min_length},}}|G{{{min_length},}}|T{{{min_length},}}")
    return [(m.start(), m.end(), m.group()[0]) for m in rx.finditer(seq.upper())]


def longest_homopolymer(seq: str) -> int:
    """Length of the longest run of one base (0 for an empty sequence)."""
    c = _codes(seq)
    if not len(c):
        return 0
    change = np.flatnonzero(np.diff(c) != 0)
    bounds = np.concatenate(([-1], change, [len(c) - 1]))
    return int(np.diff(bounds).max())


def find_motif(seq: str, pattern: str, *, both_strands: bool = False) -> list[tuple[int, int, int]]:
    """Occurrences of an IUPAC ``pattern`` (overlapping ones included).

    Returns
    -------
    ``(start, end, strand)`` with strand +1 for the given strand and -1 for matches of the
    reverse complement of the pattern (only with ``both_strands``).

    Examples
    --------
    >>> find_motif("CCAATAAAGG", "AATAAA")
    [(2, 8, 1)]
    """
    up = seq.upper()
    n = len(pattern)
    hits = [(m.start(), m.start() + n, 1)
            for m in re.finditer(f"(?=({iupac_regex(pattern)}))", up)]
    if both_strands:
        rc = reverse_complement(pattern)
        if rc != pattern:
            hits += [(m.start(), m.start() + n, -1)
                     for m in re.finditer(f"(?=({iupac_regex(rc)}))", up)]
        else:
            hits += [(s, e, -1) for s, e, _ in list(hits)]
    return sorted(hits)


def enzyme_site(enzyme: str) -> str:
    """Recognition site (IUPAC) of a restriction enzyme named as in Biopython (``BsaI``).

    Raises
    ------
    KeyError
        Unknown enzyme.
    """
    from Bio import Restriction

    enz = getattr(Restriction, enzyme, None)
    site = getattr(enz, "site", None)
    if not isinstance(site, str):
        raise KeyError(enzyme)
    return site


def restriction_sites(seq: str, enzymes: Iterable[str]) -> dict[str, list[tuple[int, int, int]]]:
    """Recognition sites of each enzyme on both strands: ``{enzyme: [(start, end, strand)]}``."""
    return {e: find_motif(seq, enzyme_site(e), both_strands=True) for e in enzymes}


def repeated_kmers(seq: str, k: int, *, include_reverse_complement: bool = True
                   ) -> list[tuple[str, list[int]]]:
    """k-mers present more than once (a k-mer and its reverse complement count as the same
    when ``include_reverse_complement``).

    Returns
    -------
    ``(kmer, [start, ...])`` for each repeated k-mer, in order of first occurrence.

    Examples
    --------
    >>> repeated_kmers("ACGTTTACGTAAAC", 4, include_reverse_complement=False)
    [('ACGT', [0, 6])]
    >>> repeated_kmers("AACCGGTTA", 4)  # AACC and GGTT are reverse complements
    [('AACC', [0, 4]), ('ACCG', [1, 3])]
    """
    if not 1 <= k <= 31:
        msg = "k must be between 1 and 31"
        raise ValueError(msg)
    c = _codes(seq).astype(np.int64)
    n = len(c) - k + 1
    if n <= 1:
        return []
    fwd = np.zeros(n, dtype=np.int64)
    rev = np.zeros(n, dtype=np.int64)
    for j in range(k):
        fwd = (fwd << 2) | c[j:j + n]
        rev = rev | ((3 - c[j:j + n]) << (2 * j))
    key = np.minimum(fwd, rev) if include_reverse_complement else fwd
    _, inverse, counts = np.unique(key, return_inverse=True, return_counts=True)
    rep = np.flatnonzero(counts[inverse] > 1)
    groups: dict[int, list[int]] = {}
    for pos in rep.tolist():
        groups.setdefault(int(inverse[pos]), []).append(pos)
    ordered = sorted(groups.values(), key=lambda v: v[0])
    return [(seq[v[0]:v[0] + k].upper(), v) for v in ordered]


def codon_weights(table: Mapping[str, Mapping[str, float]]) -> dict[str, float]:
    """Relative adaptiveness ``w = f(codon) / max f(synonymous codons)`` (Sharp & Li 1987
    Nucleic Acids Res 15:1281) from a ``{aa: {codon: frequency}}`` usage table."""
    out: dict[str, float] = {}
    for codons in table.values():
        top = max(codons.values())
        for codon, f in codons.items():
            out[codon.upper().replace("U", "T")] = f / top if top > 0 else 0.0
    return out


def cai(cds: str, weights: Mapping[str, float]) -> float:
    """Codon adaptation index (Sharp & Li 1987): geometric mean of ``w`` over the codons,
    leaving out Met (ATG), Trp (TGG) and stop codons, which have no synonyms.

    A codon of weight 0 is counted with weight 0.01 so the index stays defined (a common
    convention; such codons do not occur in the human table).
    """
    total, n = 0.0, 0
    up = cds.upper()
    for i in range(0, len(up) - 2, 3):
        codon = up[i:i + 3]
        if codon in {"ATG", "TGG", "TAA", "TAG", "TGA"} or codon not in weights:
            continue
        total += math.log(max(weights[codon], 0.01))
        n += 1
    return math.exp(total / n) if n else 0.0


@dataclass(frozen=True)
class SequenceMetrics:
    """Summary numbers of a coding sequence."""

    length: int
    gc: float
    cpg: int
    cpg_per_kb: float
    cpg_observed_expected: float
    cai: float
    longest_homopolymer: int

    def to_dict(self) -> dict[str, float | int]:
        """Plain-data view (rounded)."""
        return {k: (round(v, 4) if isinstance(v, float) else v) for k, v in asdict(self).items()}


def metrics(cds: str, weights: Mapping[str, float]) -> SequenceMetrics:
    """GC, CpG count and density, CpG o/e, CAI and the longest homopolymer of ``cds``."""
    n_cpg = len(cpg_positions(cds))
    return SequenceMetrics(
        length=len(cds), gc=gc_fraction(cds), cpg=n_cpg,
        cpg_per_kb=1000.0 * n_cpg / len(cds) if cds else 0.0,
        cpg_observed_expected=cpg_observed_expected(cds), cai=cai(cds, weights),
        longest_homopolymer=longest_homopolymer(cds))


def same_protein(cds: str, protein: str) -> tuple[bool, str]:
    """Whether ``cds`` translates, over its full length, to ``protein`` followed by one stop.

    Returns
    -------
    ``(ok, reason)``; ``reason`` names the first differing codon when not ok.
    """
    aa = translate(cds)
    want = protein.rstrip("*") + "*"
    if len(cds) != 3 * len(want):
        return False, f"length {len(cds)} nt encodes {len(cds) // 3} codons, expected {len(want)}"
    if aa == want:
        return True, ""
    i = next(i for i, (a, b) in enumerate(zip(aa, want, strict=True)) if a != b)
    return False, f"codon {i + 1} ({cds[3 * i:3 * i + 3]}) encodes {aa[i]!r}, expected {want[i]!r}"


__all__ = [
    "SequenceMetrics", "cai", "codon_weights", "cpg_observed_expected", "cpg_positions",
    "enzyme_site", "find_motif", "gc_fraction", "gc_window_violations", "homopolymer_runs",
    "longest_homopolymer", "metrics", "repeated_kmers", "restriction_sites", "same_protein",
]
