"""Find library elements in a plasmid or cassette sequence.

Each element (and its reverse complement) is seeded with shared 12-mers (numpy, vectorised),
the seeds are grouped by diagonal, and each group is aligned locally (Biopython
``PairwiseAligner``) against a window around it. A hit is kept when its identity and the
fraction of the element it covers pass the thresholds; overlapping hits are resolved in favour
of the better one (identity x coverage, then aligned length), so a plasmid gets one label per
region. Circular records are searched across the origin.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from genetx.add.checks import _codes
from genetx.core.seq import reverse_complement

if TYPE_CHECKING:
    from collections.abc import Iterable

    from genetx.add.elements import Element

SEED_K = 12
_MAX_DIAG_GAP = 60
_PAD = 40
_NEAR_COMPLETE = 0.95  # a nested hit inside a near-complete element is dropped


@dataclass(frozen=True)
class ElementHit:
    """One element found in a sequence.

    Attributes
    ----------
    element
        Library name.
    category
        Library category.
    start, end
        0-based half-open span in the searched sequence (``end`` may exceed the length for a
        circular hit that crosses the origin; use ``end % length``).
    strand
        +1 or -1.
    identity
        Identical columns / alignment columns.
    coverage
        Fraction of the element's length inside the alignment.
    element_start, element_end
        Part of the element that aligned (0-based, in the element's own orientation).
    score
        Local alignment score.
    """

    element: str
    category: str
    start: int
    end: int
    strand: int
    identity: float
    coverage: float
    element_start: int
    element_end: int
    score: float

    @property
    def quality(self) -> float:
        """``identity * coverage``, the ranking key between overlapping hits."""
        return self.identity * self.coverage

    @property
    def length(self) -> int:
        """Aligned span in the searched sequence."""
        return self.end - self.start

    def to_dict(self) -> dict[str, object]:
        """Plain-data view."""
        return {"element": self.element, "category": self.category, "start": self.start,
                "end": self.end, "strand": self.strand, "identity": round(self.identity, 4),
                "coverage": round(self.coverage, 4),
                "element_span": [self.element_start, self.element_end]}


def _kmer_codes(seq: str, k: int) -> tuple[np.ndarray, np.ndarray]:
    """k-mer codes and a validity mask (k-mers with a non-ACGT letter are invalid)."""
    c = _codes(seq).astype(np.int64)
    n = len(c) - k + 1
    if n <= 0:
        return np.zeros(0, np.int64), np.zeros(0, bool)
    bad = (c == 255).astype(np.int64)
    c = np.where(c == 255, 0, c)
    code = np.zeros(n, np.int64)
    for j in range(k):
        code = (code << 2) | c[j:j + n]
    nbad = np.concatenate(([0], np.cumsum(bad)))
    return code, (nbad[k:k + n] - nbad[:n]) == 0


def _aligner() -> object:
    from Bio import Align

    al = Align.PairwiseAligner()
    al.mode = "local"
    al.match_score = 1.0
    al.mismatch_score = -2.0
    al.open_gap_score = -4.0
    al.extend_gap_score = -1.0
    return al


class _Target:
    """Sorted k-mer index of the searched sequence."""

    def __init__(self, seq: str) -> None:
        self.seq = seq
        codes, ok = _kmer_codes(seq, SEED_K)
        pos = np.flatnonzero(ok)
        order = np.argsort(codes[pos], kind="stable")
        self.pos = pos[order]
        self.sorted = codes[pos][order]

    def diagonals(self, query: str) -> np.ndarray:
        q, ok = _kmer_codes(query, SEED_K)
        qpos = np.flatnonzero(ok)
        q = q[qpos]
        lo = np.searchsorted(self.sorted, q, "left")
        hi = np.searchsorted(self.sorted, q, "right")
        counts = hi - lo
        total = int(counts.sum())
        if not total:
            return np.zeros(0, np.int64)
        qi = np.repeat(qpos, counts)
        first = np.repeat(lo, counts)
        offs = np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)
        ti = self.pos[first + offs]
        return np.sort(ti - qi)


def _align_groups(target: _Target, name: str, category: str, query: str, strand: int,
                  min_identity: float, min_coverage: float, aligner: object) -> list[ElementHit]:
    diag = target.diagonals(query)
    if not len(diag):
        return []
    cuts = np.flatnonzero(np.diff(diag) > _MAX_DIAG_GAP)
    groups = np.split(diag, cuts + 1)
    m, n = len(query), len(target.seq)
    hits = []
    need = max(3, m // 50)
    for g in groups:
        if len(g) < need:
            continue
        lo = max(int(g[0]) - _PAD, 0)
        hi = min(int(g[-1]) + m + _PAD, n)
        if hi - lo < SEED_K:
            continue
        aln = aligner.align(target.seq[lo:hi], query)[0]  # type: ignore[attr-defined]
        tc, qc = aln.coordinates
        q0, q1 = int(qc[0]), int(qc[-1])
        cov = (q1 - q0) / m
        counts = aln.counts()
        cols = counts.identities + counts.mismatches + counts.gaps
        ident = counts.identities / cols if cols else 0.0
        if cov + 1e-9 < min_coverage or ident + 1e-9 < min_identity:
            continue
        e0, e1 = (q0, q1) if strand == 1 else (m - q1, m - q0)
        hits.append(ElementHit(name, category, lo + int(tc[0]), lo + int(tc[-1]), strand,
                               ident, cov, e0, e1, float(aln.score)))
    return hits


def locate_elements(sequence: str, elements: Iterable[Element], *, circular: bool = False,
                    min_identity: float = 0.9, min_coverage: float = 0.7,
                    min_length: int = 20, resolve_overlaps: bool = True) -> list[ElementHit]:
    """Find ``elements`` in ``sequence`` on both strands.

    Parameters
    ----------
    sequence
        The plasmid or cassette (any case).
    elements
        Library elements to look for (for example ``load_elements()``).
    circular
        Search across the origin (plasmids).
    min_identity, min_coverage
        Keep a hit when identity >= ``min_identity`` and at least ``min_coverage`` of the
        element aligns.
    min_length
        Elements shorter than this are not searched (a 10-nt Kozak would match by chance).
    resolve_overlaps
        Keep one hit per region: a hit overlapping a better one by more than half of its own
        length is dropped.

    Returns
    -------
    Hits sorted by start.

    Examples
    --------
    >>> from genetx.add.elements import load_elements
    >>> lib = load_elements()
    >>> hpgk = lib.get("hPGK_promoter_human").sequence
    >>> hits = locate_elements("A" * 30 + hpgk + "T" * 30, [lib.get("hPGK_promoter_human")])
    >>> [(h.element, h.start, h.end, h.strand) for h in hits]
    [('hPGK_promoter_human', 30, 541, 1)]
    """
    seq = sequence.upper()
    n = len(seq)
    els = [e for e in elements if e.length >= min_length]
    if not els or not n:
        return []
    ext = max(e.length for e in els)
    search = seq + seq[:min(ext, n)] if circular else seq
    target = _Target(search)
    aligner = _aligner()
    hits: list[ElementHit] = []
    for e in els:
        for strand, q in ((1, e.sequence), (-1, reverse_complement(e.sequence))):
            hits.extend(_align_groups(target, e.name, e.category, q, strand, min_identity,
                                      min_coverage, aligner))
    if circular:
        hits = [h for h in hits if h.start < n]
    hits = _dedupe(hits)
    if resolve_overlaps:
        hits = _resolve(hits, n if circular else None)
        hits = [h for h in hits if not any(
            k is not h and k.quality >= _NEAR_COMPLETE and k.start <= h.start
            and h.end <= k.end and k.length > h.length for k in hits)]
    return sorted(hits, key=lambda h: (h.start, -h.length))


def _dedupe(hits: list[ElementHit]) -> list[ElementHit]:
    seen: dict[tuple[str, int, int, int], ElementHit] = {}
    for h in hits:
        key = (h.element, h.start, h.end, h.strand)
        if key not in seen or h.score > seen[key].score:
            seen[key] = h
    return list(seen.values())


def _overlap(a: ElementHit, b: ElementHit, n: int | None) -> int:
    def spans(h: ElementHit) -> list[tuple[int, int]]:
        if n is not None and h.end > n:
            return [(h.start, n), (0, h.end - n)]
        return [(h.start, h.end)]

    return sum(max(0, min(e1, e2) - max(s1, s2))
               for s1, e1 in spans(a) for s2, e2 in spans(b))


def _resolve(hits: list[ElementHit], n: int | None) -> list[ElementHit]:
    ranked = sorted(hits, key=lambda h: (-round(h.quality, 6), -h.length, h.element))
    kept: list[ElementHit] = []
    for h in ranked:
        if all(_overlap(h, k, n) <= h.length / 2 for k in kept):
            kept.append(h)
    return kept


__all__ = ["SEED_K", "ElementHit", "locate_elements"]
