"""Which exon skips restore the reading frame for a patient's variant.

A patient variant becomes a :class:`Lesion`: the exon order of the patient's transcript (a
deletion leaves exons out, a duplication repeats a block) plus, for point variants, the exon
that carries the nonsense or frameshift change. :func:`enumerate_skips` then tries every set of
exons an antisense oligonucleotide could make the spliceosome skip (up to ``max_exons`` exons,
contiguous in the patient's transcript and touching the lesion; for a point variant the set
must include the variant's exon, which goes with it) and keeps those after which translation
stays in frame (:func:`genetx.skip.frames.check_order`). The first and last exons and the
exons holding the start and stop codons are never skipped.

Duplications are handled as follows. An antisense oligonucleotide cannot tell the two copies of
a duplicated exon apart, so skipping exon(s) ``a..b`` in a patient with ``dup exa-b`` gives a
mixture: transcripts where one copy is skipped are wild type, and those where both copies are
skipped lack ``a..b``. The plan lists "skip a..b" first, with both outcomes, then any other skip
after which the duplicated transcript is in frame when every copy of the skipped exons is
removed. Skipping both copies removes exactly the coding length the duplication inserted, so for
a frameshifting duplication that outcome is out of frame as well: only the one-copy transcripts
help, which is why the mixture matters (the plan says so in ``both_copies``).

:func:`plan_skips` adds what needs cited data or the sequence: resulting protein lengths
checked by translating the new transcript (a stop codon can arise at a new junction), protein
regions lost (from the RefSeq record's annotation), cited cautions, approved drugs and the share
of patients each skip applies to. Cited facts exist only for DMD on NM_004006 (the numbering of
the drug labels); for other genes and transcripts these fields stay empty rather than invented.
The CRISPR alternative (deleting the same exons from the genome with a guide pair) gives the
same transcript; :func:`deletion_check` states the patient's frame after such a deletion, and the
guide pairs are designed by :mod:`genetx.edit.exon_deletion` (called by the CLI and the
orchestrator, since this package does not import the editing package).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from genetx.errors import InfeasibleDesignError, InvalidVariantError
from genetx.skip import data as facts
from genetx.skip.frames import (
    FrameCheck,
    FrameModel,
    ProteinOutcome,
    check_order,
    deletion_order,
    duplication_order,
    exon_removal_in_frame,
    exon_sequences,
    reference_order,
    removal_order,
    translate_order,
)

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from genetx.genome._base import Genome
    from genetx.genome.models import Transcript
    from genetx.genome.variants import Variant

#: Default largest number of exons in one skip (single and double skips, as in the
#: applicability analysis of Aartsma-Rus et al. 2009, Hum Mutat 30:293); cited multi-exon
#: skips (DMD 45-55) are added whatever their size.
DEFAULT_MAX_EXONS = 2


# --------------------------------------------------------------------------------------------
# the patient's lesion


@dataclass(frozen=True)
class Lesion:
    """A patient's change as the frame arithmetic sees it.

    Attributes
    ----------
    kind
        ``exon_deletion``, ``exon_duplication``, ``nonsense`` or ``frameshift``.
    exons
        Exons deleted or duplicated, or the one exon holding a point variant.
    order
        Exon order of the patient's transcript.
    length_changes
        ``((exon, nt), ...)``: net coding-length change of a frameshift's exon.
    description
        How the change reads (``del ex45-50``, ``c.7657C>T p.(Arg2553Ter)``).
    """

    kind: str
    exons: tuple[int, ...]
    order: tuple[int, ...]
    length_changes: tuple[tuple[int, int], ...] = ()
    description: str = ""

    @classmethod
    def deletion(cls, model: FrameModel, first: int, last: int) -> Lesion:
        """Deletion of exons ``first..last``."""
        order = deletion_order(model, first, last)
        return cls("exon_deletion", tuple(range(first, last + 1)), order,
                   description=f"del ex{first}" + (f"-{last}" if last > first else ""))

    @classmethod
    def duplication(cls, model: FrameModel, first: int, last: int) -> Lesion:
        """Tandem duplication of exons ``first..last``."""
        order = duplication_order(model, first, last)
        return cls("exon_duplication", tuple(range(first, last + 1)), order,
                   description=f"dup ex{first}" + (f"-{last}" if last > first else ""))

    @classmethod
    def point(cls, model: FrameModel, exon: int, kind: str, delta: int = 0,
              description: str = "") -> Lesion:
        """A nonsense (``delta`` 0) or frameshift (``delta`` the net nt change) in ``exon``."""
        model.exon(exon)
        changes = ((exon, delta),) if delta else ()
        return cls(kind, (exon,), reference_order(model), changes,
                   description or f"{kind} in exon {exon}")

    def frame(self, model: FrameModel) -> FrameCheck:
        """The reading frame of the patient's transcript."""
        return check_order(model, self.order, dict(self.length_changes))


