"""Candidate splice-switching antisense oligonucleotides for an exon to skip.

:func:`design_asos` tiles the exon and its splice sites on the pre-mRNA: every window of each
requested length (25-30 nt by default) that lies within ``intron_flank`` bases of the exon and
covers at least one exonic base. The oligonucleotide is the reverse complement of its target
and is written 5'->3' in DNA letters (as drug labels write PMO sequences). For each candidate
the table gives the GC fraction, the longest self-complementary stretch (two copies paired
antiparallel, a self-dimer) and the longest hairpin stem (loop of at least 3 nt), both with
Watson-Crick pairs only, and the number of places in a transcript set where the target occurs
with 0, 1, ... ``max_mismatches`` mismatches, besides the intended site (a match whose genomic
span overlaps the target itself, for instance read across the spliced junction next to it, is
the intended site).

The off-target search is exact, not heuristic: by the pigeonhole principle a target of length
L with at most m mismatches matches at least one of m + 1 disjoint seeds exactly, so seeds are
looked up in a sorted k-mer index of the transcript set (numpy ``searchsorted``) and every seed
hit is verified base by base on the whole window, all vectorised. Only the sense strand of the
transcripts is searched: an antisense oligonucleotide pairs with RNA. Hits are counted once per
genomic site, so the isoforms of a gene that share an exon do not multiply a hit; the intended
site (the target's own genomic position) is not an off-target.

No score ranks the candidates: published rules for splice-switching oligonucleotide efficacy
are not encoded here, so the table shows the measurable properties and leaves the choice to the
user. It is sorted by off-target counts, then self-complementarity, then position.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from genetx.core.encode import encode_dna as encode  # A0 C1 G2 T3, other (U too) 4
from genetx.core.pairing import self_complementarity as pair_runs
from genetx.core.seq import reverse_complement
from genetx.errors import BadInputError
from genetx.genome.transcriptome import TranscriptSet, pack_transcript_set
from genetx.progress import resolve

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    import pandas as pd

    from genetx.genome._base import Genome
    from genetx.genome.models import Gene, Transcript
    from genetx.progress import Progress

#: Oligonucleotide lengths tiled by default (the approved exon-skipping PMOs are 25-30-mers:
#: golodirsen 25 nt, eteplirsen 30 nt; see ``genetx/data/skip/skip_facts.json``).
DEFAULT_LENGTHS: tuple[int, ...] = (25, 26, 27, 28, 29, 30)
#: Intronic bases on each side of the exon that targets may cover (splice sites).
DEFAULT_INTRON_FLANK = 30
#: Largest mismatch count the off-target search reports.
MAX_MISMATCHES_LIMIT = 3

# --------------------------------------------------------------------------------------------
# self-complementarity


def self_complementarity(seqs: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Longest self-dimer stretch and longest hairpin stem of each sequence.

    A stretch of ``r`` bases pairs with itself antiparallel when ``seq[i-r+1..i]`` is the
    reverse complement of ``seq[j..j+r-1]`` (Watson-Crick pairs). The self-dimer value is the
    longest such run over all ``i, j`` (two molecules); the hairpin value requires the innermost
    pair to enclose a loop of at least 3 bases (``j - i >= 4``).

    Parameters
    ----------
    seqs
        DNA sequences; computed per length group by the numba kernel shared with the gapmer
        designer (:func:`genetx.core.pairing.self_complementarity`).

    Returns
    -------
    Two int arrays (dimer, hairpin), one value per sequence.

    Examples
    --------
    >>> d, h = self_complementarity(["GGGGAAAACCCC", "AAAAAAAA"])
    >>> d.tolist(), h.tolist()
    ([4, 0], [4, 0])
    """
    n = len(seqs)
    dimer = np.zeros(n, dtype=np.int32)
    hairpin = np.zeros(n, dtype=np.int32)
    by_len: dict[int, list[int]] = {}
    for i, s in enumerate(seqs):
        by_len.setdefault(len(s), []).append(i)
    for length, idx in by_len.items():
        if length == 0:
            continue
        d, h = pair_runs(np.stack([encode(seqs[i]) for i in idx]), 3)
        dimer[idx] = d
        hairpin[idx] = h
    return dimer, hairpin


# --------------------------------------------------------------------------------------------
# transcript set and off-target search


