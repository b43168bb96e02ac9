"""``design_guides``: ranked, ready-to-order editing designs for a gene, a region or a variant.

Three modes:

``knockout``
    Guides cutting early in the coding exons of the gene's transcript (:mod:`.knockout`),
    with the share of isoforms hit and the Bae 2014 out-of-frame score.
``region``
    Every guide whose cut lies in a region (default: the whole gene span), annotated with the
    exon or intron it falls in.
``correct``
    For a patient variant: base-editor guides (:mod:`.base_editing`) when a base editor can
    revert it, pegRNAs (:mod:`.prime_editing`) for substitutions and indels up to 40 bp, and
    nuclease guides cutting within 30 bp of it (for template-directed repair).

Every guide that is ranked is searched genome-wide with :mod:`genetx.edit.offtarget` on the
genome in use (the embedded gene pack loci by default, which the result says) and summarised by
:func:`genetx.edit.ranking.offtarget_profile` (the off-target conventions shared with
``genetx skip`` and ``genetx design``, ``docs/guides.md``), then ranked by
:func:`genetx.edit.ranking.rank_guides`. Validation primers come from :mod:`.primers`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from genetx.edit.nucleases import get_nuclease
from genetx.errors import BadInputError, GeneTxError, InfeasibleDesignError

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    import pandas as pd

    from genetx.edit.base_editing import BaseEditPlan
    from genetx.edit.prime_editing import PrimeEditPlan
    from genetx.genome._base import Genome
    from genetx.genome.genes import LoadedGene
    from genetx.genome.models import Transcript
    from genetx.genome.variants import Variant
    from genetx.progress import Progress

MODES = ("knockout", "correct", "region")
#: Nucleases tried by default when correcting a variant (base and prime editors use them).
CORRECT_NUCLEASES = ("SpCas9", "SpCas9-NG", "SpRY")
#: Candidates (best by activity and position) that are searched for off-targets and ranked.
SEARCH_LIMIT = 200
#: Nuclease guides for template-directed correction cut at most this far from the variant.
HDR_REACH = 30
_REGION = re.compile(r"^(?P<chrom>[^\s:]+):(?P<a>[\d,]+)-(?P<b>[\d,]+)$")
_EXONS = re.compile(r"^ex(?:on)?s?\s*(?P<a>\d+)(?:\s*[-_]\s*(?P<b>\d+))?$", re.IGNORECASE)


@dataclass(frozen=True)
class GuideDesign:
    """The result of :func:`design_guides`.

    Attributes
    ----------
    gene, transcript, mode
        What was designed for.
    chrom, start, end
        The locus (0-based half-open) the designs lie in.
    genome, genome_source
        Genome used for sequence and off-target search.
    offtarget_scope
        One sentence saying what the off-target search covered (or would cover).
    offtargets_searched
        False when the search was turned off.
    guides
        Ranked nuclease guides (knock-out, region, or correction by repair).
    base_edits, prime_edits
        Base-editing and prime-editing plans (``correct`` mode), or None with the reason in
        ``notes``.
    primers
        Validation primers per ranked guide.
    variant
        The variant's description (``correct`` mode).
    notes
        Remarks, including why a modality gave no design.
    """

    gene: str
    transcript: str
    mode: str
    chrom: str
    start: int
    end: int
    genome: str
    genome_source: str
    offtarget_scope: str
    guides: pd.DataFrame
    base_edits: BaseEditPlan | None = None
    prime_edits: PrimeEditPlan | None = None
    primers: pd.DataFrame | None = None
    variant: dict[str, Any] | None = None
    nucleases: tuple[str, ...] = ()
    max_mismatches: int = 4
    offtargets_searched: bool = True
    notes: tuple[str, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        """Plain types only (for JSON)."""
        def records(df: pd.DataFrame | None) -> list[dict[str, Any]]:
            return [] if df is None else json.loads(df.to_json(orient="records"))

        return {
            "gene": self.gene, "transcript": self.transcript, "mode": self.mode,
            "locus": {"chrom": self.chrom, "start": self.start, "end": self.end},
            "genome": {"name": self.genome, "source": self.genome_source},
            "offtarget_scope": self.offtarget_scope, "max_mismatches": self.max_mismatches,
            "offtargets_searched": self.offtargets_searched,
            "nucleases": [get_nuclease(n).to_dict() for n in self.nucleases],
            "variant": self.variant, "notes": list(self.notes),
            "guides": records(self.guides),
            "base_edits": self.base_edits.to_dict() if self.base_edits else None,
            "prime_edits": self.prime_edits.to_dict() if self.prime_edits else None,
            "primers": records(self.primers),
        }


# --------------------------------------------------------------------------------------------
# helpers


def annotate_positions(tx: Transcript, positions: np.ndarray) -> dict[str, np.ndarray]:
    """Exon number, intron number and part (``cds``, ``utr``, ``intron``, ``outside``) of bases.

    Vectorised over ``positions`` (0-based plus-strand bases); numbers follow transcript order.
    """
    pos = np.asarray(positions, dtype=np.int64)
    order = sorted(range(tx.exon_count), key=lambda i: tx.exons[i][0])
    starts = np.array([tx.exons[i][0] for i in order], dtype=np.int64)
    ends = np.array([tx.exons[i][1] for i in order], dtype=np.int64)
    numbers = np.array([i + 1 for i in order], dtype=np.int64)
    k = np.searchsorted(starts, pos, side="right") - 1
    kk = np.clip(k, 0, len(starts) - 1)
    in_exon = (k >= 0) & (pos < ends[kk])
    exon = np.where(in_exon, numbers[kk], 0)
    inside = (pos >= starts[0]) & (pos < ends[-1])
    in_intron = inside & ~in_exon
    nxt = np.clip(kk + 1, 0, len(starts) - 1)
    intron_no = numbers[kk] if tx.strand == "+" else numbers[nxt]
    intron = np.where(in_intron, intron_no, 0)
    cds = np.zeros(pos.shape[0], dtype=bool)
    for s, e in tx.cds_parts:
        cds |= (pos >= s) & (pos < e)
    part = np.where(cds, "cds", np.where(in_exon, "utr", np.where(in_intron, "intron",
                                                                  "outside")))
    return {"exon": exon, "intron": intron, "part": part}


def parse_region(text: str, tx: Transcript) -> tuple[str, int, int]:
    """``chrX:31,200,000-31,210,000`` (1-based inclusive) or ``exon 51`` / ``exons 45-50``.

    Returns the 0-based half-open ``(chrom, start, end)``.
    """
    raw = text.strip()
    m = _REGION.match(raw.replace(" ", ""))
    if m:
        a, b = int(m["a"].replace(",", "")), int(m["b"].replace(",", ""))
        if a < 1 or b < a:
            msg = "must be CHROM:START-END with 1 <= START <= END (1-based, inclusive)"
            msg_0 = f"region {text!r}"
            raise BadInputError(msg_0, msg)
        return m["chrom"], a - 1, b
    m = _EXONS.match(raw)
    if m:
        a = int(m["a"])
        b = int(m["b"]) if m["b"] else a
        if not 1 <= a <= b <= tx.exon_count:
            msg = f"{tx.id} has exons 1-{tx.exon_count}"
            msg_0 = f"region {text!r}"
            raise BadInputError(msg_0, msg)
        spans = [tx.exons[i - 1] for i in range(a, b + 1)]
        return tx.chrom, min(s for s, _ in spans), max(e for _, e in spans)
    msg = "is not CHROM:START-END (1-based) or 'exon N' / 'exons N-M'"
    msg_0 = f"region {text!r}"
    raise BadInputError(msg_0, msg)


def _profile(table: pd.DataFrame, genome: Genome, *, max_mismatches: int, annotation: Any,
             gene: str, tolerance: int = 0, progress: Progress | None = None
             ) -> pd.DataFrame:
    """Off-target profile columns for every row (grouped by nuclease), in table order."""
    import pandas as pd

    from genetx.edit.ranking import offtarget_profile, search_offtargets, target_copy_records

    if table.empty:
        return table
    parts = []
    copies = target_copy_records(genome, gene, set(table["Chromosome"].astype(str)))
    for nname, grp in table.groupby("nuclease", sort=False):
        hits = search_offtargets(grp, genome, str(nname), max_mismatches=max_mismatches,
                                 progress=progress)
        on = None
        if tolerance and len(hits):
            on = {}
            for g in grp.itertuples(index=False):
                h = hits[(hits["guide_id"] == g.guide_id) & (hits["Strand"] == g.Strand)
                         & ((hits["Start"] - g.Start).abs() <= tolerance)]
                if len(h):
                    best = h.sort_values("mismatches", kind="stable").iloc[0]
                    on[str(g.guide_id)] = (str(best["Chromosome"]), int(best["Start"]),
                                           str(best["Strand"]))
        prof = offtarget_profile(grp, hits, str(nname), max_mismatches=max_mismatches,
                                 annotation=annotation, gene=gene, on_targets=on,
                                 target_copies=copies)
        parts.append(grp.merge(prof, on="guide_id", how="left"))
    return pd.concat(parts, ignore_index=True)


def _annotation_for(loaded: LoadedGene) -> Any:
    if loaded.origin == "genepack":
        from genetx.genome.genes import pack_annotation

        return pack_annotation("genes")
    return None


def _load(gene: str | LoadedGene, genome: str | Path | Genome | None,
          transcript: str | None, annotation: str | Path | None) -> LoadedGene:
    from genetx.genome.genes import LoadedGene, load_gene

    if isinstance(gene, LoadedGene):
        return gene
    return load_gene(gene, genome=genome, transcript=transcript, annotation=annotation)


# --------------------------------------------------------------------------------------------
# the entry point


def design_guides(gene: str | LoadedGene, *, mode: str | None = None,
                  variant: str | None = None, region: str | None = None,
                  nucleases: Sequence[str] | None = None,
                  genome: str | Path | Genome | None = None, transcript: str | None = None,
                  annotation: str | Path | None = None, max_mismatches: int = 4,
                  search_limit: int = SEARCH_LIMIT, offtargets: bool = True,
                  primers: bool = True, primer_count: int = 10,
                  editors: Sequence[str] | None = None,
                  progress: Progress | None = None) -> GuideDesign:
    """Design and rank editing guides for a gene, a region of it, or a patient variant.

    Parameters
    ----------
    gene
        Gene symbol (``DMD``) or transcript accession, or a loaded gene.
    mode
        ``knockout``, ``correct`` or ``region`` (default: ``correct`` with a variant, else
        ``knockout``).
    variant
        The patient variant (``correct``), in any form :func:`genetx.genome.variants.parse_variant`
        reads.
    region
        ``region`` mode: ``CHROM:START-END`` (1-based inclusive) or ``exon N`` / ``exons N-M``;
        default the whole gene span.
    nucleases
        Nuclease names (see :mod:`genetx.edit.nucleases`); default SpCas9, and in ``correct``
        mode SpCas9, SpCas9-NG and SpRY (:data:`CORRECT_NUCLEASES`).
    genome
        FASTA/2bit path, registered name or genome; default the embedded gene pack.
    transcript
        Transcript to use instead of the default one.
    annotation
        GFF3/GTF/GenBank file with the gene model instead of the gene pack.
    max_mismatches
        Off-target search depth (0-6; CRISPOR uses 4).
    search_limit
        How many candidates (best by activity and position) are searched and ranked.
    offtargets
        Run the off-target search (turn off only for quick looks; ranking then ignores
        specificity).
    primers
        Design validation primers for the best ``primer_count`` guides.
    primer_count
        Number of ranked guides that get primers.
    editors
        Base editors to consider (default: all).
    progress
        Progress display.

    Returns
    -------
    The :class:`GuideDesign`.

    Raises
    ------
    BadInputError
        Unknown mode or nuclease, a variant outside ``correct`` mode or missing in it, a
        malformed region.
    InfeasibleDesignError
        When no modality gives a design (each modality's reason is in the message).
    """
    from genetx.edit.guides import search_scope

    mode = mode or ("correct" if variant else "knockout")
    default = CORRECT_NUCLEASES if mode == "correct" else ("SpCas9",)
    nucs = tuple(dict.fromkeys(get_nuclease(n).name for n in (nucleases or default)))
    if mode not in MODES:
        msg = f"must be one of {', '.join(MODES)}"
        msg_0 = f"mode {mode!r}"
        raise BadInputError(msg_0, msg)
    if mode == "correct" and not variant:
        msg = "needs --variant (the patient variant to correct)"
        msg_0 = "mode 'correct'"
        raise BadInputError(msg_0, msg)
    if mode != "correct" and variant:
        msg = f"is only used in correct mode, not {mode}"
        msg_0 = f"variant {variant!r}"
        raise BadInputError(msg_0, msg)
    if region and mode != "region":
        msg = f"is only used in region mode, not {mode}"
        msg_0 = f"region {region!r}"
        raise BadInputError(msg_0, msg)
    if variant:
        from genetx.genome.variants import parse_notation

        parse_notation(variant)  # syntax errors before any file is read
    loaded = _load(gene, genome, transcript, annotation)
    tx = loaded.transcript
    g = loaded.genome
    _, scope = search_scope(g)
    ann = _annotation_for(loaded)
    notes: list[str] = list(loaded.notes)
    kw = {"max_mismatches": max_mismatches, "annotation": ann, "gene": loaded.gene.symbol,
          "progress": progress}
    if mode == "knockout":
        guides, chrom, start, end = _knockout(loaded, nucs, notes)
        guides = _finish(guides, g, mode, None, search_limit, offtargets, kw)
        var_info = None
        be = pe = None
    elif mode == "region":
        chrom, start, end = parse_region(region, tx) if region else (
            tx.chrom, loaded.gene.start, loaded.gene.end)
        guides = _region(g, tx, chrom, start, end, nucs, notes)
        guides = _finish(guides, g, mode, None, search_limit, offtargets, kw)
        var_info = None
        be = pe = None
    else:
        guides, be, pe, var_info, chrom, start, end = _correct(
            loaded, str(variant), nucs, editors, notes, offtargets, search_limit, kw)
    prim = None
    if primers and len(guides):
        from genetx.edit.primers import design_primers

        best = guides.head(primer_count)
        prim = design_primers(g, chrom, list(zip(best["guide_id"], best["cut"].astype(int),
                                                 strict=True)))
    if not offtargets:
        notes.append("off-target search turned off: specificity was not used in the ranking")
    return GuideDesign(gene=loaded.gene.symbol, transcript=tx.id, mode=mode, chrom=chrom,
                       start=int(start), end=int(end), genome=g.name, genome_source=g.source,
                       offtarget_scope=scope, guides=guides, base_edits=be, prime_edits=pe,
                       primers=prim, variant=var_info, nucleases=nucs,
                       max_mismatches=max_mismatches, offtargets_searched=offtargets,
                       notes=tuple(notes))


def _renumber(df: pd.DataFrame, prefix: str = "") -> pd.DataFrame:
    df = df.reset_index(drop=True)
    df["guide_id"] = [f"{prefix}{n}-{i + 1}" for i, n in enumerate(df["nuclease"])]
    return df


def _per_nuclease(nucs: tuple[str, ...], find: Callable[[str], pd.DataFrame], what: str,
                  notes: list[str]) -> pd.DataFrame:
    """Guides of every nuclease that has some, renumbered; the other nucleases' reasons go to
    ``notes``. Raises :class:`InfeasibleDesignError` naming ``what`` when none has a guide."""
    import pandas as pd

    frames, reasons = [], []
    for n in nucs:
        try:
            frames.append(find(n))
        except InfeasibleDesignError as exc:
            reasons.append(exc.reason)
    if not frames:
        raise InfeasibleDesignError(what, "; ".join(reasons))
    notes.extend(reasons)
    return _renumber(pd.concat(frames, ignore_index=True))


def _knockout(loaded: LoadedGene, nucs: tuple[str, ...], notes: list[str]
              ) -> tuple[pd.DataFrame, str, int, int]:
    from genetx.edit.knockout import knockout_guides

    tx = loaded.transcript
    df = _per_nuclease(nucs, lambda n: knockout_guides(loaded.gene, tx, loaded.genome, n),
                       f"{loaded.gene.symbol} knock-out", notes)
    cds = tx.cds or (tx.start, tx.end)
    return df, tx.chrom, min(cds), max(cds)


def _region(genome: Genome, tx: Transcript, chrom: str, start: int, end: int,
            nucs: tuple[str, ...], notes: list[str]) -> pd.DataFrame:
    from genetx.edit.guides import find_guides

    df = _per_nuclease(nucs, lambda n: find_guides(genome, chrom, start, end, n),
                       f"{chrom}:{start + 1:,}-{end:,}", notes)
    base = np.where(df["Strand"] == "+", df["cut"] - 1, df["cut"]) if tx.strand == "+" else (
        np.where(df["Strand"] == "+", df["cut"], df["cut"] - 1))
    same = tx.chrom == chrom or tx.chrom.removeprefix("chr") == chrom.removeprefix("chr")
    if same:
        ann = annotate_positions(tx, np.asarray(base))
        df["exon"] = ann["exon"]
        df["intron"] = ann["intron"]
        df["part"] = ann["part"]
    return df


def _finish(guides: pd.DataFrame, genome: Genome, mode: str, variant_pos: int | None,
            search_limit: int, offtargets: bool, kw: dict[str, Any]) -> pd.DataFrame:
    from genetx.edit.ranking import rank_guides

    pre = rank_guides(guides, mode, variant_position=variant_pos)
    pre = pre.head(search_limit).drop(columns=["activity", "specificity", "position_factor",
                                               "score", "tier", "rank"])
    if offtargets:
        pre = _profile(pre, genome, **kw)
    return _add_oligos(rank_guides(pre, mode, variant_position=variant_pos))


def _add_oligos(df: pd.DataFrame) -> pd.DataFrame:
    """U6 cloning oligos for Cas9-family guides (empty for Cas12a, whose crRNA differs)."""
    from genetx.edit.guides import u6_oligos

    tops, bottoms = [], []
    for n, s in zip(df["nuclease"], df["spacer"], strict=True):
        top, bottom = u6_oligos(s) if get_nuclease(n).is_cas9 else ("", "")
        tops.append(top)
        bottoms.append(bottom)
    df["oligo_top"] = tops
    df["oligo_bottom"] = bottoms
    return df


def _correct(loaded: LoadedGene, variant: str, nucs: tuple[str, ...],
             editors: Sequence[str] | None, notes: list[str], offtargets: bool,
             search_limit: int, kw: dict[str, Any]) -> tuple[Any, ...]:
    import pandas as pd

    from genetx.edit.base_editing import design_base_edits
    from genetx.edit.guides import find_guides
    from genetx.edit.prime_editing import design_prime_edits
    from genetx.genome.variants import parse_notation, parse_variant

    n = parse_notation(variant)
    named = n.accession if n.system == "c" else None
    chosen = None if named else loaded.transcript.id
    v: Variant = parse_variant(variant, loaded.gene, loaded.genome, transcript=chosen)
    tx = next(t for t in loaded.gene.transcripts if t.id == v.transcript)
    g = loaded.genome
    reasons: list[str] = []
    if v.is_exon_level:
        msg = ("is an exon-level change with unknown breakpoints; no base, prime or nuclease "
               "correction can be designed from it (see 'genetx skip' for exon skipping)")
        raise InfeasibleDesignError(variant, msg)
    be = pe = None
    try:
        be = design_base_edits(v, tx, g, editors=tuple(editors) if editors else None,
                               nucleases=nucs)
    except InfeasibleDesignError as exc:
        reasons.append(f"base editing: {exc.reason}")
    pe_nucs = tuple(x for x in nucs if x in ("SpCas9", "SpCas9-NG", "SpRY")) or ("SpCas9",)
    try:
        pe = design_prime_edits(v, tx, g, nucleases=pe_nucs)
    except InfeasibleDesignError as exc:
        reasons.append(f"prime editing: {exc.reason}")
    frames = []
    lo, hi = v.start - HDR_REACH, v.end + HDR_REACH
    for name in nucs:
        try:
            frames.append(find_guides(g, v.chrom, lo, hi, name))
        except InfeasibleDesignError as exc:
            reasons.append(f"nuclease {name}: {exc.reason}")
    guides = (_renumber(pd.concat(frames, ignore_index=True)) if frames
              else pd.DataFrame(columns=["guide_id", "nuclease", "cut", "filters"]))
    if be is None and pe is None and guides.empty:
        raise InfeasibleDesignError(variant, "; ".join(reasons))
    notes.extend(reasons)
    if len(guides):
        guides = _finish(guides, g, "correct", v.start, search_limit, offtargets, kw)
        guides["distance_to_variant"] = (guides["cut"] - v.start).astype(int)
    if be is not None:
        from dataclasses import replace

        prof = _profile(be.guides, g, tolerance=45, **kw) if offtargets else be.guides
        be = replace(be, guides=_add_oligos(prof))
    if offtargets and pe is not None:
        peg = pe.pegrnas.rename(columns={"peg_id": "guide_id"})
        peg["Chromosome"] = v.chrom
        spans = _peg_spans(peg)
        peg["Start"] = spans
        peg["filters"] = ""
        prof = _profile(peg, g, tolerance=45, **kw)
        prof = prof.drop(columns=["Chromosome", "Start", "filters"]).rename(
            columns={"guide_id": "peg_id"})
        from dataclasses import replace

        pe = replace(pe, pegrnas=prof)
    if be is not None:
        notes.append(f"base editing: {be.editor} on the {be.strand} strand; patient protein "
                     f"{be.patient_protein}")
    info = v.to_dict()
    return guides, be, pe, info, v.chrom, max(0, v.start - 500), v.end + 500


def _peg_spans(peg: pd.DataFrame) -> list[int]:
    """Plus-strand start of each pegRNA's protospacer + PAM (from its nick)."""
    out = []
    for r in peg.itertuples(index=False):
        slen, plen = len(r.spacer), len(r.pam)
        nuc = get_nuclease(r.nuclease)
        if r.Strand == "+":
            out.append(int(r.nick) - (slen - nuc.cut_pam_strand))
        else:
            out.append(int(r.nick) - nuc.cut_pam_strand - plen)
    return out


# --------------------------------------------------------------------------------------------
# outputs


def write_outputs(design: GuideDesign, out: str | Path, genome: Genome | None = None,
                  ) -> list[Path]:
    """Write ``guides.tsv``, ``guides.json``, ``guides.bed`` and ``locus.gb`` (plus the base-,
    prime-editing and primer tables when present) into folder ``out``.

    Parameters
    ----------
    design
        The design.
    out
        Output folder (created).
    genome
        Genome for the GenBank sequence (default: reopened from the design's source).

    Returns
    -------
    The files written.
    """
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    header = [f"# GeneTx guides for {design.gene} ({design.transcript}), mode {design.mode}",
              f"# genome: {design.genome} ({design.genome_source})",
              (f"# off-target search: {design.offtarget_scope}; up to "
               f"{design.max_mismatches} mismatches" if design.offtargets_searched
               else "# off-target search: not run (--no-offtargets)"),
              "# columns are explained in docs/guides.md"]

    def tsv(name: str, df: pd.DataFrame | None) -> None:
        if df is None:
            return
        p = folder / name
        with p.open("w", encoding="utf-8") as fh:
            fh.write("\n".join(header) + "\n")
            df.to_csv(fh, sep="\t", index=False)
        written.append(p)

    tsv("guides.tsv", design.guides)
    if design.base_edits is not None:
        tsv("base_edits.tsv", design.base_edits.guides)
        tsv("base_edit_outcomes.tsv", design.base_edits.outcomes)
    if design.prime_edits is not None:
        tsv("pegrnas.tsv", design.prime_edits.pegrnas)
        tsv("nicking_guides.tsv", design.prime_edits.nicking)
    if design.primers is not None:
        tsv("primers.tsv", design.primers)
    p = folder / "guides.json"
    p.write_text(json.dumps(design.to_dict(), indent=1) + "\n", encoding="utf-8")
    written.append(p)
    p = folder / "guides.bed"
    p.write_text("".join(bed_lines(design)), encoding="utf-8")
    written.append(p)
    rec = locus_record(design, genome)
    from Bio import SeqIO

    p = folder / "locus.gb"
    SeqIO.write([rec], p, "genbank")
    written.append(p)
    return written


def bed_lines(design: GuideDesign) -> list[str]:
    """BED6 lines (0-based) of the ranked guides, base-editing guides and pegRNA spacers."""
    lines = [f'track name="genetx_{design.gene}_{design.mode}" description="GeneTx '
             f'{design.mode} guides for {design.gene}" useScore=1\n']
    n = max(len(design.guides), 1)
    for r in design.guides.itertuples(index=False):
        score = int(1000 - 900 * (int(getattr(r, "rank", n)) - 1) / n)
        lines.append(f"{r.Chromosome}\t{int(r.Start)}\t{int(r.End)}\t{r.guide_id}\t"
                     f"{score}\t{r.Strand}\n")
    if design.base_edits is not None:
        for r in design.base_edits.guides.itertuples(index=False):
            lines.append(f"{r.Chromosome}\t{int(r.Start)}\t{int(r.End)}\t{r.guide_id}\t"
                         f"500\t{r.Strand}\n")
    if design.prime_edits is not None and len(design.prime_edits.pegrnas):
        peg = design.prime_edits.pegrnas
        for r, s in zip(peg.itertuples(index=False), _peg_spans(peg), strict=True):
            width = len(r.spacer) + len(r.pam)
            lines.append(f"{design.chrom}\t{s}\t{s + width}\t{r.peg_id}\t500\t{r.Strand}\n")
    return lines


def locus_record(design: GuideDesign, genome: Genome | None = None) -> Any:
    """A Biopython ``SeqRecord`` of the locus with exons, guides, pegRNAs and amplicons."""
    from Bio.Seq import Seq
    from Bio.SeqFeature import SeqFeature, SimpleLocation
    from Bio.SeqRecord import SeqRecord

    g = genome
    if g is None:
        from genetx.genome.genes import pack_genome
        from genetx.genome.registry import open_genome

        g = pack_genome() if design.genome_source.startswith("embedded:") else open_genome(
            design.genome_source)
    from genetx.edit.guides import available_span

    _, lo, hi = available_span(g, design.chrom, design.start, design.start + 1)
    a, b = max(lo, design.start), min(hi, design.end)
    seq = g.fetch(design.chrom, a, b).upper()
    name = f"{design.gene}_{design.mode}"[:16]
    rec = SeqRecord(Seq(seq), id=name, name=name,
                    description=f"GeneTx {design.mode} designs for {design.gene} "
                                f"({design.transcript}), {design.chrom}:{a + 1}-{b}")
    rec.annotations["molecule_type"] = "DNA"
    rec.annotations["topology"] = "linear"
    feats = []

    def add(kind: str, s: int, e: int, strand: int, quals: dict[str, Any]) -> None:
        s2, e2 = max(s, a) - a, min(e, b) - a
        if e2 > s2:
            feats.append(SeqFeature(SimpleLocation(s2, e2, strand), type=kind,
                                    qualifiers=quals))

    from genetx.genome.genes import load_gene

    try:
        tx = next(t for t in load_gene(design.gene, genome=g).gene.transcripts
                  if t.id == design.transcript)
    except (GeneTxError, StopIteration):  # no model for the gene: export without exons
        tx = None
    if tx is not None:
        strand = 1 if tx.strand == "+" else -1
        for i, (s, e) in enumerate(tx.exons, start=1):
            add("exon", s, e, strand, {"number": str(i), "note": tx.id})
    for r in design.guides.itertuples(index=False):
        add("misc_feature", int(r.Start), int(r.End), 1 if r.Strand == "+" else -1,
            {"label": r.guide_id, "note": [f"{r.nuclease} guide {r.spacer} PAM {r.pam}",
                                           f"rank {getattr(r, 'rank', '')}",
                                           f"cut {int(r.cut)}"]})
    if design.base_edits is not None:
        for r in design.base_edits.guides.itertuples(index=False):
            add("misc_feature", int(r.Start), int(r.End), 1 if r.Strand == "+" else -1,
                {"label": r.guide_id, "note": f"{r.editor} guide {r.spacer}, target at "
                                              f"position {r.target_position}"})
    if design.prime_edits is not None and len(design.prime_edits.pegrnas):
        peg = design.prime_edits.pegrnas
        for r, s in zip(peg.itertuples(index=False), _peg_spans(peg), strict=True):
            add("misc_feature", s, s + len(r.spacer) + len(r.pam),
                1 if r.Strand == "+" else -1,
                {"label": r.peg_id, "note": f"pegRNA spacer {r.spacer}, PBS {r.pbs_length}, "
                                            f"RTT {r.rtt_length}"})
    if design.primers is not None:
        for r in design.primers.itertuples(index=False):
            if isinstance(r.left_primer, str) and r.left_primer:
                add("primer_bind", int(r.amplicon_start),
                    int(r.amplicon_start) + len(r.left_primer), 1,
                    {"label": f"{r.guide_id}_F", "note": r.left_primer})
                add("primer_bind", int(r.amplicon_end) - len(r.right_primer),
                    int(r.amplicon_end), -1,
                    {"label": f"{r.guide_id}_R", "note": r.right_primer})
    if design.variant is not None:
        v = design.variant
        add("variation", int(v["start"]), max(int(v["end"]), int(v["start"]) + 1), 1,
            {"note": v["notation"]})
    rec.features = feats
    return rec


__all__ = ["CORRECT_NUCLEASES", "MODES", "SEARCH_LIMIT", "GuideDesign", "annotate_positions",
           "bed_lines", "design_guides", "locus_record", "parse_region", "write_outputs"]