def _region_word(regions: tuple[str, ...]) -> str:
    names = {"utr5": "the 5' UTR", "utr3": "the 3' UTR", "upstream": "upstream of the gene",
             "downstream": "downstream of the gene", "exon": "a non-coding exon"}
    for key, text in names.items():
        if key in regions:
            return text
    return "the transcript"


_HANDLED = ("exon deletions and duplications (del ex45-50, dup ex2) and nonsense or frameshift "
            "variants inside a coding exon")


def lesion_from_variant(variant: Variant, model: FrameModel) -> Lesion:
    """Turn a parsed :class:`~genetx.genome.variants.Variant` into a :class:`Lesion`.

    Raises
    ------
    InvalidVariantError
        When the variant lies in an intron, a UTR or outside the gene, or was parsed on another
        transcript.
    InfeasibleDesignError
        When the variant keeps the reading frame and adds no stop codon (missense, synonymous,
        in-frame indels), or changes the start or stop codon.
    """
    eff = variant.effect
    text = variant.notation
    if eff is None or eff.transcript != model.transcript:
        msg = f"was not described on {model.transcript}"
        raise InvalidVariantError(text, msg)
    if variant.is_exon_level and variant.exon_range is not None:
        a, b = variant.exon_range
        if variant.kind == "exon_deletion":
            lesion = Lesion.deletion(model, a, b)
        else:
            lesion = Lesion.duplication(model, a, b)
        return Lesion(lesion.kind, lesion.exons, lesion.order, description=text)
    regions = tuple(eff.regions)
    if "intron" in regions:
        where = f"intron {eff.introns[0]}" if eff.introns else "an intron"
        msg = (f"lies in {where} of {model.transcript} ({eff.hgvs_c}); the effect of intronic "
               f"and splice-site changes on splicing is not predicted, so only {_HANDLED} are "
               "planned")
        raise InvalidVariantError(text, msg)
    if regions != ("cds",) or len(eff.exons) != 1:
        msg = (f"lies in {_region_word(regions)} of {model.transcript} ({eff.hgvs_c}), not in "
               f"the coding sequence; exon skipping plans handle {_HANDLED}")
        raise InvalidVariantError(text, msg)
    exon = eff.exons[0]
    label = f"{eff.hgvs_c} {eff.protein}" if eff.protein else eff.hgvs_c
    if eff.consequence == "stop_gained":
        return Lesion.point(model, exon, "nonsense", 0, label)
    if eff.frame == "frameshift" and eff.coding_change is not None:
        return Lesion.point(model, exon, "frameshift", eff.coding_change, label)
    if eff.consequence in ("start_lost", "stop_lost"):
        msg = (f"is a {eff.consequence.replace('_', ' ')} change ({label}): skipping an exon "
               "cannot restore the start or stop codon")
        raise InfeasibleDesignError(text, msg)
    msg = (f"is a {eff.consequence} ({label}): it keeps the reading frame and adds no stop "
           "codon, so there is no frame for a skip to restore")
    raise InfeasibleDesignError(text, msg)


# --------------------------------------------------------------------------------------------
# enumeration (pure)