#: Every transcript of the embedded gene pack whose sequence the pack holds (cached; the set
#: the silencing designers search too).
pack_transcripts = pack_transcript_set


class _KmerIndex:
    """Sorted k-mer codes of a transcript set (windows with a non-ACGT base left out)."""

    def __init__(self, codes: np.ndarray, k: int) -> None:
        n = codes.size - k + 1
        self.k = k
        if n <= 0:
            self.order = np.zeros(0, dtype=np.int64)
            self.sorted = np.zeros(0, dtype=np.int64)
            return
        val = np.zeros(n, dtype=np.int64)
        bad = np.zeros(n, dtype=bool)
        for j in range(k):
            win = codes[j:j + n]
            bad |= win > 3
            val = (val << 2) | (win & 3).astype(np.int64)
        val[bad] = -1
        order = np.argsort(val, kind="stable")
        keep = val[order] >= 0
        self.order = order[keep]
        self.sorted = val[order][keep]

    def positions(self, kmer: int) -> np.ndarray:
        lo = np.searchsorted(self.sorted, kmer, side="left")
        hi = np.searchsorted(self.sorted, kmer, side="right")
        return self.order[lo:hi]


def _kmer_value(q: np.ndarray) -> int:
    v = 0
    for c in q.tolist():
        v = (v << 2) | int(c)
    return v


