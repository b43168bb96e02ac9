"""Knock-out design: guides that cut early in the coding sequence, shared by the isoforms.

A knock-out guide cuts inside the coding part of an exon; the frameshifting indels of
end-joining repair then disrupt the protein. Each candidate gets:

``exon``, ``c_pos``, ``percent_protein``
    Exon number and HGVS c. position of the base 5' of the break on the chosen transcript
    (transcript orientation), and where that is in the protein (0-100 %). Doench et al. 2016
    found guides cutting in the first 5-65 % of the protein most effective (``in_window``).
``isoforms_hit``, ``isoforms_total``, ``isoform_fraction``
    How many coding transcripts of the gene have both bases around the break in their coding
    sequence.
``microhomology``, ``out_of_frame``
    Bae et al. 2014 (Nat Methods 11:705): every pair of identical stretches (>= 2 nt) on the two
    sides of the break (30 nt arms) predicts a microhomology-mediated deletion with pattern
    score ``100 * round(exp(-len / 20), 3) * (AT count + 2 * GC count)``; a pattern nested in a
    longer one with the same deletion length is counted once. ``microhomology`` is the sum of
    pattern scores and ``out_of_frame`` the percentage of it carried by deletions whose length
    is not a multiple of 3. GeneTx puts the break at the nuclease's cut (3 nt 5' of an SpCas9
    PAM); CRISPOR puts it at the first PAM base. Defined for blunt cuts only (NaN for Cas12a).

Constants are in ``data/nucleases/editing_rules.json`` (``knockout``).
"""

from __future__ import annotations

import functools
import math
from typing import TYPE_CHECKING

import numpy as np

from genetx.edit.guides import encode, find_guides
from genetx.edit.nucleases import Nuclease, get_nuclease, knockout_rules
from genetx.errors import GeneTxError, InfeasibleDesignError

if TYPE_CHECKING:
    import pandas as pd

    from genetx.genome._base import Genome
    from genetx.genome.models import Gene, Transcript


@functools.cache
def _length_factors(n: int, weight: float) -> tuple[float, ...]:
    # Python's round (correct decimal rounding), as the published program uses
    return tuple(round(1.0 / math.exp(d / weight), 3) for d in range(n + 1))


def microhomology_scores(seq: str, left: int | None = None) -> tuple[float, float]:
    """Bae 2014 microhomology score and out-of-frame score of a break in ``seq``.

    Parameters
    ----------
    seq
        Sequence around the break (plus or minus strand give the same result).
    left
        Number of bases 5' of the break (default: half of ``seq``).

    Returns
    -------
    ``(microhomology score, out-of-frame score 0-100)``; ``(0.0, nan)`` when no pattern exists.

    Examples
    --------
    >>> mh, oof = microhomology_scores("AAAAAAAAAAGCTAGCTAAAAAAAAAAAAA" +
    ...                                "AAAAAAAAAAGCTAGCTAAAAAAAAAAAAA")
    >>> round(mh, 1) > 0, 0 <= oof <= 100
    (True, True)
    """
    rules = knockout_rules()
    kmin = int(rules["microhomology_min_length"])
    weight = float(rules["microhomology_length_weight"])
    gc_w = int(rules["microhomology_gc_weight"])
    at_w = int(rules["microhomology_at_weight"])
    codes = encode(seq.upper())
    n = codes.shape[0]
    left = n // 2 if left is None else int(left)
    kmax = left - 1
    factors = _length_factors(n, weight)
    total = frame = 0.0
    is_gc = (codes == 1) | (codes == 2)
    for d in range(1, n):
        # patterns on diagonal d: left copy at i, right copy at i + d (>= left)
        lo, hi = max(0, left - d), min(left, n - d)
        if hi - lo < kmin:
            continue
        eq = (codes[lo:hi] == codes[lo + d:hi + d]) & (codes[lo:hi] < 4)
        if not eq.any():
            continue
        edges = np.flatnonzero(np.diff(np.concatenate(([0], eq.astype(np.int8), [0]))))
        for s, e in zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True):
            run = e - s
            if run < kmin:
                continue
            windows = [(s, run)] if run <= kmax else [(s + t, kmax)
                                                     for t in range(run - kmax + 1)]
            for a, k in windows:
                gc = int(is_gc[lo + a:lo + a + k].sum())
                score = 100 * factors[d] * (at_w * (k - gc) + gc_w * gc)
                total += score
                if d % 3:
                    frame += score
    if total == 0:
        return 0.0, math.nan
    return total, frame * 100 / total


