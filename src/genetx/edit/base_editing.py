"""Base editing: can ABE8e or BE4max revert a patient's single-base change, and with which guide.

A base editor deaminates one base on the PAM (non-target) strand inside a window of protospacer
positions (1 = PAM-distal end of a 20-nt protospacer, the PAM at 21-23): ABE8e turns A into G
(A*T to G*C), BE4max C into T (C*G to T*A); windows and papers are in
``data/nucleases/editing_rules.json``. To revert a patient's change ``REF>ALT`` (plus strand)
the editor must turn ALT back into REF:

* ALT A, REF G: ABE8e with the protospacer on the plus strand; ALT T, REF C: ABE8e on the minus
  strand (the A is on the minus strand);
* ALT C, REF T: BE4max on the plus strand; ALT G, REF A: BE4max on the minus strand;
* every other change (transversions) is out of reach of these editors (use prime editing).

Guides are found on the *patient* sequence, since the guide must pair with the patient's DNA.
Every other editable base in the window (a *bystander*) may be edited too, so each guide lists
the outcomes of every combination of edits in its window, with the protein each would make
(translated from the edited coding sequence and compared with the reference protein).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from genetx.core.seq import AA3, reverse_complement, translate
from genetx.edit.guides import scan_sequence
from genetx.edit.nucleases import get_base_editor, get_nuclease
from genetx.errors import InfeasibleDesignError

if TYPE_CHECKING:
    import pandas as pd

    from genetx.genome._base import Genome
    from genetx.genome.models import Transcript
    from genetx.genome.variants import Variant

#: Bases read on each side of a variant to find guides around it.
FLANK = 60
_COMP = {"A": "T", "C": "G", "G": "C", "T": "A"}


# --------------------------------------------------------------------------------------------
# alleles and their proteins (shared with prime editing)


def minimal_change(ref: str, new: str, offset: int = 0) -> tuple[int, int, str]:
    """Smallest ``(start, end, replacement)`` turning ``ref`` into ``new`` (common ends trimmed).

    Coordinates are ``offset``-based; ``start == end`` for an insertion.

    Examples
    --------
    >>> minimal_change("ACGTACGT", "ACGAACGT", 100)
    (103, 104, 'A')
    """
    a = 0
    while a < min(len(ref), len(new)) and ref[a] == new[a]:
        a += 1
    b = 0
    while (b < min(len(ref), len(new)) - a and ref[len(ref) - 1 - b] == new[len(new) - 1 - b]):
        b += 1
    return offset + a, offset + len(ref) - b, new[a:len(new) - b]


def edited_cds(transcript: Transcript, genome: Genome, start: int, end: int,
               replacement: str) -> str | None:
    """Coding sequence of ``transcript`` after plus-strand ``[start, end)`` becomes ``replacement``.

    Returns None when the change overlaps an edge of a coding part (an exon-intron boundary or
    the CDS start or end: its effect cannot be read from the sequence alone); the unchanged CDS
    when the change lies outside the coding parts.
    """
    pieces = []
    for s, e in transcript.cds_parts:
        if start == end:
            if start in (s, e):
                return None
            hit = s < start < e
        else:
            hit = s <= start and end <= e
            if not hit and start < e and end > s:
                return None
        if hit:
            seq = (genome.fetch(transcript.chrom, s, start) + replacement
                   + genome.fetch(transcript.chrom, end, e))
        else:
            seq = genome.fetch(transcript.chrom, s, e)
        pieces.append(seq if transcript.strand == "+" else reverse_complement(seq))
    return "".join(pieces).upper()


def protein_of(cds: str) -> str:
    """Translation up to (not including) the first stop codon."""
    return translate(cds, to_stop=True)


def describe_protein(ref: str, new: str) -> str:
    """Short HGVS-style description of ``new`` against ``ref`` (both without the stop).

    ``p.(=)`` when identical; substitutions as ``p.(Arg100Gly)`` (several joined by ``;``);
    otherwise the first changed residue and the new length.

    Examples
    --------
    >>> describe_protein("MAKR", "MAKR"), describe_protein("MAKR", "MGKR")
    ('p.(=)', 'p.(Ala2Gly)')
    >>> describe_protein("MAKR", "MA")
    'p.(Lys3Ter)'
    """
    if ref == new:
        return "p.(=)"
    if len(ref) == len(new):
        subs = [f"{AA3.get(a, 'Xaa')}{i + 1}{AA3.get(b, 'Xaa')}"
                for i, (a, b) in enumerate(zip(ref, new, strict=True)) if a != b]
        return "p.(" + ";".join(subs) + ")"
    i = 0
    while i < min(len(ref), len(new)) and ref[i] == new[i]:
        i += 1
    if i == len(new) and i < len(ref):
        return f"p.({AA3.get(ref[i], 'Xaa')}{i + 1}Ter)"
    first = AA3.get(ref[i], "Ter") if i < len(ref) else "Ter"
    return f"p.({first}{i + 1}: protein changes from residue {i + 1}, {len(new)} aa " \
           f"instead of {len(ref)})"


def protein_after(transcript: Transcript, genome: Genome, start: int, end: int,
                  replacement: str) -> tuple[str | None, str]:
    """Protein after a plus-strand change, and its description against the reference protein.

    Returns
    -------
    ``(protein or None, description)``; None with a reason when the change crosses an
    exon-intron boundary of the coding sequence; ``"non-coding"`` when it misses the CDS.
    """
    ref_cds = "".join(genome.fetch(transcript.chrom, s, e, transcript.strand)
                      for s, e in transcript.cds_parts).upper()
    ref_p = protein_of(ref_cds)
    new_cds = edited_cds(transcript, genome, start, end, replacement)
    if new_cds is None:
        return None, "crosses an exon-intron boundary: effect on splicing not predicted"
    if new_cds == ref_cds:
        return ref_p, "non-coding"
    new_p = protein_of(new_cds)
    return new_p, describe_protein(ref_p, new_p)


def _apply(seq: str, offset: int, changes: dict[int, str]) -> str:
    chars = list(seq)
    for pos, base in changes.items():
        chars[pos - offset] = base
    return "".join(chars)


def protein_of_window(transcript: Transcript, genome: Genome, offset: int, ref_window: str,
                      new_window: str) -> tuple[str | None, str]:
    """Protein when the plus-strand window ``ref_window`` at ``offset`` reads ``new_window``."""
    s, e, rep = minimal_change(ref_window, new_window, offset)
    if s == e and not rep:
        ref_cds = "".join(genome.fetch(transcript.chrom, a, b, transcript.strand)
                          for a, b in transcript.cds_parts).upper()
        return protein_of(ref_cds), "p.(=)"
    return protein_after(transcript, genome, s, e, rep)


# --------------------------------------------------------------------------------------------
# design


@dataclass(frozen=True)
class BaseEditPlan:
    """Base-editing designs for one variant.

    Attributes
    ----------
    variant
        The variant as given.
    editor
        The editor that can revert it (``ABE8e`` or ``BE4max``).
    strand
        Strand the protospacer must read on (where the editable base sits).
    change
        The plus-strand correction ``ALT>REF`` at the variant position.
    guides
        One row per guide (columns in :func:`design_base_edits`).
    outcomes
        One row per guide and combination of edited window bases.
    patient_protein
        Description of the patient's protein against the reference.
    notes
        Remarks (windows, nucleases tried).
    """

    variant: str
    editor: str
    strand: str
    change: str
    guides: pd.DataFrame
    outcomes: pd.DataFrame
    patient_protein: str
    notes: tuple[str, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        """Plain types only (for JSON)."""
        import json

        return {"variant": self.variant, "editor": self.editor, "strand": self.strand,
                "change": self.change, "patient_protein": self.patient_protein,
                "notes": list(self.notes),
                "guides": json.loads(self.guides.to_json(orient="records")),
                "outcomes": json.loads(self.outcomes.to_json(orient="records"))}


def editor_for(ref: str, alt: str) -> tuple[str | None, str]:
    """The editor kind and protospacer strand that turn plus-strand ``alt`` back into ``ref``.

    Returns ``(None, reason)`` for changes no base editor makes.

    Examples
    --------
    >>> editor_for("G", "A"), editor_for("C", "T"), editor_for("T", "C"), editor_for("A", "G")
    (('adenine', '+'), ('adenine', '-'), ('cytosine', '+'), ('cytosine', '-'))
    """
    table = {("G", "A"): ("adenine", "+"), ("C", "T"): ("adenine", "-"),
             ("T", "C"): ("cytosine", "+"), ("A", "G"): ("cytosine", "-")}
    if (ref, alt) in table:
        return table[(ref, alt)]
    return None, (f"reverting {alt}>{ref} is a transversion; adenine base editors make A>G "
                  "(T>C) and cytosine base editors C>T (G>A) only; use prime editing")


def design_base_edits(variant: Variant, transcript: Transcript, genome: Genome, *,
                      editors: tuple[str, ...] | None = None,
                      nucleases: tuple[str, ...] | None = None,
                      max_outcomes: int = 64) -> BaseEditPlan:
    """Base-editor guides that revert a patient SNV, with bystanders and protein outcomes.

    Parameters
    ----------
    variant
        The patient's variant (:func:`genetx.genome.variants.parse_variant`).
    transcript
        Transcript whose protein the outcomes are translated from.
    genome
        Reference genome (the patient allele is applied in a window around the variant).
    editors
        Editors to consider (default: all in the data file).
    nucleases
        Nucleases to consider (default: those each editor is used with).
    max_outcomes
        Largest number of edit combinations listed per guide.

    Returns
    -------
    The :class:`BaseEditPlan`. ``guides`` columns: ``guide_id, editor, nuclease, Chromosome,
    Start, End, Strand, spacer, pam, pam_tier, target_position, window, bystanders,
    bystander_positions, protein_intended, protein_all_edited, clean, rule_set_1, filters``;
    ``outcomes`` columns: ``guide_id, edited_positions, edits, protein, restores_protein``.

    Raises
    ------
    InfeasibleDesignError
        When the variant is not a single-base change, the correction is a transversion, the
        editor needed is not among ``editors``, or no guide puts the base in the window.
    """
    import pandas as pd

    where = variant.notation
    if variant.kind != "substitution" or variant.ref is None or len(variant.ref) != 1 \
            or variant.alt is None or len(variant.alt) != 1:
        msg = (f"is a {variant.kind.replace('_', ' ')}; base editors revert single-base "
               "changes only (use prime editing for this variant)")
        raise InfeasibleDesignError(where, msg)
    ref, alt = variant.ref.upper(), variant.alt.upper()
    kind, strand = editor_for(ref, alt)
    if kind is None:
        raise InfeasibleDesignError(where, strand)
    from genetx.edit.nucleases import base_editor_names

    names = editors or tuple(base_editor_names())
    chosen = [get_base_editor(n) for n in names]
    usable = [e for e in chosen if e.kind == kind]
    if not usable:
        article = "an" if kind[0] in "aeiou" else "a"
        msg = (f"needs {article} {kind} base editor to turn {alt} back into {ref}, and "
               f"{', '.join(e.name for e in chosen)} is not one")
        raise InfeasibleDesignError(where, msg)
    pos = variant.start
    chrom = variant.chrom
    from genetx.edit.guides import available_span

    _, lo, hi = available_span(genome, chrom, pos, pos + 1)
    a, b = max(lo, pos - FLANK), min(hi, pos + 1 + FLANK)
    ref_window = genome.fetch(chrom, a, b).upper()
    patient = _apply(ref_window, a, {pos: alt})
    _, patient_desc = protein_of_window(transcript, genome, a, ref_window, patient)
    ref_cds = "".join(genome.fetch(transcript.chrom, s, e, transcript.strand)
                      for s, e in transcript.cds_parts).upper()
    ref_protein = protein_of(ref_cds)
    rows, outs, notes = [], [], []
    tried = []
    for ed in usable:
        nucs = [n for n in ed.nucleases if nucleases is None or any(
            get_nuclease(x).name == n for x in nucleases)]
        for nname in nucs:
            nuc = get_nuclease(nname)
            tried.append(f"{ed.name}+{nuc.name} ({'/'.join(nuc.pams)})")
            table = scan_sequence(patient, nuc, chrom=chrom, offset=a)
            table = table[table["Strand"] == strand]
            for r in table.itertuples(index=False):
                # protospacer position of the variant, 1 = PAM-distal
                p = (pos - r.Start + 1) if strand == "+" else (r.End - pos)
                if not ed.window[0] <= p <= ed.window[1]:
                    continue
                spacer = r.spacer
                editable = [q for q in range(ed.window[0], ed.window[1] + 1)
                            if spacer[q - 1] == ed.source_base]
                if p not in editable:  # cannot happen: the base is the source base
                    continue
                bystanders = [q for q in editable if q != p]
                gid = f"{ed.name}-{nuc.name}-{len(rows) + 1}"
                combos = []
                for k in range(len(editable), 0, -1):
                    combos.extend(itertools.combinations(editable, k))
                combos = combos[:max_outcomes]
                prot_int = prot_all = ""
                clean = True
                for combo in combos:
                    changes = {}
                    labels = []
                    for q in combo:
                        g = (r.Start + q - 1) if strand == "+" else (r.End - q)
                        nb = ed.product_base if strand == "+" else _COMP[ed.product_base]
                        changes[g] = nb
                        labels.append(f"{ed.source_base}{q}")
                    edited = _apply(patient, a, changes)
                    prot, desc = protein_of_window(transcript, genome, a, ref_window, edited)
                    restores = prot == ref_protein and edited[pos - a] == ref
                    outs.append({"guide_id": gid, "edited_positions": ",".join(labels),
                                 "edits": ";".join(f"g.{g + 1}{patient[g - a]}>{nb}"
                                                   for g, nb in sorted(changes.items())),
                                 "protein": desc, "restores_protein": bool(restores),
                                 "includes_target": p in combo})
                    if combo == (p,):
                        prot_int = desc
                    if len(combo) == len(editable):
                        prot_all = desc
                    if p in combo and not restores:
                        clean = False
                rows.append({
                    "guide_id": gid, "editor": ed.name, "nuclease": nuc.name,
                    "Chromosome": chrom, "Start": r.Start, "End": r.End, "Strand": strand,
                    "spacer": spacer, "pam": r.pam, "pam_tier": r.pam_tier,
                    "target_position": p, "window": f"{ed.window[0]}-{ed.window[1]}",
                    "bystanders": len(bystanders),
                    "bystander_positions": ",".join(f"{ed.source_base}{q}" for q in bystanders),
                    "protein_intended": prot_int, "protein_all_edited": prot_all,
                    "clean": clean, "rule_set_1": r.rule_set_1, "filters": r.filters,
                    "cut": r.cut,
                })
    if not rows:
        ed = usable[0]
        msg = (f"no {'/'.join(e.name for e in usable)} guide on the {strand} strand puts the "
               f"{alt} at protospacer positions {ed.window[0]}-{ed.window[1]} (tried "
               f"{'; '.join(tried) or 'no nuclease'}); use prime editing")
        raise InfeasibleDesignError(where, msg)
    guides = pd.DataFrame(rows)
    centre = {e.name: (e.window[0] + e.window[1]) / 2 for e in usable}
    guides["_centre"] = (guides["target_position"] - guides["editor"].map(centre)).abs()
    guides["_tier"] = guides["pam_tier"].map(
        {p: i for e in usable for n in e.nucleases for i, p in
         enumerate(get_nuclease(n).pams)}).fillna(0)
    guides = guides.sort_values(["clean", "bystanders", "_tier", "_centre", "rule_set_1"],
                                ascending=[False, True, True, True, False],
                                na_position="last", kind="stable")
    guides = guides.drop(columns=["_centre", "_tier"]).reset_index(drop=True)
    outcomes = pd.DataFrame(outs)
    notes.append(f"{usable[0].name} window: protospacer positions {usable[0].window[0]}-"
                 f"{usable[0].window[1]} (1 = PAM-distal); guides found on the patient allele")
    return BaseEditPlan(variant=where, editor=", ".join(e.name for e in usable), strand=strand,
                        change=f"{chrom}:g.{pos + 1}{alt}>{ref}", guides=guides,
                        outcomes=outcomes, patient_protein=patient_desc, notes=tuple(notes))


__all__ = ["BaseEditPlan", "describe_protein", "design_base_edits", "edited_cds",
           "editor_for", "minimal_change", "protein_after", "protein_of", "protein_of_window"]