def _blocks_touching(order: Sequence[int], lo: int, hi: int,
                     max_exons: int) -> list[tuple[int, ...]]:
    """Contiguous runs ``order[p:q]`` (1 <= q - p <= max_exons) with ``p <= lo`` and ``q >= hi``.

    With ``lo == hi`` the run only has to touch the junction before position ``lo``.
    """
    n = len(order)
    out = []
    for p in range(max(0, hi - max_exons), min(lo, n - 1) + 1):
        for q in range(max(hi, p + 1), min(n, p + max_exons) + 1):
            out.append(tuple(order[p:q]))
    return out


def candidate_skips(model: FrameModel, lesion: Lesion,
                    max_exons: int = DEFAULT_MAX_EXONS) -> list[tuple[int, ...]]:
    """Exon sets to try for ``lesion``, before any frame check (sorted, without repeats).

    Deletions: runs of exons next to (and on either side of) the deletion junction in the
    patient's transcript. Point variants: runs that include the variant's exon. Duplications:
    runs of reference exons overlapping the duplicated block or adjacent to it. Sets holding an
    exon that may not be skipped are dropped.
    """
    if max_exons < 1:
        return []
    order = lesion.order
    cands: set[tuple[int, ...]] = set()
    if lesion.kind == "exon_deletion":
        first = lesion.exons[0]
        junction = sum(1 for k in order if k < first)
        if 0 < junction < len(order):
            for block in _blocks_touching(order, junction, junction, max_exons):
                cands.add(tuple(sorted(block)))
    elif lesion.kind in ("nonsense", "frameshift"):
        i = order.index(lesion.exons[0])
        for block in _blocks_touching(order, i, i + 1, max_exons):
            cands.add(tuple(sorted(block)))
    elif lesion.kind == "exon_duplication":
        a, b = lesion.exons[0], lesion.exons[-1]
        for x in range(1, model.n_exons + 1):
            for y in range(x, min(model.n_exons, x + max_exons - 1) + 1):
                if x <= b + 1 and y >= a - 1:
                    cands.add(tuple(range(x, y + 1)))
    return sorted(c for c in cands if all(model.skippable(k) for k in c))


def enumerate_skips(model: FrameModel, lesion: Lesion, max_exons: int = DEFAULT_MAX_EXONS,
                    ) -> list[tuple[tuple[int, ...], FrameCheck]]:
    """Skips after which the patient's transcript is in frame, fewest exons first.

    Each skip removes every copy of its exons from ``lesion.order``. Ties are broken by the
    coding length kept (longest protein first), then by position.

    Examples
    --------
    >>> m = FrameModel.from_lengths([10, 9, 7, 11, 12, 14], utr5=4, utr3=5)
    >>> [s for s, _ in enumerate_skips(m, Lesion.deletion(m, 3, 3))]
    [(4,), (2, 4), (4, 5)]
    """
    out = []
    for skip in candidate_skips(model, lesion, max_exons):
        fc = check_order(model, removal_order(lesion.order, skip), dict(lesion.length_changes))
        if fc.in_frame:
            out.append((skip, fc))
    out.sort(key=lambda t: (len(t[0]), t[1].removed_coding(model) or 0, t[0]))
    return out


def evaluate_skip(model: FrameModel, lesion: Lesion, skip: Sequence[int]) -> FrameCheck:
    """Frame of the patient's transcript after skipping exactly ``skip`` (a user's choice).

    Raises
    ------
    BadInputError
        When an exon may not be skipped (first, last, start- or stop-codon exon) or is already
        missing from the patient's transcript.
    """
    from genetx.errors import BadInputError

    for k in skip:
        why = model.skip_block_reason(k)
        if why is not None:
            where = f"skip exon {k}"
            raise BadInputError(where, why)
        if k not in lesion.order:
            where = f"skip exon {k}"
            msg = (f"exon {k} is already missing from the patient's transcript "
                   f"({lesion.description})")
            raise BadInputError(where, msg)
    return check_order(model, removal_order(lesion.order, skip), dict(lesion.length_changes))