def _coding_positions(tx: Transcript) -> list[tuple[int, int]]:
    return sorted(tx.cds_parts)


def _in_cds(parts: list[tuple[int, int]], a: int, b: int) -> bool:
    return any(s <= a and b < e for s, e in parts)


def knockout_guides(gene: Gene, transcript: Transcript, genome: Genome,
                    nuclease: str | Nuclease = "SpCas9", *,
                    protein_window: tuple[float, float] | None = None,
                    max_fraction: float | None = None) -> pd.DataFrame:
    """Candidate knock-out guides in the coding exons of ``transcript``.

    Parameters
    ----------
    gene
        The gene (all its coding transcripts count for ``isoforms_hit``).
    transcript
        The transcript whose exons and c. numbering are used.
    genome
        Genome holding the gene.
    nuclease
        Nuclease name or object.
    protein_window
        Preferred part of the protein as fractions (default Doench 2016: 0.05-0.65).
    max_fraction
        Keep guides cutting before this fraction of the protein (default: the window's end).

    Returns
    -------
    The guide table (:mod:`genetx.edit.guides`) of guides cutting inside coding bases, with the
    columns of this module's docstring, sorted by ``isoform_fraction`` (descending) then by
    position.

    Raises
    ------
    InfeasibleDesignError
        When the transcript is non-coding, or no site of the nuclease cuts in its early coding
        sequence.
    """
    import pandas as pd

    nuc = get_nuclease(nuclease)
    if not transcript.is_coding:
        msg = "is non-coding; a knock-out needs a coding transcript"
        raise InfeasibleDesignError(transcript.id, msg)
    rules = knockout_rules()
    win = protein_window or tuple(rules["protein_window"])
    limit = max_fraction if max_fraction is not None else win[1]
    arm = int(rules["microhomology_window"])
    cds_len = transcript.cds_length
    frames = []
    for s, e in transcript.cds_parts:
        try:
            t = find_guides(genome, transcript.chrom, s, e, nuc)
        except InfeasibleDesignError:
            continue
        frames.append(t)
    if not frames:
        msg = f"no {nuc.name} site cuts inside its coding exons"
        raise InfeasibleDesignError(transcript.id, msg)
    df = pd.concat(frames, ignore_index=True).drop_duplicates(
        subset=["Start", "Strand", "pam_tier"]).reset_index(drop=True)
    tx_parts = _coding_positions(transcript)
    keep = [_in_cds(tx_parts, c - 1, c) for c in df["cut"].tolist()]
    df = df[keep].reset_index(drop=True)
    coding = [t for t in gene.transcripts if t.is_coding]
    parts = [_coding_positions(t) for t in coding]
    exon, cpos, pct, hit = [], [], [], []
    for c in df["cut"].tolist():
        base = c - 1 if transcript.strand == "+" else c  # 5' of the break, transcript order
        exon.append(transcript.exon_at(base))
        cp = transcript.genome_to_c(base).pos
        cpos.append(cp)
        pct.append(100.0 * cp / cds_len)
        hit.append(sum(_in_cds(p, c - 1, c) for p in parts))
    df["exon"] = exon
    df["c_pos"] = cpos
    df["percent_protein"] = pct
    df["in_window"] = [(win[0] * 100 <= p <= win[1] * 100) for p in pct]
    df["isoforms_hit"] = hit
    df["isoforms_total"] = len(coding)
    df["isoform_fraction"] = df["isoforms_hit"] / max(len(coding), 1)
    df = df[df["percent_protein"] <= limit * 100].reset_index(drop=True)
    if df.empty:
        msg = (f"no {nuc.name} site cuts in the first {limit:.0%} of its coding sequence")
        raise InfeasibleDesignError(transcript.id, msg)
    mh, oof = [], []
    for c in df["cut"].tolist():
        if not nuc.blunt:
            mh.append(math.nan)
            oof.append(math.nan)
            continue
        try:
            seq = genome.fetch(transcript.chrom, c - arm, c + arm)
        except GeneTxError:  # the arms run off the contig or into unheld sequence
            mh.append(math.nan)
            oof.append(math.nan)
            continue
        m, o = microhomology_scores(seq, arm)
        mh.append(m)
        oof.append(o)
    df["microhomology"] = mh
    df["out_of_frame"] = oof
    df = df.sort_values(["isoform_fraction", "c_pos"], ascending=[False, True],
                        kind="stable").reset_index(drop=True)
    df["guide_id"] = [f"{nuc.name}-{i + 1}" for i in range(len(df))]
    return df


__all__ = ["knockout_guides", "microhomology_scores"]