def find_matches(target_codes: Sequence[np.ndarray], tset: TranscriptSet, max_mismatches: int,
                 progress: Progress | None = None) -> list[tuple[np.ndarray, np.ndarray]]:
    """Every place each target occurs in the set with at most ``max_mismatches`` mismatches.

    Parameters
    ----------
    target_codes
        Encoded targets (:func:`encode`), sense strand, each at least ``max_mismatches + 1``
        times the seed length long (any length >= 4 * (max_mismatches + 1) works).
    tset
        The transcript set.
    max_mismatches
        0 to :data:`MAX_MISMATCHES_LIMIT`.

    Returns
    -------
    Per target: the encoded offsets of the matches and their mismatch counts (sorted by offset).

    Raises
    ------
    BadInputError
        When ``max_mismatches`` is out of range or a target is too short for it.
    """
    if not 0 <= max_mismatches <= MAX_MISMATCHES_LIMIT:
        msg = f"must be between 0 and {MAX_MISMATCHES_LIMIT}"
        where = f"max_mismatches={max_mismatches}"
        raise BadInputError(where, msg)
    if not target_codes:
        return []
    min_len = min(len(t) for t in target_codes)
    k = min(12, min_len // (max_mismatches + 1))
    if k < 4:
        where = f"target of {min_len} nt"
        msg = f"too short to search with {max_mismatches} mismatches"
        raise BadInputError(where, msg)
    index = _KmerIndex(tset.codes, k)
    text = tset.codes
    out: list[tuple[np.ndarray, np.ndarray]] = []
    with resolve(progress).task("Searching off-targets", total=len(target_codes)) as task:
        for q in target_codes:
            length = len(q)
            step = length // (max_mismatches + 1)
            cands = []
            for s in range(max_mismatches + 1):
                off = s * step
                seed = q[off:off + k]
                if (seed > 3).any():
                    continue
                cands.append(index.positions(_kmer_value(seed)) - off)
            starts = np.unique(np.concatenate(cands)) if cands else np.zeros(0, np.int64)
            starts = starts[(starts >= 0) & (starts + length <= text.size)]
            if starts.size:
                win = text[starts[:, None] + np.arange(length)[None, :]]
                mm = (win != q[None, :]).sum(axis=1)
                ok = mm <= max_mismatches
                out.append((starts[ok], mm[ok].astype(np.int32)))
            else:
                out.append((starts, np.zeros(0, dtype=np.int32)))
            task.advance()
    return out


# --------------------------------------------------------------------------------------------
# design


@dataclass(frozen=True)
class AsoDesign:
    """Candidate oligonucleotides for skipping one exon.

    Attributes
    ----------
    gene, transcript, exon
        What is skipped.
    chrom, start, end, strand
        Genomic span of the exon (0-based half-open) and the transcript strand.
    candidates
        One row per candidate (see :func:`design_asos`).
    lengths, intron_flank, max_mismatches
        The settings used.
    offtarget_source
        The transcript set searched, with how many transcripts it holds.
    """

    gene: str
    transcript: str
    exon: int
    chrom: str
    start: int
    end: int
    strand: str
    candidates: pd.DataFrame
    lengths: tuple[int, ...]
    intron_flank: int
    max_mismatches: int
    offtarget_source: str

    def to_frame(self) -> pd.DataFrame:
        """The candidate table."""
        return self.candidates

    def summary(self) -> dict[str, Any]:
        """Plain-type summary (for JSON)."""
        df = self.candidates
        clean = df[df["offtarget_total"] == 0] if len(df) else df
        return {
            "gene": self.gene, "transcript": self.transcript, "exon": self.exon,
            "exon_span": f"{self.chrom}:{self.start + 1}-{self.end} ({self.strand})",
            "candidates": len(df), "without_offtarget_matches": len(clean),
            "lengths": list(self.lengths), "intron_flank": self.intron_flank,
            "max_mismatches": self.max_mismatches, "offtarget_set": self.offtarget_source,
        }


def _part(i: int, length: int, flank: int, exon_len: int) -> str:
    acc = i < flank < i + length
    don = i < flank + exon_len < i + length
    if acc and don:
        return "acceptor+donor"
    if acc:
        return "acceptor"
    if don:
        return "donor"
    return "exon"


def design_asos(tx: Transcript, genome: Genome, exon: int, *,
                lengths: Iterable[int] = DEFAULT_LENGTHS,
                intron_flank: int = DEFAULT_INTRON_FLANK, max_mismatches: int = 2,
                transcripts: TranscriptSet | None = None,
                progress: Progress | None = None) -> AsoDesign:
    """Tile candidate antisense oligonucleotides over an exon and its splice sites.

    Parameters
    ----------
    tx
        The transcript (exon numbering).
    genome
        Genome holding the exon and its flanking introns.
    exon
        Exon to skip (not the first or last exon).
    lengths
        Oligonucleotide lengths (each 15-40 nt).
    intron_flank
        Intronic bases on each side that targets may cover (0-300).
    max_mismatches
        Off-target matches are counted with up to this many mismatches (0-3).
    transcripts
        Transcript set searched for off-targets; default: every transcript of the gene pack
        (:func:`pack_transcripts`).
    progress
        Progress display.

    Returns
    -------
    The :class:`AsoDesign`. Its table has the location columns ``Chromosome, Start, End,
    Strand`` (target site, 0-based half-open; the strand of the transcript the oligo pairs
    with), then ``aso_id``, ``exon``, ``length``, ``aso`` (5'->3'), ``target`` (pre-mRNA,
    5'->3'), ``target_c`` (HGVS c. span), ``part`` (``acceptor``, ``exon``, ``donor``), ``gc``,
    ``self_dimer``, ``hairpin``, ``offtarget_0mm`` ... ``offtarget_<m>mm`` (distinct sites
    besides the intended one), ``offtarget_total`` and ``offtarget_genes``.

    Raises
    ------
    BadInputError
        For an exon the transcript lacks, the first or last exon, or settings out of range.
    MissingDataError
        When the genome does not hold the exon and its flanks.
    """
    import pandas as pd

    lens = tuple(sorted(set(int(x) for x in lengths)))
    if not lens or lens[0] < 15 or lens[-1] > 40:
        msg = "oligonucleotide lengths must lie between 15 and 40 nt"
        where = f"lengths={list(lens)}"
        raise BadInputError(where, msg)
    if not 0 <= intron_flank <= 300:
        msg = "must be between 0 and 300 nt"
        where = f"intron_flank={intron_flank}"
        raise BadInputError(where, msg)
    if not 1 <= exon <= tx.exon_count:
        where = f"exon {exon}"
        msg = f"{tx.id} has exons 1-{tx.exon_count}"
        raise BadInputError(where, msg)
    if exon in (1, tx.exon_count):
        where = f"exon {exon}"
        msg = f"is the {'first' if exon == 1 else 'last'} exon of {tx.id} and is never skipped"
        raise BadInputError(where, msg)
    s, e = tx.exons[exon - 1]
    rs, re_ = max(0, s - intron_flank), e + intron_flank
    plus = genome.fetch(tx.chrom, rs, re_).upper()
    region = plus if tx.strand == "+" else reverse_complement(plus)
    flank5 = (s - rs) if tx.strand == "+" else (re_ - e)
    exon_len = e - s
    rows: list[dict[str, Any]] = []
    for length in lens:
        for i in range(0, len(region) - length + 1):
            if i >= flank5 + exon_len or i + length <= flank5:
                continue
            target = region[i:i + length]
            if tx.strand == "+":
                g0, g1 = rs + i, rs + i + length
                first, last = g0, g1 - 1
            else:
                g0, g1 = re_ - i - length, re_ - i
                first, last = g1 - 1, g0
            rows.append({
                "Chromosome": tx.chrom, "Start": g0, "End": g1, "Strand": tx.strand,
                "exon": exon, "length": length, "target": target,
                "aso": reverse_complement(target),
                "target_c": f"c.{tx.genome_to_c(first)}_{tx.genome_to_c(last)}",
                "part": _part(i, length, flank5, exon_len),
            })
    targets = [r["target"] for r in rows]
    gc = np.array([(t.count("G") + t.count("C")) / len(t) for t in targets])
    dimer, hairpin = self_complementarity(targets)
    tset = transcripts if transcripts is not None else pack_transcripts()
    hits = find_matches([encode(t) for t in targets], tset, max_mismatches, progress)
    from genetx.genome._base import chrom_key

    counts = np.zeros((len(rows), max_mismatches + 1), dtype=np.int32)
    genes_hit: list[str] = []
    site_cache: dict[tuple[int, int], tuple[str, int, int, str]] = {}
    own = chrom_key(tx.chrom)
    for r_i, (pos, mm) in enumerate(hits):
        row = rows[r_i]
        length = row["length"]
        seen: dict[tuple[str, int], int] = {}
        names: dict[tuple[str, int], str] = {}
        for p, m in zip(pos.tolist(), mm.tolist(), strict=True):
            if (p, length) not in site_cache:
                t, off = tset.locate(p)
                g5, g3 = t.tx_to_genome(off), t.tx_to_genome(off + length - 1)
                site_cache[p, length] = (chrom_key(t.chrom), min(g5, g3), max(g5, g3) + 1,
                                         t.gene)
            ck, lo, hi, gene = site_cache[p, length]
            if ck == own and lo < row["End"] and row["Start"] < hi:
                continue  # the intended site itself (possibly read across a spliced junction)
            key = (ck, lo)
            if key not in seen or m < seen[key]:
                seen[key] = m
                names[key] = gene
        for m in seen.values():
            counts[r_i, m] += 1
        genes_hit.append(",".join(sorted(set(names.values()))))
    df = pd.DataFrame(rows)
    df["gc"] = np.round(gc, 4)
    df["self_dimer"] = dimer
    df["hairpin"] = hairpin
    for m in range(max_mismatches + 1):
        df[f"offtarget_{m}mm"] = counts[:, m] if len(rows) else []
    df["offtarget_total"] = counts.sum(axis=1) if len(rows) else []
    df["offtarget_genes"] = genes_hit
    df.insert(4, "aso_id", [f"{tx.gene}_ex{exon}_{c.split('_')[0][2:]}_{n}"
                            for c, n in zip(df["target_c"], df["length"], strict=True)])
    order = [f"offtarget_{m}mm" for m in range(max_mismatches + 1)]
    df = df.sort_values([*order, "self_dimer", "hairpin", "Start", "length"],
                        kind="stable").reset_index(drop=True)
    cols = ["Chromosome", "Start", "End", "Strand", "aso_id", "exon", "length", "aso", "target",
            "target_c", "part", "gc", "self_dimer", "hairpin", *order, "offtarget_total",
            "offtarget_genes"]
    df = df[cols]
    src = (f"{tset.source}: {len(tset.transcripts)} transcripts, {tset.n_bases:,} nt"
           + (f" ({len(tset.skipped)} without sequence left out)" if tset.skipped else ""))
    return AsoDesign(tx.gene, tx.id, exon, tx.chrom, s, e, tx.strand, df, lens, intron_flank,
                     max_mismatches, src)


def gene_transcripts(genes: Iterable[Gene]) -> list[Transcript]:
    """All transcripts of the given genes (helper for building a :class:`TranscriptSet`)."""
    return [t for g in genes for t in g.transcripts]


__all__ = ["DEFAULT_INTRON_FLANK", "DEFAULT_LENGTHS", "MAX_MISMATCHES_LIMIT", "AsoDesign",
           "TranscriptSet", "design_asos", "encode", "find_matches", "gene_transcripts",
           "pack_transcripts", "self_complementarity"]