def deletion_check(model: FrameModel, lesion: Lesion, exons: Sequence[int]) -> FrameCheck:
    """Frame of the patient's transcript after deleting ``exons`` from the patient's genome.

    A guide pair deletes one block of the genome: every exon of ``exons`` that the patient's
    transcript holds goes, which is the transcript skipping them gives (exons of the block that
    the patient already lacks change nothing). For a duplication whose duplicated block is
    exactly ``exons``, deleting one copy restores the reference transcript: that is the outcome
    returned, and its reason also gives the frame when both copies are deleted.

    Parameters
    ----------
    model
        The transcript's frame model.
    lesion
        The patient's lesion.
    exons
        The deleted exons (consecutive in the reference numbering).

    Returns
    -------
    The :class:`~genetx.skip.frames.FrameCheck` of the resulting transcript.

    Examples
    --------
    >>> m = FrameModel.from_lengths([10, 9, 7, 11, 12, 14], utr5=4, utr3=5)
    >>> deletion_check(m, Lesion.deletion(m, 3, 3), [4]).in_frame
    True
    """
    for k in exons:
        model.exon(k)
    changes = dict(lesion.length_changes)
    if lesion.kind == "exon_duplication" and tuple(sorted(set(exons))) == lesion.exons:
        ref = check_order(model, reference_order(model))
        both = check_order(model, removal_order(lesion.order, exons), changes)
        verdict = ("in frame" if both.in_frame else "no verdict" if both.in_frame is None
                   else "out of frame")
        reason = (f"deleting one copy of the duplicated exons restores the reference "
                  f"transcript; deleting both copies is {verdict} ({both.reason})")
        return replace(ref, reason=reason)
    return check_order(model, removal_order(lesion.order, exons), changes)


def breakpoint_introns(model: FrameModel, lesion: Lesion) -> tuple[int, ...]:
    """Introns in which the breakpoints of an exon deletion or duplication lie.

    The patient's deletion of exons ``a..b`` (or duplication) joins somewhere in intron
    ``a - 1`` to somewhere in intron ``b``; where is unknown, so a guide designed on the
    reference sequence of those introns may be missing (or present twice) on the patient's
    allele. Point variants have none.

    Examples
    --------
    >>> m = FrameModel.from_lengths([10, 9, 7, 11, 12, 14], utr5=4, utr3=5)
    >>> breakpoint_introns(m, Lesion.deletion(m, 3, 4))
    (2, 4)
    """
    if lesion.kind not in ("exon_deletion", "exon_duplication"):
        return ()
    a, b = lesion.exons[0], lesion.exons[-1]
    return tuple(k for k in (a - 1, b) if 1 <= k < model.n_exons)


# --------------------------------------------------------------------------------------------
# the plan


