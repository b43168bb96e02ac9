"""Exon deletion with a pair of nuclease cuts in the introns that flank the exons.

Two guides cut the genome, one in the intron before the first deleted exon and one in the
intron after the last one (transcript order). When non-homologous end joining (NHEJ) joins the
two outer ends directly, everything between the cuts is lost and the transcript is spliced from
the exon before the block straight to the exon after it: the same transcript an exon skip of
those exons gives, made permanent in the genome.

For every design GeneTx reports, per guide pair:

* both guides (spacer, PAM, strand, protospacer + PAM span, cut, intron number and the distance
  from the cut to the deleted exon), with their on-target scores and sequence filters
  (:func:`genetx.edit.guides.find_guides`) and, when searched, their off-target profile from
  the genome-wide engine (:func:`genetx.edit.ranking.profile_offtargets`, the off-target
  summary shared with ``genetx guides`` and ``genetx design``: counts by mismatch level, CFD
  and MIT specificity, exonic hits in other genes);
* the deletion: the plus-strand span between the two cuts and its size;
* the junction sequence left after the two cut ends are joined with no insertion or loss, a
  ``flank`` of bases on each side of the join, on the plus strand and on the transcript strand;
* whether removing those exons restores the reading frame, as the caller's frame check says
  (``frame_check``; :mod:`genetx.skip.frames` answers it, and the CLI and the orchestrator pass
  it in because capability packages do not import each other).

Conventions: coordinates are 0-based, half-open, plus strand. A guide's ``cut`` is the first
base 3' (plus orientation) of its break, as in :mod:`genetx.edit.guides`; the pair deletes bases
``[min(cut), max(cut))`` and the deletion size is ``max(cut) - min(cut)``. Only nucleases that
cut both strands at the same place (blunt ends: SpCas9, SpCas9-NG, SpRY, SaCas9) are accepted:
for a staggered cut the sequence left after end joining depends on how the overhangs are
processed, which GeneTx does not predict.

Ranking (a GeneTx choice, as in ``genetx design``): guides that pass the sequence filters are
ranked in each intron by Doench 2014 Rule Set 1 and the best ``guides_per_side`` of each are
paired; pairs are ranked by the sum of their two Rule Set 1 scores (no score counts 0). When the
off-targets are searched, pairs in which a guide has an off-target with 0 or 1 mismatches are
ranked after the others.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from genetx.errors import BadInputError, InfeasibleDesignError

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    import pandas as pd

    from genetx.edit.nucleases import Nuclease
    from genetx.genome._base import Genome
    from genetx.genome.models import Transcript
    from genetx.progress import Progress

#: Cut window (GeneTx default, shared with ``genetx design``): a cut lies this many bases
#: (inclusive) from the deleted exon, and at least the first number from the exon on the other
#: side of the intron, keeping the cut clear of both exons' splice-site sequences.
DEFAULT_WINDOW = (50, 1000)
#: Guides kept per intron (best by Rule Set 1) before pairing (GeneTx default).
GUIDES_PER_SIDE = 3
#: Pairs kept (GeneTx default).
DEFAULT_TOP = 5
#: Bases shown on each side of the junction (GeneTx default).
JUNCTION_FLANK = 20
#: Columns of :meth:`ExonDeletionDesign.to_frame`, in order.
PAIR_COLUMNS = (
    "pair_id", "exons", "Chromosome", "deletion_start", "deletion_end", "deletion_size",
    "pair_score", "tier",
    "g5_id", "g5_intron", "g5_spacer", "g5_pam", "g5_strand", "g5_start", "g5_end", "g5_cut",
    "g5_distance_to_exon", "g5_rule_set_1", "g5_offtargets", "g5_mm_counts",
    "g5_cfd_specificity", "g5_mit_specificity",
    "g3_id", "g3_intron", "g3_spacer", "g3_pam", "g3_strand", "g3_start", "g3_end", "g3_cut",
    "g3_distance_to_exon", "g3_rule_set_1", "g3_offtargets", "g3_mm_counts",
    "g3_cfd_specificity", "g3_mit_specificity",
    "junction_plus", "junction_transcript", "junction_left", "restores_frame",
)


# --------------------------------------------------------------------------------------------
# result types


class FrameCheckLike(Protocol):
    """What a frame check returns (:class:`genetx.skip.frames.FrameCheck` has these fields)."""

    in_frame: bool | None
    reason: str
    protein_length: int | None


@dataclass(frozen=True)
class FrameVerdict:
    """Whether the transcript left after the deletion is in frame, as the caller's check said.

    Attributes
    ----------
    in_frame
        True (in frame), False (frameshift) or None (no verdict).
    reason
        One line from the check.
    protein_length
        Amino acids of the resulting protein when in frame, else None.
    """

    in_frame: bool | None
    reason: str
    protein_length: int | None = None

    @classmethod
    def from_check(cls, check: FrameCheckLike) -> FrameVerdict:
        """Copy the three fields of any frame-check object."""
        pl = getattr(check, "protein_length", None)
        return cls(check.in_frame, str(check.reason), None if pl is None else int(pl))

    def to_dict(self) -> dict[str, Any]:
        """Plain types (for JSON)."""
        return {"in_frame": self.in_frame, "reason": self.reason,
                "protein_length": self.protein_length}


@dataclass(frozen=True)
class GuideOffTargets:
    """Off-target profile of one guide from the genome-wide engine.

    Attributes
    ----------
    max_mismatches
        Search depth.
    counts
        Off-target sites with 0, 1, ... ``max_mismatches`` mismatches (the guide's own site
        left out).
    cfd_specificity, mit_specificity
        Guide specificities (0-100, CRISPOR's definitions; None for nucleases without CFD).
    on_target
        Whether the guide's own site was found as a perfect match (False on a genome that does
        not hold the locus).
    exonic_offtargets, exonic_genes
        Off-targets in exons of other genes of the annotation (None without an annotation).
    """

    max_mismatches: int
    counts: tuple[int, ...]
    cfd_specificity: float | None
    mit_specificity: float | None
    on_target: bool
    exonic_offtargets: int | None = None
    exonic_genes: tuple[str, ...] = ()

    @property
    def total(self) -> int:
        """All off-target sites within the search depth."""
        return int(sum(self.counts))

    @property
    def close(self) -> int:
        """Off-targets with 0 or 1 mismatches (the ones that demote a pair)."""
        return int(sum(self.counts[:2]))

    def to_dict(self) -> dict[str, Any]:
        """Plain types (for JSON)."""
        return {"max_mismatches": self.max_mismatches, "counts": list(self.counts),
                "total": self.total, "cfd_specificity": self.cfd_specificity,
                "mit_specificity": self.mit_specificity, "on_target": self.on_target,
                "exonic_offtargets": self.exonic_offtargets,
                "exonic_genes": list(self.exonic_genes)}


@dataclass(frozen=True)
class DeletionGuide:
    """One guide of a deletion pair.

    Attributes
    ----------
    guide_id
        ``i<intron>-<rank>`` (``i50-1``: the best guide in intron 50).
    side
        ``5prime`` (intron before the deleted exons, transcript order) or ``3prime``.
    intron
        Intron number (intron k follows exon k).
    exon
        The deleted exon next to the cut.
    chrom, start, end, strand
        Protospacer + PAM span (0-based half-open, plus strand) and the PAM strand.
    spacer, pam
        Spacer (as DNA, 5'->3') and PAM as they read on ``strand``.
    cut
        Plus-strand coordinate of the first base 3' of the break.
    distance_to_exon
        Intron bases between the break and ``exon``.
    rule_set_1, crisprscan
        On-target scores (0-1; None where undefined).
    activity_model
        GeneTx's activity model (0-1) when it is shipped, else None.
    gc
        Spacer GC fraction.
    offtargets
        The off-target profile, when searched.
    """

    guide_id: str
    side: str
    intron: int
    exon: int
    chrom: str
    start: int
    end: int
    strand: str
    spacer: str
    pam: str
    cut: int
    distance_to_exon: int
    rule_set_1: float | None
    crisprscan: float | None
    activity_model: float | None
    gc: float
    offtargets: GuideOffTargets | None = None

    def to_dict(self) -> dict[str, Any]:
        """Plain types (for JSON)."""
        out = {k: v for k, v in self.__dict__.items() if k != "offtargets"}
        out["offtargets"] = self.offtargets.to_dict() if self.offtargets else None
        return out


@dataclass(frozen=True)
class DeletionPair:
    """Two guides whose cuts, joined by NHEJ, delete the exons.

    Attributes
    ----------
    pair_id
        ``DEL-ex<exons>-<rank>``.
    guide_5prime, guide_3prime
        The guide in the intron before the block and the one after it (transcript order).
    start, end
        The deleted bases ``[start, end)`` (plus strand): the two cuts.
    junction_plus
        Plus-strand sequence left around the join: ``junction_left`` bases before ``start``
        followed by the bases from ``end`` on.
    junction_transcript
        The same junction on the transcript strand (reverse complement for a minus-strand gene).
    junction_left
        Bases of ``junction_plus`` before the join.
    score
        Sum of the two guides' Rule Set 1 scores (no score counts 0).
    tier
        1, or 2 when a guide has an off-target with 0-1 mismatches (searched pairs only).
    """

    pair_id: str
    guide_5prime: DeletionGuide
    guide_3prime: DeletionGuide
    start: int
    end: int
    junction_plus: str
    junction_transcript: str
    junction_left: int
    score: float
    tier: int = 1

    @property
    def size(self) -> int:
        """Bases deleted (cut to cut)."""
        return self.end - self.start

    def to_dict(self) -> dict[str, Any]:
        """Plain types (for JSON)."""
        return {"pair_id": self.pair_id, "deletion_start": self.start,
                "deletion_end": self.end, "deletion_size": self.size,
                "junction_plus": self.junction_plus,
                "junction_transcript": self.junction_transcript,
                "junction_left": self.junction_left, "pair_score": round(self.score, 4),
                "tier": self.tier, "guide_5prime": self.guide_5prime.to_dict(),
                "guide_3prime": self.guide_3prime.to_dict()}


@dataclass(frozen=True)
class IntronWindow:
    """Where one guide of a pair may cut.

    Attributes
    ----------
    side
        ``5prime`` or ``3prime`` (transcript order).
    intron
        Intron number.
    exon
        The deleted exon next to it.
    intron_start, intron_end
        The intron (0-based half-open, plus strand).
    start, end
        Allowed cut positions ``[start, end]`` (both inclusive, plus strand).
    exon_left
        True when the deleted exon lies left of the intron (lower coordinates).
    """

    side: str
    intron: int
    exon: int
    intron_start: int
    intron_end: int
    start: int
    end: int
    exon_left: bool

    def distance(self, cut: int) -> int:
        """Intron bases between a break at ``cut`` and the deleted exon."""
        return cut - self.intron_start if self.exon_left else self.intron_end - cut

    def to_dict(self) -> dict[str, Any]:
        """Plain types (for JSON)."""
        return {"side": self.side, "intron": self.intron, "exon": self.exon,
                "intron_start": self.intron_start, "intron_end": self.intron_end,
                "cut_start": self.start, "cut_end": self.end}


@dataclass(frozen=True)
class ExonDeletionDesign:
    """Guide pairs that delete a block of exons (:func:`design_exon_deletion`).

    Attributes
    ----------
    gene, transcript, chrom, strand
        What the exon numbers refer to.
    exons
        The deleted exons (consecutive).
    nuclease
        Nuclease name.
    window
        ``(near, far)`` cut distances from the exon.
    windows
        The two intron windows (5' then 3').
    guides
        The guides kept in each intron, as a guide table with ``side``, ``intron``, ``exon``
        and ``distance_to_exon`` columns (and the off-target profile columns when searched).
    candidates
        Guide sites cutting in each window before filtering and ranking (``{side: n}``).
    pairs
        Ranked guide pairs.
    frame
        The frame after the deletion, when a frame check was given.
    deleted_exon_nt
        Exon bases inside the deletion.
    offtargets_searched, max_mismatches, offtarget_scope
        Whether and how deep the guides were searched, and what the search covered.
    hits
        The off-target site table of the kept guides
        (:func:`genetx.edit.ranking.offtarget_sites`; None when not searched).
    notes
        Remarks.
    """

    gene: str
    transcript: str
    chrom: str
    strand: str
    exons: tuple[int, ...]
    nuclease: str
    window: tuple[int, int]
    windows: tuple[IntronWindow, IntronWindow]
    guides: pd.DataFrame
    candidates: dict[str, int]
    pairs: tuple[DeletionPair, ...]
    frame: FrameVerdict | None
    deleted_exon_nt: int
    offtargets_searched: bool = False
    max_mismatches: int = 4
    offtarget_scope: str = ""
    hits: pd.DataFrame | None = field(default=None, repr=False)
    notes: tuple[str, ...] = ()

    @property
    def exon_label(self) -> str:
        """``51`` or ``45-55``."""
        a, b = self.exons[0], self.exons[-1]
        return str(a) if a == b else f"{a}-{b}"

    def to_frame(self) -> pd.DataFrame:
        """One row per pair (columns :data:`PAIR_COLUMNS`): the ``deletion_pairs.tsv`` table."""
        import pandas as pd

        rows = []
        for p in self.pairs:
            row: dict[str, Any] = {
                "pair_id": p.pair_id, "exons": self.exon_label, "Chromosome": self.chrom,
                "deletion_start": p.start, "deletion_end": p.end, "deletion_size": p.size,
                "pair_score": round(p.score, 4), "tier": p.tier}
            for tag, g in (("g5", p.guide_5prime), ("g3", p.guide_3prime)):
                ot = g.offtargets
                row.update({
                    f"{tag}_id": g.guide_id, f"{tag}_intron": g.intron,
                    f"{tag}_spacer": g.spacer, f"{tag}_pam": g.pam, f"{tag}_strand": g.strand,
                    f"{tag}_start": g.start, f"{tag}_end": g.end, f"{tag}_cut": g.cut,
                    f"{tag}_distance_to_exon": g.distance_to_exon,
                    f"{tag}_rule_set_1": g.rule_set_1,
                    f"{tag}_offtargets": ot.total if ot else None,
                    f"{tag}_mm_counts": ",".join(map(str, ot.counts)) if ot else "",
                    f"{tag}_cfd_specificity": ot.cfd_specificity if ot else None,
                    f"{tag}_mit_specificity": ot.mit_specificity if ot else None})
            row.update({"junction_plus": p.junction_plus,
                        "junction_transcript": p.junction_transcript,
                        "junction_left": p.junction_left,
                        "restores_frame": self.frame.in_frame if self.frame else None})
            rows.append(row)
        return pd.DataFrame(rows, columns=list(PAIR_COLUMNS))

    def to_dict(self) -> dict[str, Any]:
        """Plain types (for JSON)."""
        return {
            "gene": self.gene, "transcript": self.transcript, "chrom": self.chrom,
            "strand": self.strand, "exons": list(self.exons), "nuclease": self.nuclease,
            "window": list(self.window), "windows": [w.to_dict() for w in self.windows],
            "candidates": dict(self.candidates), "deleted_exon_nt": self.deleted_exon_nt,
            "frame": self.frame.to_dict() if self.frame else None,
            "offtargets_searched": self.offtargets_searched,
            "max_mismatches": self.max_mismatches, "offtarget_scope": self.offtarget_scope,
            "pairs": [p.to_dict() for p in self.pairs], "notes": list(self.notes)}


# --------------------------------------------------------------------------------------------
# windows


def _check_exons(transcript: Transcript, exons: Sequence[int]) -> tuple[int, ...]:
    n = transcript.exon_count
    ex = tuple(sorted({int(k) for k in exons}))
    if not ex:
        msg, where = "no exon given to delete", "exons"
        raise BadInputError(where, msg)
    for k in ex:
        if not 1 <= k <= n:
            msg = f"is not an exon of {transcript.id} (exons 1-{n})"
            where = f"exon {k}"
            raise BadInputError(where, msg)
    label = ",".join(map(str, ex))
    if ex[-1] - ex[0] + 1 != len(ex):
        msg = ("are not consecutive: a guide pair deletes one block of exons; give the whole "
               f"block ({ex[0]}-{ex[-1]})")
        where = f"exons {label}"
        raise BadInputError(where, msg)
    if ex[0] == 1:
        msg = (f"is the first exon of {transcript.id}: there is no intron before it to cut in "
               "(a deletion keeps the first and last exons)")
        where = "exon 1"
        raise InfeasibleDesignError(where, msg)
    if ex[-1] == n:
        msg = (f"is the last exon of {transcript.id}: there is no intron after it to cut in "
               "(a deletion keeps the first and last exons)")
        where = f"exon {n}"
        raise InfeasibleDesignError(where, msg)
    return ex


def _check_window(window: tuple[int, int]) -> tuple[int, int]:
    try:
        near, far = (int(x) for x in window)
    except (TypeError, ValueError):
        near, far = -1, -1
    if not 0 <= near < far:
        msg = "must be (near, far) cut distances from the exon with 0 <= near < far"
        where = f"`window={window!r}`"
        raise BadInputError(where, msg)
    return near, far


def deletion_windows(transcript: Transcript, exons: Sequence[int],
                     window: tuple[int, int] = DEFAULT_WINDOW
                     ) -> tuple[IntronWindow, IntronWindow]:
    """The two intron windows in which the cuts that delete ``exons`` may lie.

    Parameters
    ----------
    transcript
        The transcript the exon numbers refer to.
    exons
        Consecutive exon numbers (not the first or last exon).
    window
        ``(near, far)``: a cut lies ``near``-``far`` bases (inclusive) from the deleted exon
        and at least ``near`` bases from the exon on the other side of the intron.

    Returns
    -------
    The 5' and 3' windows (transcript order).

    Raises
    ------
    BadInputError
        For exons outside the transcript, non-consecutive exons or a malformed window.
    InfeasibleDesignError
        When the block includes the first or last exon, or an intron is too short for the
        window.

    Examples
    --------
    >>> from genetx.genome.models import Transcript
    >>> tx = Transcript("T", "G", "c", "+", ((0, 100), (1100, 1200), (2200, 2300)))
    >>> [(w.intron, w.start, w.end) for w in deletion_windows(tx, [2], (50, 300))]
    [(1, 800, 1050), (2, 1250, 1500)]
    """
    ex = _check_exons(transcript, exons)
    near, far = _check_window(window)
    out = []
    for side, intron, exon in (("5prime", ex[0] - 1, ex[0]), ("3prime", ex[-1], ex[-1])):
        s, e = transcript.introns[intron - 1]
        ee = transcript.exons[exon - 1][1]
        if ee == s:  # the deleted exon lies left of the intron (plus strand)
            lo, hi = s + near, min(s + far, e - near)
        else:  # it lies right of the intron
            lo, hi = max(e - far, s + near), e - near
        if hi < lo:
            msg = (f"is {e - s:,} nt long, too short for a cut {near}-{far} nt from exon "
                   f"{exon} that stays {near} nt from the exon on its other side")
            where = f"intron {intron} of {transcript.id}"
            raise InfeasibleDesignError(where, msg)
        out.append(IntronWindow(side, intron, exon, s, e, lo, hi, exon_left=ee == s))
    return out[0], out[1]


# --------------------------------------------------------------------------------------------
# design


def deletion_nuclease(nuclease: str | Nuclease) -> Nuclease:
    """The nuclease called ``nuclease``, when it can make an exon-deletion pair.

    Raises
    ------
    BadInputError
        For an unknown nuclease, or one that cuts with staggered ends (the Cas12a enzymes):
        the junction left after end joining is predicted for blunt cuts only.

    Examples
    --------
    >>> deletion_nuclease("cas9").name
    'SpCas9'
    """
    from genetx.edit.nucleases import get_nuclease, nuclease_names

    nuc = get_nuclease(nuclease)
    if not nuc.blunt:
        blunt = [n for n in nuclease_names() if get_nuclease(n).blunt]
        msg = (f"cuts with staggered ends ({nuc.cut_pam_strand} and {nuc.cut_target_strand} nt "
               "from the PAM): the junction left after end joining is only predicted for "
               f"blunt-cutting nucleases ({', '.join(blunt)})")
        where = f"nuclease {nuc.name!r}"
        raise BadInputError(where, msg)
    return nuc


def _value(v: Any) -> float | None:
    if v is None:
        return None
    f = float(v)
    return None if math.isnan(f) else f


def _side_guides(genome: Genome, transcript: Transcript, w: IntronWindow, nuc: Nuclease,
                 keep: int, window: tuple[int, int]) -> tuple[pd.DataFrame, int]:
    """The best ``keep`` filter-passing guides cutting in window ``w``, and the site count."""
    import numpy as np

    from genetx.edit.guides import find_guides

    where = (f"intron {w.intron} of {transcript.id} ({transcript.chrom}:{w.start + 1:,}-"
             f"{w.end:,})")
    try:
        table = find_guides(genome, transcript.chrom, w.start, w.end + 1, nuc)
    except InfeasibleDesignError:
        msg = (f"has no {nuc.name} site ({' or '.join(nuc.pams)} PAM) cutting "
               f"{window[0]}-{window[1]} nt from exon {w.exon}; widen the window or try "
               "another nuclease (SpRY accepts almost any PAM)")
        raise InfeasibleDesignError(where, msg) from None
    table = table[(table["cut"] >= w.start) & (table["cut"] <= w.end)]
    if table.empty:
        msg = (f"has no {nuc.name} site ({' or '.join(nuc.pams)} PAM) cutting "
               f"{window[0]}-{window[1]} nt from exon {w.exon}; widen the window or try "
               "another nuclease (SpRY accepts almost any PAM)")
        raise InfeasibleDesignError(where, msg)
    n_sites = len(table)
    ok = table[table["filters"] == ""]
    if ok.empty:
        msg = (f"has {n_sites} {nuc.name} site(s) cutting {window[0]}-{window[1]} nt from exon "
               f"{w.exon}, but none passes the guide filters (polyT, GC, homopolymer)")
        raise InfeasibleDesignError(where, msg)
    ok = ok.sort_values("rule_set_1", ascending=False, na_position="last", kind="stable")
    ok = ok.head(keep).reset_index(drop=True).copy()
    ok.insert(0, "side", w.side)
    ok.insert(1, "intron", w.intron)
    ok.insert(2, "exon", w.exon)
    ok["distance_to_exon"] = np.array([w.distance(int(c)) for c in ok["cut"]], dtype=np.int64)
    ok["guide_id"] = [f"i{w.intron}-{i + 1}" for i in range(len(ok))]
    return ok, n_sites


def _guide(row: Any, prof: dict[str, Any] | None, max_mm: int) -> DeletionGuide:
    ot = None
    if prof is not None:
        genes = tuple(x for x in str(prof.get("exonic_genes", "") or "").split(",") if x)
        exo = _value(prof.get("exonic_offtargets"))
        ot = GuideOffTargets(
            max_mm, tuple(int(prof[f"mm{m}"]) for m in range(max_mm + 1)),
            _value(prof.get("cfd_specificity")), _value(prof.get("mit_specificity")),
            bool(prof.get("on_target")), None if exo is None else int(exo), genes)
    return DeletionGuide(
        str(row["guide_id"]), str(row["side"]), int(row["intron"]), int(row["exon"]),
        str(row["Chromosome"]), int(row["Start"]), int(row["End"]), str(row["Strand"]),
        str(row["spacer"]), str(row["pam"]), int(row["cut"]), int(row["distance_to_exon"]),
        _value(row.get("rule_set_1")), _value(row.get("crisprscan")),
        _value(row.get("activity_model")), float(row["gc"]), ot)


def _junction(genome: Genome, transcript: Transcript, lo: int, hi: int,
              flank: int) -> tuple[str, str, int]:
    """Plus- and transcript-strand junction after joining ``lo`` to ``hi``; bases left of it."""
    from genetx.core.seq import reverse_complement
    from genetx.edit.guides import available_span

    _, a, b = available_span(genome, transcript.chrom, lo, hi)
    left = genome.fetch(transcript.chrom, max(a, lo - flank), lo).upper()
    right = genome.fetch(transcript.chrom, hi, min(b, hi + flank)).upper()
    plus = left + right
    return plus, (plus if transcript.strand == "+" else reverse_complement(plus)), len(left)


def design_exon_deletion(transcript: Transcript, genome: Genome, exons: Sequence[int], *,
                         nuclease: str | Nuclease = "SpCas9",
                         window: tuple[int, int] = DEFAULT_WINDOW,
                         guides_per_side: int = GUIDES_PER_SIDE, top: int = DEFAULT_TOP,
                         flank: int = JUNCTION_FLANK,
                         frame_check: Callable[[tuple[int, ...]], FrameCheckLike] | None = None,
                         offtargets: bool = True, offtarget_genome: Genome | None = None,
                         max_mismatches: int = 4, annotation: Any = None,
                         progress: Progress | None = None) -> ExonDeletionDesign:
    """Design guide pairs that delete ``exons`` from the genome by cutting the flanking introns.

    Parameters
    ----------
    transcript
        The transcript the exon numbers refer to (either strand).
    genome
        The genome holding the transcript's introns.
    exons
        Consecutive exon numbers to delete (neither the first nor the last exon).
    nuclease
        A blunt-cutting nuclease (:func:`deletion_nuclease`: ``SpCas9``, ``SpCas9-NG``, ``SpRY``,
        ``SaCas9``).
    window
        ``(near, far)``: cut distance from the deleted exon (see :func:`deletion_windows`).
    guides_per_side
        Guides kept in each intron (best by Rule Set 1) and paired.
    top
        Pairs returned.
    flank
        Bases shown on each side of the junction.
    frame_check
        Called with the deleted exons; returns an object with ``in_frame``, ``reason`` and
        ``protein_length`` (e.g. ``lambda ex: genetx.skip.frames.removal_frame(model, ex)``,
        or the patient-specific check of a skip plan). None: the frame is not reported.
    offtargets
        Search the kept guides for off-targets with the genome-wide engine.
    offtarget_genome
        Genome searched (default: ``genome``).
    max_mismatches
        Off-target search depth (0-6; 4 as CRISPOR).
    annotation
        Gene annotation labelling off-targets in other genes' exons (None: not labelled).
    progress
        Progress display for the search.

    Returns
    -------
    The :class:`ExonDeletionDesign`.

    Raises
    ------
    BadInputError
        Exons outside the transcript or not consecutive, a malformed window, a nuclease that
        cuts with staggered ends.
    InfeasibleDesignError
        The first or last exon in the block, an intron too short for the window, or an intron
        window with no guide site (or none passing the sequence filters).

    Examples
    --------
    >>> from genetx.genome.genes import load_gene                     # doctest: +SKIP
    >>> g = load_gene("DMD")                                          # doctest: +SKIP
    >>> d = design_exon_deletion(g.transcript, g.genome, [51])        # doctest: +SKIP
    >>> [w.intron for w in d.windows]                                 # doctest: +SKIP
    [50, 51]
    """
    nuc = deletion_nuclease(nuclease)
    for name, value, lo in (("guides_per_side", guides_per_side, 1), ("top", top, 1),
                            ("flank", flank, 1)):
        if int(value) < lo:
            msg = f"must be at least {lo}"
            where = f"`{name}={value!r}`"
            raise BadInputError(where, msg)
    near_far = _check_window(window)
    ex = _check_exons(transcript, exons)
    w5, w3 = deletion_windows(transcript, ex, near_far)
    g5, n5 = _side_guides(genome, transcript, w5, nuc, guides_per_side, near_far)
    g3, n3 = _side_guides(genome, transcript, w3, nuc, guides_per_side, near_far)
    import pandas as pd

    kept = pd.concat([g5, g3], ignore_index=True)
    notes: list[str] = []
    profiles: dict[str, dict[str, Any]] = {}
    hits = None
    scope = ""
    if offtargets:
        from genetx.edit.ranking import profile_offtargets

        target = offtarget_genome if offtarget_genome is not None else genome
        result = profile_offtargets(kept, target, nuc, max_mismatches=max_mismatches,
                                    annotation=annotation, gene=transcript.gene,
                                    progress=progress)
        scope, hits, prof = result.scope, result.sites, result.profile
        kept = kept.merge(prof, on="guide_id", how="left")
        profiles = {str(r["guide_id"]): r for r in prof.to_dict("records")}
        missing = [str(r["guide_id"]) for r in prof.to_dict("records") if not r["on_target"]]
        if missing:
            notes.append(f"guide(s) {', '.join(missing)} were not found at their own site in "
                         "the off-target genome (a genome without this locus, or another "
                         "assembly): their counts may include the intended site")
    side5 = [_guide(r, profiles.get(str(r["guide_id"])) if offtargets else None,
                    max_mismatches) for r in kept[kept["side"] == "5prime"].to_dict("records")]
    side3 = [_guide(r, profiles.get(str(r["guide_id"])) if offtargets else None,
                    max_mismatches) for r in kept[kept["side"] == "3prime"].to_dict("records")]
    scored = []
    for a in side5:
        for b in side3:
            score = (a.rule_set_1 or 0.0) + (b.rule_set_1 or 0.0)
            tier = 1
            if offtargets and ((a.offtargets and a.offtargets.close)
                               or (b.offtargets and b.offtargets.close)):
                tier = 2
            scored.append((tier, -score, a, b))
    scored.sort(key=lambda t: (t[0], t[1]))
    label = f"{ex[0]}-{ex[-1]}" if len(ex) > 1 else str(ex[0])
    pairs = []
    for i, (tier, neg, a, b) in enumerate(scored[:top], start=1):
        lo, hi = sorted((a.cut, b.cut))
        plus, tx_seq, left = _junction(genome, transcript, lo, hi, flank)
        pairs.append(DeletionPair(f"DEL-ex{label}-{i}", a, b, lo, hi, plus, tx_seq, left,
                                  -neg, tier))
    frame = FrameVerdict.from_check(frame_check(ex)) if frame_check is not None else None
    if frame is None:
        notes.append("frame not checked (no frame check given)")
    exon_nt = sum(transcript.exons[k - 1][1] - transcript.exons[k - 1][0] for k in ex)
    return ExonDeletionDesign(
        transcript.gene, transcript.id, transcript.chrom, transcript.strand, ex, nuc.name,
        near_far, (w5, w3), kept, {"5prime": n5, "3prime": n3}, tuple(pairs), frame, exon_nt,
        offtargets, max_mismatches, scope, hits, tuple(notes))


__all__ = ["DEFAULT_TOP", "DEFAULT_WINDOW", "GUIDES_PER_SIDE", "JUNCTION_FLANK", "PAIR_COLUMNS",
           "DeletionGuide", "DeletionPair", "ExonDeletionDesign", "FrameCheckLike",
           "FrameVerdict", "GuideOffTargets", "IntronWindow", "deletion_nuclease",
           "deletion_windows", "design_exon_deletion"]
