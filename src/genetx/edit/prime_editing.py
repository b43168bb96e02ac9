"""Prime editing: pegRNAs (with PE3/PE3b nicking guides) for substitutions and indels up to 40 bp.

Geometry (Anzalone et al. 2019, Nature 576:149). The PE2 nickase nicks the PAM strand 3 nt 5'
of the PAM (between protospacer positions 17 and 18). On that strand, read 5'->3':

* the *primer binding site* (PBS) pairs with the ``p`` bases just 5' of the nick; the pegRNA
  carries their reverse complement;
* the *RT template* (RTT) is copied from the nick onwards: the pegRNA carries the reverse
  complement of the desired sequence from the nick to ``r`` bases 3' of it. The change must
  therefore start at or 3' of the nick, and the RTT must run past it with some homology.

The pegRNA is ``spacer + scaffold + RTT + PBS`` (5'->3'). Designs are made on the *source*
allele (what the cell has: the patient allele when correcting) towards the *target* allele.

Published rules applied (values in ``data/nucleases/editing_rules.json``): PBS 8-17 nt, 13 a
good start, 40-60 % GC preferred; RTT 10-40 nt here (10-16 a good start for small edits); no C
as the first base of the 3' extension (it can pair with scaffold G81); PAM- or seed-disrupting
edits are preferred (they stop re-nicking), and when the edit leaves the PAM intact a silent
PAM change is added where it is synonymous (or outside coding sequence, away from splice
sites); nicks close to the edit are preferred; no TTTT (Pol III terminator) in the transcribed
parts. PE3 nicking guides nick the other strand 40-90 bp away; PE3b guides match the edited
sequence only. GeneTx turns the rules into one ``rule_score`` whose weights are its own (see
``docs/guides.md``); the rules are the papers'.

Every design is verified by applying it to the source sequence in silico: the spacer and PAM
are found, the PBS must pair 5' of the nick, the RT product replaces the strand 3' of the
nick up to where its last bases pair again with the source, and the result must equal the
intended allele (and give the intended protein when a transcript is given).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from genetx.core.seq import gc_fraction, iupac_match, reverse_complement
from genetx.edit.base_editing import minimal_change, protein_of_window
from genetx.edit.guides import available_span, scan_sequence, u6_oligos
from genetx.edit.nucleases import Nuclease, get_nuclease, prime_editing_rules
from genetx.errors import BadInputError, InfeasibleDesignError

if TYPE_CHECKING:
    import pandas as pd

    from genetx.genome._base import Genome
    from genetx.genome.models import Transcript
    from genetx.genome.variants import Variant

#: Bases read on each side of the edit (nicking guides lie up to ~120 bp away).
FLANK = 160
#: Intronic or intergenic silent PAM changes must lie at least this far from an exon edge.
SPLICE_MARGIN = 20


@dataclass(frozen=True)
class EditSpec:
    """An edit as two local alleles on the plus strand.

    Attributes
    ----------
    chrom, offset
        Chromosome and plus-strand coordinate of the first base of both windows.
    source, target
        The window as the cell has it, and as it should become.
    label
        How the edit is named in messages.
    reference
        The reference genome's window at ``offset`` (protein changes are described against
        it); empty means ``source`` is the reference.
    """

    chrom: str
    offset: int
    source: str
    target: str
    label: str
    reference: str = ""


def _pam_ok(pam: str, nuc: Nuclease) -> bool:
    return any(len(p) == len(pam) and all(iupac_match(b, c) for b, c in zip(pam, p,
                                                                             strict=True))
               for p in nuc.pams)


def simulate_pegrna(source: str, strand: str, spacer: str, pbs: str, rtt: str,
                    nuclease: str | Nuclease = "SpCas9", *, anneal: int = 5) -> str:
    """Apply a pegRNA to a plus-strand ``source`` sequence in silico; return the edited sequence.

    The spacer and a PAM of the nuclease are located on the PAM strand (``strand``); the nick
    falls ``cut_pam_strand`` bases 5' of the PAM; the PBS must pair with the bases 5' of it; the
    flap (the RTT copied) replaces the PAM strand 3' of the nick up to the place where the
    flap's last ``anneal`` bases pair with the source again (the one closest to the flap's own
    length when there are several).

    Parameters
    ----------
    source
        Plus-strand sequence the cell has.
    strand
        PAM strand of the pegRNA (``+`` or ``-``).
    spacer, pbs, rtt
        pegRNA parts, 5'->3', as DNA.
    nuclease
        The (Cas9-family) nuclease.
    anneal
        Bases at the 3' end of the flap that must pair again with the source.

    Returns
    -------
    The edited plus-strand sequence.

    Raises
    ------
    InfeasibleDesignError
        When the spacer or PAM is not found once, the PBS does not pair, or the flap does not
        re-anneal.
    """
    nuc = get_nuclease(nuclease)
    s = source.upper() if strand == "+" else reverse_complement(source.upper())
    hits = [i for i in range(len(s) - len(spacer) - nuc.pam_length + 1)
            if s.startswith(spacer, i) and _pam_ok(s[i + len(spacer):i + len(spacer)
                                                   + nuc.pam_length], nuc)]
    if len(hits) != 1:
        msg = f"spacer with a {'/'.join(nuc.pams)} PAM found {len(hits)} times, expected once"
        raise InfeasibleDesignError(spacer, msg)
    nick = hits[0] + len(spacer) - nuc.cut_pam_strand
    if reverse_complement(pbs) != s[nick - len(pbs):nick]:
        msg = "the PBS does not pair with the bases 5' of the nick"
        raise InfeasibleDesignError(pbs, msg)
    flap = reverse_complement(rtt)
    tail = flap[-anneal:]
    cands = [r for r in range(anneal, len(s) - nick + 1) if s[nick + r - anneal:nick + r] == tail]
    if not cands:
        msg = "the 3' end of the RT product does not pair with the source sequence"
        raise InfeasibleDesignError(rtt, msg)
    r = min(cands, key=lambda x: (abs(x - len(flap)), x))
    out = s[:nick] + flap + s[nick + r:]
    return out if strand == "+" else reverse_complement(out)


def _splice_safe(tx: Transcript | None, pos: int) -> bool:
    if tx is None:
        return True
    for s, e in tx.exons:
        if abs(pos - s) < SPLICE_MARGIN or abs(pos - (e - 1)) < SPLICE_MARGIN:
            return s <= pos < e and any(a <= pos < b for a, b in tx.cds_parts)
    return True


def _in_cds(tx: Transcript | None, pos: int) -> bool:
    return tx is not None and any(a <= pos < b for a, b in tx.cds_parts)


@dataclass(frozen=True)
class PrimeEditPlan:
    """pegRNA designs for one edit.

    Attributes
    ----------
    edit
        The edit as given.
    pegrnas
        One row per design (best PBS/RTT per spacer), best first; columns in
        :func:`design_pegrnas`.
    nicking
        PE3/PE3b nicking guides per design.
    intended_protein
        Description of the protein the intended allele makes (``p.(=)`` for a correction).
    notes
        Remarks.
    """

    edit: str
    pegrnas: pd.DataFrame
    nicking: pd.DataFrame
    intended_protein: str
    notes: tuple[str, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        """Plain types only (for JSON)."""
        import json

        return {"edit": self.edit, "intended_protein": self.intended_protein,
                "notes": list(self.notes),
                "pegrnas": json.loads(self.pegrnas.to_json(orient="records")),
                "nicking": json.loads(self.nicking.to_json(orient="records"))}


def edit_from_variant(variant: Variant, genome: Genome, *, mode: str = "correct",
                      flank: int = FLANK) -> EditSpec:
    """The local alleles for correcting (``mode="correct"``) or installing a variant.

    Raises
    ------
    InfeasibleDesignError
        For exon-level changes and changes longer than the prime-editing limit (40 bp).
    """
    rules = prime_editing_rules()
    if variant.ref is None or variant.alt is None:
        msg = ("is an exon-level change with unknown breakpoints; prime editing needs the "
               "exact sequence change (see 'genetx skip' for exon skipping)")
        raise InfeasibleDesignError(variant.notation, msg)
    size = max(len(variant.ref), len(variant.alt))
    if size > int(rules["max_edit_length"]):
        msg = (f"changes {size} bp; prime editing designs here cover substitutions, "
               f"insertions and deletions up to {rules['max_edit_length']} bp")
        raise InfeasibleDesignError(variant.notation, msg)
    if mode not in ("correct", "install"):
        msg = "must be 'correct' or 'install'"
        msg_0 = f"mode {mode!r}"
        raise BadInputError(msg_0, msg)
    _, lo, hi = available_span(genome, variant.chrom, variant.start, variant.end)
    a, b = max(lo, variant.start - flank), min(hi, variant.end + flank)
    ref = genome.fetch(variant.chrom, a, b).upper()
    patient = ref[:variant.start - a] + variant.alt.upper() + ref[variant.end - a:]
    if mode == "correct":
        return EditSpec(variant.chrom, a, patient, ref, f"correct {variant.notation}", ref)
    return EditSpec(variant.chrom, a, ref, patient, f"install {variant.notation}", ref)


def design_pegrnas(edit: EditSpec, *, transcript: Transcript | None = None,
                   genome: Genome | None = None,
                   nucleases: tuple[str, ...] = ("SpCas9",),
                   pbs_lengths: tuple[int, int] | None = None,
                   rtt_lengths: tuple[int, int] | None = None,
                   silent_pam: bool = True, top: int | None = None) -> PrimeEditPlan:
    """Design, rank and verify pegRNAs that turn ``edit.source`` into ``edit.target``.

    Parameters
    ----------
    edit
        The local alleles (:func:`edit_from_variant`, or built by hand).
    transcript, genome
        Give both to check silent PAM changes and the resulting protein.
    nucleases
        Cas9-family nucleases usable with the prime editor (SpCas9, SpCas9-NG, SpRY).
    pbs_lengths, rtt_lengths
        Inclusive ranges (default from the data file: 8-17 and 10-40).
    silent_pam
        Add a silent PAM-disrupting change when the edit leaves the PAM intact.
    top
        Keep this many designs (default: all, one per spacer).

    Returns
    -------
    The :class:`PrimeEditPlan`. ``pegrnas`` columns: ``peg_id, nuclease, Strand, spacer, pam,
    nick, edit_distance, pbs, pbs_length, pbs_gc, rtt, rtt_length, extension, pegrna,
    silent_edit, pam_disrupted, seed_disrupted, first_extension_base, polyT, rule_score,
    pe3b, pe3_best, intended_allele, verified, protein, spacer_oligo_top,
    spacer_oligo_bottom``.

    Raises
    ------
    InfeasibleDesignError
        When no spacer of the nucleases nicks 5' of the edit within reach of a 40-nt RTT.
    """
    import pandas as pd

    rules = prime_editing_rules()
    pmin, pmax = pbs_lengths or tuple(rules["pbs_range"])
    rmin, rmax = rtt_lengths or tuple(rules["rtt_range"])
    hom = int(rules["min_homology_after_edit"]["value"])
    scaffold = rules["scaffold"]
    near_lo, near_hi = rules["pe3_nick_distance"]
    far_lo, far_hi = rules["pe3_search_distance"]
    polyt = rules["polyt_terminator"]
    avoid = rules["avoid_first_extension_base"]
    pbs_start = int(rules["pbs_start"])
    pbs_gc = (float(rules["pbs_gc_range"][0]), float(rules["pbs_gc_range"][1]))
    allowed = set(rules["nucleases"])
    src, tgt, off = edit.source.upper(), edit.target.upper(), edit.offset
    if src == tgt:
        msg = "source and target alleles are the same; there is nothing to edit"
        raise BadInputError(edit.label, msg)
    ref_for_protein = None
    intended_desc = ""
    if transcript is not None and genome is not None:
        ref_win = (edit.reference or src).upper()
        intended_p, intended_desc = protein_of_window(transcript, genome, off, ref_win, tgt)
        ref_for_protein = (ref_win, intended_p)
    rows, nick_rows, notes = [], [], []
    for name in nucleases:
        nuc = get_nuclease(name)
        if nuc.name not in allowed:
            notes.append(f"{nuc.name} is not used with prime editors in the data file; skipped")
            continue
        sites = scan_sequence(src, nuc, chrom=edit.chrom, offset=off)
        tgt_sites = scan_sequence(tgt, nuc, chrom=edit.chrom, offset=off)
        for strand in ("+", "-"):
            s_o = src if strand == "+" else reverse_complement(src)
            t_o = tgt if strand == "+" else reverse_complement(tgt)
            es, ee, new = minimal_change(s_o, t_o)
            sub = sites[sites["Strand"] == strand]
            for r in sub.itertuples(index=False):
                slen = len(r.spacer)
                i_o = (r.Start - off) if strand == "+" else (off + len(src) - r.End)
                nick = i_o + slen - nuc.cut_pam_strand
                dist = es - nick
                if dist < 0:
                    continue
                need = dist + len(new) + hom
                if need > rmax:
                    continue
                design = _best_for_spacer(
                    s_o, t_o, strand, i_o, nick, es, ee, new, r, nuc, edit, transcript,
                    genome, (pmin, pmax), (max(rmin, need), rmax), hom, silent_pam,
                    polyt, avoid, ref_for_protein, pbs_start, pbs_gc)
                if design is None:
                    continue
                design["peg_id"] = f"peg{len(rows) + 1}"
                nk = _nicking_guides(sites, tgt_sites, strand, design["nick_plus"],
                                     (far_lo, far_hi), (near_lo, near_hi), design["peg_id"])
                design["pe3b"] = any(n["kind"] == "PE3b" for n in nk)
                best = [n for n in nk if n["kind"] == "PE3" and n["preferred"]]
                design["pe3_best"] = best[0]["spacer"] if best else ""
                design["rule_score"] += (1.0 if design["pe3b"] else 0.0) + (
                    0.5 if best else 0.0)
                design["pegrna"] = design["spacer"] + scaffold + design["extension"]
                top_o, bottom_o = u6_oligos(design["spacer"])
                design["spacer_oligo_top"] = top_o
                design["spacer_oligo_bottom"] = bottom_o
                rows.append(design)
                nick_rows.extend(nk)
    if not rows:
        msg = (f"no {'/'.join(nucleases)} spacer nicks 5' of the change close enough for a "
               f"{rmax}-nt RT template (with {hom} nt of homology after it) on either strand")
        raise InfeasibleDesignError(edit.label, msg)
    table = pd.DataFrame(rows)
    table = table.sort_values(["verified", "rule_score", "edit_distance"],
                              ascending=[False, False, True], kind="stable")
    if top is not None:
        table = table.head(top)
    table = table.reset_index(drop=True)
    failed = int((~table["verified"]).sum())
    if failed:
        notes.append(f"{failed} design(s) failed in-silico verification and are listed last")
    nicking = pd.DataFrame(nick_rows, columns=["peg_id", "kind", "spacer", "pam", "Strand",
                                               "nick_distance", "preferred", "oligo_top",
                                               "oligo_bottom"])
    nicking = nicking[nicking["peg_id"].isin(set(table["peg_id"]))].reset_index(drop=True)
    cols = ["peg_id", "nuclease", "Strand", "spacer", "pam", "nick", "edit_distance", "pbs",
            "pbs_length", "pbs_gc", "rtt", "rtt_length", "extension", "pegrna", "silent_edit",
            "pam_disrupted", "seed_disrupted", "first_extension_base", "polyT", "rule_score",
            "pe3b", "pe3_best", "intended_allele", "verified", "protein",
            "spacer_oligo_top", "spacer_oligo_bottom"]
    return PrimeEditPlan(edit=edit.label, pegrnas=table[cols], nicking=nicking,
                         intended_protein=intended_desc, notes=tuple(notes))


def _best_for_spacer(s_o: str, t_o: str, strand: str, i_o: int, nick: int, es: int, ee: int,
                     new: str, r: Any, nuc: Nuclease, edit: EditSpec,
                     transcript: Transcript | None, genome: Genome | None,
                     pbs_range: tuple[int, int], rtt_range: tuple[int, int], hom: int,
                     silent_pam: bool, polyt: str, avoid: str,
                     ref_for_protein: tuple[str, str | None] | None,
                     pbs_start: int, pbs_gc: tuple[float, float]) -> dict[str, Any] | None:
    slen = len(r.spacer)
    plen = nuc.pam_length
    n = len(s_o)

    def to_plus(p: int) -> int:  # index in orientation -> plus coordinate (same length)
        return edit.offset + (p if strand == "+" else n - 1 - p)

    target_o = t_o
    silent = ""
    dist = es - nick
    pam_start = i_o + slen
    same_len = len(new) == ee - es
    pam_t = t_o[pam_start:pam_start + plen] if (same_len or es >= pam_start + plen) else ""
    seed_t = t_o[i_o:i_o + slen] if (same_len or es >= i_o + slen) else ""
    pam_disrupted = not (pam_t and _pam_ok(pam_t, nuc))
    seed_disrupted = (bool(seed_t) and seed_t != s_o[i_o:i_o + slen]) or not seed_t
    if not pam_disrupted and not seed_disrupted and silent_pam and (
            same_len or es >= pam_start + plen):
        choice = _silent_pam_change(t_o, strand, pam_start, plen, nuc, edit, transcript, genome,
                                    to_plus, ref_for_protein)
        if choice is not None:
            pos_o, base = choice
            target_o = t_o[:pos_o] + base + t_o[pos_o + 1:]
            plus_base = base if strand == "+" else reverse_complement(base)
            plus_old = t_o[pos_o] if strand == "+" else reverse_complement(t_o[pos_o])
            silent = f"g.{to_plus(pos_o) + 1}{plus_old}>{plus_base}"
            pam_disrupted = True
            es2, ee2, new2 = minimal_change(s_o, target_o)
            es, ee, new = es2, ee2, new2
    end_t = max(es + len(new), 0)
    best = None
    for p in range(pbs_range[0], pbs_range[1] + 1):
        if nick - p < 0:
            break
        pbs = reverse_complement(s_o[nick - p:nick])
        pgc = gc_fraction(pbs)
        for rl in range(rtt_range[0], rtt_range[1] + 1):
            if nick + rl > len(target_o) or rl < end_t - nick + hom:
                continue
            rtt = reverse_complement(target_o[nick:nick + rl])
            ext = rtt + pbs
            score = 0.0
            score -= 0.25 * abs(p - pbs_start)
            score += 0.5 if pbs_gc[0] <= pgc <= pbs_gc[1] else 0.0
            score -= 0.1 * (rl - max(rtt_range[0], end_t - nick + hom))
            score -= 3.0 if ext[0] == avoid else 0.0
            has_t = polyt in r.spacer or polyt in ext
            score -= 3.0 if has_t else 0.0
            if best is None or score > best[0]:
                best = (score, p, pbs, pgc, rl, rtt, ext, has_t)
    if best is None:
        return None
    score, p, pbs, pgc, rl, rtt, ext, has_t = best
    score -= 0.15 * dist
    score += 2.0 if (pam_disrupted or seed_disrupted) else 0.0
    target_plus = target_o if strand == "+" else reverse_complement(target_o)
    verified, protein = True, ""
    try:
        result = simulate_pegrna(edit.source, strand, r.spacer, pbs, rtt, nuc)
    except InfeasibleDesignError as exc:
        verified, result = False, str(exc)
    if verified and result != target_plus:
        verified = False
    if verified and transcript is not None and genome is not None and ref_for_protein:
        ref_win, intended_p = ref_for_protein
        got_p, protein = protein_of_window(transcript, genome, edit.offset, ref_win, result)
        if got_p != intended_p:
            verified = False
    nick_plus = edit.offset + (nick if strand == "+" else n - nick)
    return {
        "nuclease": nuc.name, "Strand": strand, "spacer": r.spacer, "pam": r.pam,
        "nick": nick_plus, "nick_plus": nick_plus, "edit_distance": dist, "pbs": pbs,
        "pbs_length": p, "pbs_gc": round(pgc, 3), "rtt": rtt, "rtt_length": rl,
        "extension": ext, "silent_edit": silent, "pam_disrupted": bool(pam_disrupted),
        "seed_disrupted": bool(seed_disrupted), "first_extension_base": ext[0],
        "polyT": bool(has_t), "rule_score": round(score, 3),
        "intended_allele": target_plus, "verified": bool(verified), "protein": protein,
    }


def _silent_pam_change(t_o: str, strand: str, pam_start: int, plen: int, nuc: Nuclease,
                       edit: EditSpec, transcript: Transcript | None, genome: Genome | None,
                       to_plus: Any, ref_for_protein: tuple[str, str | None] | None
                       ) -> tuple[int, str] | None:
    """A single PAM change that kills the PAM and keeps the intended protein."""
    # fixed (non-N) PAM positions, PAM-proximal ones last: try the last ones first
    fixed = [j for j, c in enumerate(nuc.pams[0]) if c != "N"][::-1]
    for j in fixed:
        pos_o = pam_start + j
        if pos_o >= len(t_o):
            continue
        for base in "CTAG":
            if base == t_o[pos_o]:
                continue
            cand = t_o[:pos_o] + base + t_o[pos_o + 1:]
            if _pam_ok(cand[pam_start:pam_start + plen], nuc):
                continue
            plus_pos = to_plus(pos_o)
            if transcript is not None and genome is not None and ref_for_protein:
                if _in_cds(transcript, plus_pos):
                    cand_plus = cand if strand == "+" else reverse_complement(cand)
                    ref_win, intended_p = ref_for_protein
                    got, _ = protein_of_window(transcript, genome, edit.offset, ref_win,
                                               cand_plus)
                    if got != intended_p:
                        continue
                elif not _splice_safe(transcript, plus_pos):
                    continue
            elif transcript is None:
                return None  # without a gene model a silent change cannot be checked
            return pos_o, base
    return None


def _nicking_guides(src_sites: pd.DataFrame, tgt_sites: pd.DataFrame, peg_strand: str,
                    peg_nick: int, far: tuple[int, int], near: tuple[int, int],
                    peg_id: str) -> list[dict[str, Any]]:
    """PE3 guides (on the source, opposite strand) and PE3b guides (matching the target only).

    ``src_sites`` and ``tgt_sites`` are the nuclease's sites on the source and target alleles.
    """
    other = "-" if peg_strand == "+" else "+"
    out = []
    src_targets = set(src_sites["target"])
    tgt_targets = set(tgt_sites["target"])
    for kind, table in (("PE3b", tgt_sites), ("PE3", src_sites)):
        sub = table[table["Strand"] == other]
        for r in sub.itertuples(index=False):
            if kind == "PE3b" and r.target in src_targets:
                continue
            if kind == "PE3" and r.target not in tgt_targets:
                continue  # destroyed by the edit
            d = int(r.cut) - peg_nick
            if kind == "PE3" and not far[0] <= abs(d) <= far[1]:
                continue
            top, bottom = u6_oligos(r.spacer)
            out.append({"peg_id": peg_id, "kind": kind, "spacer": r.spacer, "pam": r.pam,
                        "Strand": other, "nick_distance": d,
                        "preferred": bool(kind == "PE3b" or near[0] <= abs(d) <= near[1]),
                        "oligo_top": top, "oligo_bottom": bottom})
    out.sort(key=lambda x: (x["kind"] != "PE3b", not x["preferred"],
                            abs(abs(x["nick_distance"]) - (near[0] + near[1]) / 2)))
    return out


def design_prime_edits(variant: Variant, transcript: Transcript, genome: Genome, *,
                       mode: str = "correct", nucleases: tuple[str, ...] = ("SpCas9",),
                       top: int | None = None, silent_pam: bool = True) -> PrimeEditPlan:
    """pegRNAs that correct (or install) a patient variant, verified in silico.

    Parameters
    ----------
    variant
        The variant (:func:`genetx.genome.variants.parse_variant`).
    transcript
        Transcript for protein checks.
    genome
        Reference genome.
    mode
        ``correct`` (patient allele -> reference) or ``install`` (reference -> variant).
    nucleases
        Nucleases to try (SpCas9, SpCas9-NG, SpRY).
    top
        Keep this many designs.
    silent_pam
        Add silent PAM-disrupting changes where possible.

    Returns
    -------
    The :class:`PrimeEditPlan`.
    """
    spec = edit_from_variant(variant, genome, mode=mode)
    plan = design_pegrnas(spec, transcript=transcript, genome=genome, nucleases=nucleases,
                          top=top, silent_pam=silent_pam)
    if mode == "correct" and plan.intended_protein not in ("p.(=)", "non-coding", ""):
        msg = f"correcting gives {plan.intended_protein}, not the reference protein"
        raise InfeasibleDesignError(variant.notation, msg)
    return plan


__all__ = ["EditSpec", "PrimeEditPlan", "design_pegrnas", "design_prime_edits",
           "edit_from_variant", "simulate_pegrna"]