@dataclass(frozen=True)
class Strategy:
    """One way to restore the frame.

    Attributes
    ----------
    skip
        Exons to skip (the antisense targets), in exon numbering of the transcript.
    exons_lost
        Exons absent from the resulting transcript (the patient's deletion plus the skip);
        empty when the skip restores the wild type.
    order
        Exon order of the resulting transcript.
    removed_coding
        Coding nucleotides lost relative to the reference.
    protein_length
        Amino acids of the resulting protein by frame arithmetic.
    checked_protein_length
        Amino acids found by translating the resulting transcript, None without a genome.
    premature_stop
        True when translation stops early (a stop codon at a new junction); None unchecked.
    restores_wild_type
        True for the one-copy outcome of skipping a duplicated exon.
    both_copies
        For a duplication: the frame when both copies of the skipped exons are removed.
    regions_lost
        Protein regions (from the RefSeq annotation) that lose at least one residue, marked
        ``(part)`` when only partly removed.
    cautions
        Cited warnings about the loss.
    drugs
        Approved drugs that perform this skip.
    share
        Cited share of patients the skip applies to (dict with value, basis, sources), or None.
    cited
        Source ids when the skip itself is a cited strategy (the DMD 45-55 skip).
    notes
        Short remarks.
    """

    skip: tuple[int, ...]
    exons_lost: tuple[int, ...]
    order: tuple[int, ...]
    removed_coding: int
    protein_length: int
    checked_protein_length: int | None = None
    premature_stop: bool | None = None
    restores_wild_type: bool = False
    both_copies: FrameCheck | None = None
    regions_lost: tuple[str, ...] = ()
    cautions: tuple[facts.Caution, ...] = ()
    drugs: tuple[str, ...] = ()
    share: dict[str, Any] | None = None
    cited: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def n_exons(self) -> int:
        """Number of exons skipped."""
        return len(self.skip)

    def to_dict(self) -> dict[str, Any]:
        """Plain types only (for JSON)."""
        both = None
        if self.both_copies is not None:
            both = {"exons_lost": sorted(set(self.skip)), "in_frame": self.both_copies.in_frame,
                    "reason": self.both_copies.reason,
                    "protein_length": self.both_copies.protein_length}
        return {
            "skip": list(self.skip), "n_exons": self.n_exons, "exons_lost": list(self.exons_lost),
            "removed_coding_nt": self.removed_coding, "protein_length": self.protein_length,
            "checked_protein_length": self.checked_protein_length,
            "premature_stop": self.premature_stop, "restores_wild_type": self.restores_wild_type,
            "both_copies_skipped": both, "regions_lost": list(self.regions_lost),
            "cautions": [{"text": c.text, "sources": list(c.sources)} for c in self.cautions],
            "approved_drugs": list(self.drugs), "share_of_patients": self.share,
            "cited": list(self.cited), "notes": list(self.notes),
        }


@dataclass(frozen=True)
class SkipPlan:
    """Every frame-restoring skip for one patient variant.

    Attributes
    ----------
    gene, transcript
        Gene symbol and transcript id the exon numbers refer to.
    variant
        The variant as given.
    lesion
        The patient's lesion.
    patient_frame
        Frame of the patient's transcript.
    patient_protein
        Translation of the patient's transcript (None without a genome).
    status
        ``restorable`` (strategies found), ``in_frame`` (the lesion keeps the frame: nothing to
        restore), ``not_restorable`` (no skip within the limits restores it) or
        ``no_verdict`` (the start- or stop-codon exon is lost).
    reason
        One line explaining the status.
    strategies
        Frame-restoring skips, fewest exons first.
    max_exons
        The size limit used (cited multi-exon skips are added beyond it).
    variant_exon_in_frame
        For a point variant: whether its exon can be removed alone without a frameshift.
    drugs
        Approved drugs that apply (dicts from the cited data, with sources).
    notes
        Remarks about the whole plan.
    """

    gene: str
    transcript: str
    variant: str
    lesion: Lesion
    patient_frame: FrameCheck
    patient_protein: ProteinOutcome | None
    status: str
    reason: str
    strategies: tuple[Strategy, ...]
    max_exons: int
    variant_exon_in_frame: bool | None = None
    drugs: tuple[dict[str, Any], ...] = ()
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """Plain types only (for JSON)."""
        pf = self.patient_frame
        pp = self.patient_protein
        return {
            "gene": self.gene, "transcript": self.transcript, "variant": self.variant,
            "lesion": {"kind": self.lesion.kind, "exons": list(self.lesion.exons),
                       "description": self.lesion.description,
                       "length_changes": [list(x) for x in self.lesion.length_changes]},
            "patient": {
                "in_frame": pf.in_frame, "reason": pf.reason,
                "shift_at": list(pf.shift_at) if pf.shift_at else None,
                "protein_length": (pp.protein_length if pp is not None else pf.protein_length),
                "protein_checked_on_sequence": pp is not None,
            },
            "status": self.status, "reason": self.reason, "max_exons": self.max_exons,
            "variant_exon_in_frame": self.variant_exon_in_frame,
            "strategies": [s.to_dict() for s in self.strategies],
            "approved_drugs": [dict(d) for d in self.drugs],
            "notes": list(self.notes),
        }


def _regions_lost(model: FrameModel, lost: tuple[int, ...],
                  regions: tuple[facts.Region, ...]) -> tuple[str, ...]:
    spans = [(model.exon(k).cds_start, model.exon(k).cds_end) for k in lost
             if model.exon(k).coding]
    out = []
    for r in regions:
        hit = sum(max(0, min(r.c_end, b) - max(r.c_start, a) + 1)  # type: ignore[operator]
                  for a, b in spans)
        if hit:
            whole = hit >= r.c_end - r.c_start + 1
            out.append(r.name if whole else f"{r.name} (part)")
    return tuple(out)


def _cautions(model: FrameModel, lost: tuple[int, ...], regions_lost: tuple[str, ...],
              ) -> tuple[facts.Caution, ...]:
    out = []
    names = {r.removesuffix(" (part)") for r in regions_lost}
    for c in facts.cautions(model.gene):
        if (c["kind"] == "exon" and c["exon"] in lost) or (
                c["kind"] == "region" and c["region"] in names):
            out.append(facts.Caution(c["text"], tuple(c["sources"])))
    return tuple(out)


def _cited_blocks(model: FrameModel, lesion: Lesion,
                  ) -> list[tuple[tuple[int, ...], str, tuple, tuple[int, ...]]]:
    """Cited multi-exon skips that apply to the lesion: (skip, name, sources, whole block)."""
    out = []
    for m in facts.multi_exon_skips(model.gene):
        lo, hi = m["exons"]
        if not all(lo <= k <= hi for k in lesion.exons):
            continue
        present = set(lesion.order)
        skip = tuple(k for k in range(lo, hi + 1) if k in present)
        if skip and all(model.skippable(k) for k in skip):
            out.append((skip, m["name"], tuple(m["sources"]), tuple(range(lo, hi + 1))))
    return out


def plan_lesion(model: FrameModel, lesion: Lesion, *, variant: str = "",
                exon_seqs: Sequence[str] | None = None,
                edits: Mapping[int, str] | None = None,
                max_exons: int = DEFAULT_MAX_EXONS) -> SkipPlan:
    """Plan the frame-restoring skips for a lesion.

    Parameters
    ----------
    model
        Frame model of the transcript the exon numbers refer to.
    lesion
        The patient's lesion.
    variant
        The variant as the user wrote it (for messages).
    exon_seqs
        Reference exon sequences (:func:`~genetx.skip.frames.exon_sequences`); with them every
        outcome is translated to find stop codons at new junctions.
    edits
        The patient's exon sequences where a point variant changes them.
    max_exons
        Largest skip to enumerate.

    Returns
    -------
    The :class:`SkipPlan`.
    """
    cited_ok = facts.numbering_applies(model.gene, model.transcript)
    regions = facts.regions(model.gene, model.transcript) if cited_ok else ()
    pf = lesion.frame(model)
    pp = (translate_order(model, exon_seqs, lesion.order, edits)
          if exon_seqs is not None else None)
    notes: list[str] = []
    vin = None
    if lesion.kind in ("nonsense", "frameshift"):
        vin = exon_removal_in_frame(model, lesion.exons[0])
    # --- status of the patient's transcript
    blocked = [k for k in lesion.exons if not model.skippable(k)]
    if lesion.kind == "nonsense":
        status, reason = "restorable", f"premature stop codon in exon {lesion.exons[0]}"
    elif pf.in_frame is None:
        status, reason = "no_verdict", pf.reason
    elif pf.in_frame:
        status = "in_frame"
        reason = "the change keeps the reading frame: nothing to restore"
        if model.gene == "DMD":
            reason = ("the change keeps the reading frame (an internally shortened dystrophin, "
                      "as in Becker muscular dystrophy by the reading-frame rule): nothing to "
                      "restore")
    else:
        status, reason = "restorable", pf.reason
    if status == "restorable" and lesion.kind in ("nonsense", "frameshift") and blocked:
        status = "not_restorable"
        reason = (f"the variant lies in exon {blocked[0]}, which may not be skipped: "
                  f"{model.skip_block_reason(blocked[0])}")
    strategies: list[Strategy] = []
    why_broken = reason
    if status == "restorable":
        found = enumerate_skips(model, lesion, max_exons)
        listed = {s for s, _ in found}
        extra = []
        for skip, name, srcs, block in _cited_blocks(model, lesion) if cited_ok else []:
            fc = check_order(model, removal_order(lesion.order, skip),
                             dict(lesion.length_changes))
            if fc.in_frame:
                extra.append((skip, fc if skip not in listed else None, name, srcs, block))
        cited_map = {skip: (name, srcs, block) for skip, _f, name, srcs, block in extra}
        rows: list[tuple[tuple[int, ...], FrameCheck, bool, FrameCheck | None]] = []
        if lesion.kind == "exon_duplication" and not blocked:
            both = check_order(model, removal_order(lesion.order, lesion.exons))
            ref = check_order(model, reference_order(model))
            rows.append((lesion.exons, ref, True, both))
        for skip, fc in found:
            if lesion.kind == "exon_duplication" and skip == lesion.exons:
                continue  # listed above with both outcomes
            rows.append((skip, fc, False, None))
        rows += [(skip, fc, False, None) for skip, fc, *_rest in extra if fc is not None]
        for skip, fc, wild, both in rows:
            strategies.append(_strategy(model, lesion, skip, fc, wild, both, regions, cited_ok,
                                        exon_seqs, cited_map.get(skip)))
        if lesion.kind == "exon_duplication" and blocked:
            notes.append(f"the duplicated exons include exon {blocked[0]}, which may not be "
                         f"skipped ({model.skip_block_reason(blocked[0])})")
        if not strategies:
            status = "not_restorable"
            reason = (f"no skip of up to {max_exons} exon(s) next to the lesion restores the "
                      f"frame ({why_broken})")
    drugs = []
    if cited_ok:
        by_exon = {s.skip: s for s in strategies if len(s.skip) == 1}
        for d in facts.approved_drugs(model.gene):
            if (d["skips_exon"],) in by_exon:
                drugs.append(d)
    if lesion.kind == "exon_duplication" and strategies:
        notes.append("an antisense oligonucleotide acts on both copies of a duplicated exon: "
                     "transcripts with one copy skipped are wild type, those with both copies "
                     "skipped lack the exons (see both_copies_skipped)")
    if strategies and lesion.kind == "exon_duplication":
        notes.append("deleting one copy of the duplicated exons from the genome (CRISPR guide "
                     "pair in the flanking introns) would restore the wild type; the pair's "
                     "sites recur in every copy of the duplicated segment, whose breakpoints "
                     "are unknown, so both copies may be removed as well")
    elif strategies:
        notes.append("deleting the same exons from the genome (CRISPR guide pair in the flanking "
                     "introns) gives the same transcript")
    if not cited_ok:
        notes.append(f"no cited drug, applicability or caution data for {model.gene} "
                     f"{model.transcript}: those fields are left empty")
    return SkipPlan(model.gene, model.transcript, variant or lesion.description, lesion, pf, pp,
                    status, reason, tuple(strategies), max_exons, vin, tuple(drugs),
                    tuple(notes))


def _strategy(model: FrameModel, lesion: Lesion, skip: tuple[int, ...], fc: FrameCheck,
              wild: bool, both: FrameCheck | None, regions: tuple[facts.Region, ...],
              cited_ok: bool, exon_seqs: Sequence[str] | None,
              cited: tuple[str, tuple, tuple[int, ...]] | None) -> Strategy:
    order = reference_order(model) if wild else fc.order
    lost = tuple(sorted(set(reference_order(model)) - set(order)))
    checked = premature = None
    if exon_seqs is not None:
        out = translate_order(model, exon_seqs, order)
        checked, premature = out.protein_length, out.premature_stop
    rl = _regions_lost(model, lost, regions) if regions else ()
    notes: list[str] = []
    if wild:
        notes.append("skipping one copy of the duplicated exons restores the wild-type "
                     "transcript")
    if premature:
        notes.append(f"a stop codon arises in the new transcript: the protein ends after "
                     f"{checked} amino acids instead of {fc.protein_length}")
    share = facts.applicability(model.gene, skip) if cited_ok else None
    if cited is not None and share is None and cited_ok:
        share = facts.applicability(model.gene, cited[2])
    drugs = tuple(d["id"] for d in facts.approved_drugs(model.gene)
                  if cited_ok and (d["skips_exon"],) == skip)
    cited_src: tuple[str, ...] = ()
    if cited is not None:
        name, srcs, _block = cited
        cited_src = tuple(srcs)
        notes.append(f"cited strategy: {name}")
    removed = model.cds_length - (fc.coding_length or 0)
    return Strategy(skip=skip, exons_lost=lost, order=tuple(order), removed_coding=removed,
                    protein_length=fc.protein_length or 0, checked_protein_length=checked,
                    premature_stop=premature, restores_wild_type=wild, both_copies=both,
                    regions_lost=rl, cautions=_cautions(model, lost, rl) if cited_ok else (),
                    drugs=drugs, share=share, cited=cited_src, notes=tuple(notes))


def _patient_edit(variant: Variant, tx: Transcript, genome: Genome,
                  exon: int) -> dict[int, str] | None:
    """The patient's sequence of ``exon`` (transcript strand), or None when it cannot be built."""
    from genetx.core.seq import reverse_complement
    from genetx.errors import GeneTxError

    s, e = tx.exons[exon - 1]
    if variant.ref is None or variant.alt is None or not (s <= variant.start <= variant.end <= e):
        return None
    try:
        plus = genome.fetch(tx.chrom, s, e).upper()
    except GeneTxError:
        return None
    new = plus[:variant.start - s] + variant.alt + plus[variant.end - s:]
    return {exon: new if tx.strand == "+" else reverse_complement(new)}


def plan_skips(variant: Variant, transcript: Transcript, genome: Genome | None = None, *,
               max_exons: int = DEFAULT_MAX_EXONS) -> SkipPlan:
    """Plan the frame-restoring skips for a parsed patient variant.

    Parameters
    ----------
    variant
        From :func:`genetx.genome.variants.parse_variant` on ``transcript``.
    transcript
        The transcript whose exon numbering the plan uses.
    genome
        The genome holding the transcript; with it every outcome is translated. A genome that
        does not hold the transcript's sequence is skipped with a note.
    max_exons
        Largest skip to enumerate (cited multi-exon skips are added beyond it).

    Returns
    -------
    The :class:`SkipPlan`.

    Raises
    ------
    InvalidVariantError
        For intronic, UTR and intergenic variants.
    InfeasibleDesignError
        For variants that keep the frame without a stop codon, or change the start or stop
        codon.
    """
    from genetx.errors import GeneTxError

    model = FrameModel.from_transcript(transcript)
    lesion = lesion_from_variant(variant, model)
    seqs = None
    edits = None
    extra_note = None
    if genome is not None:
        try:
            seqs = exon_sequences(transcript, genome)
        except GeneTxError as exc:
            extra_note = f"protein lengths not checked on the sequence ({exc})"
        if seqs is not None and lesion.kind in ("nonsense", "frameshift"):
            edits = _patient_edit(variant, transcript, genome, lesion.exons[0])
    plan = plan_lesion(model, lesion, variant=variant.notation, exon_seqs=seqs, edits=edits,
                       max_exons=max_exons)
    if extra_note:
        plan = replace(plan, notes=(*plan.notes, extra_note))
    return plan


__all__ = ["DEFAULT_MAX_EXONS", "Lesion", "SkipPlan", "Strategy", "breakpoint_introns",
           "candidate_skips", "deletion_check", "enumerate_skips", "evaluate_skip",
           "lesion_from_variant", "plan_lesion", "plan_skips"]
