"""From a gene (and a patient's variant) to designs: the one place that calls several capabilities.

:func:`run_design` resolves the gene and the variant, gathers the facts the triage needs
(frame-restoration plan, packaging fit), ranks the modalities (:func:`~.triage.triage`), then
runs the designer of every modality that fits with sensible defaults and collects the top
designs. Each modality gets a :class:`ModalityResult` whatever happens: ``designed``,
``nothing_found`` (the designer ran and found nothing, with its reason), ``not_run`` (the triage
ruled it out or lacked a fact, with that reason), ``unavailable`` (the capability is not
installed or not written yet) or ``failed`` (the designer raised; the error is recorded). A
failing capability never stops the run.

Defaults, chosen to keep the embedded example under a minute:

* exon skipping: the ASO designer's defaults (25-30 nt, the exon and 30 nt of each flanking
  intron) over the exons of the best frame-restoring skip, transcript matches up to 2
  mismatches (:func:`genetx.skip.aso.design_asos`);
* exon deletion: SpCas9 guide pairs cutting 50-1000 nt into the introns flanking those exons,
  three guides per side, paired by Rule Set 1, with the deletion size, the junction left after
  end joining and the patient's frame after the deletion
  (:func:`genetx.edit.exon_deletion.design_exon_deletion`);
* base and prime editing: the editors' designs that revert the patient's variant
  (:func:`genetx.edit.base_editing.design_base_edits`,
  :func:`genetx.edit.prime_editing.design_prime_edits`);
* knock-out: guides cutting early in the coding sequence
  (:func:`genetx.edit.knockout.knockout_guides`);
* silencing: siRNAs (and allele-specific siRNAs for a substitution), gapmers and shRNA
  cassettes (:func:`genetx.silence.design.silence_gene`);
* gene addition: ssAAV with the tissue's promoter; the CDS is codon-optimised only when the
  cassette fits (or a published shortened version is used); an oversized CDS is reported with
  the field's ways out (:func:`genetx.add.oversize.propose`) and its native cassette map;
* ex vivo HSC: lentiviral cassette with the ``hsc`` promoter;
* every guide is searched for off-targets up to 4 mismatches at its nuclease's off-target PAMs
  in the genome the gene was read from (the embedded gene pack unless ``--genome`` names
  another) and summarised by :func:`genetx.edit.ranking.profile_offtargets`, the summary that
  ``genetx guides`` and ``genetx skip`` use, with the same conventions (``docs/guides.md``,
  "Off-target conventions"): CRISPOR's alternative-PAM rule, the intended site left out, the
  gene pack's mRNA records not searched.

The top ``top`` designs (5) of each modality are kept.

Nothing here writes files (see :mod:`genetx.report.export`) or draws (see :mod:`genetx.plot`).
"""

from __future__ import annotations

import importlib
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from genetx.errors import GeneTxError
from genetx.strategy.evidence import Bibliography, Reference, Statement, computed, rule
from genetx.strategy.triage import (
    FitFact,
    ModalityOption,
    ShortenedFact,
    Triage,
    TriageInput,
    triage,
)

if TYPE_CHECKING:
    import pandas as pd
    from Bio.SeqRecord import SeqRecord

    from genetx.catalog import Catalog
    from genetx.genome._base import Genome
    from genetx.genome.genes import LoadedGene
    from genetx.genome.models import Transcript
    from genetx.genome.variants import Variant
    from genetx.progress import Progress
    from genetx.skip.strategies import SkipPlan

STATUSES: tuple[str, ...] = ("designed", "nothing_found", "not_run", "unavailable", "failed")
#: Tissue names of the triage mapped to the promoter tissues of :mod:`genetx.add`.
_ADD_TISSUE = {"liver": "liver", "muscle": "muscle", "cns": "neuron", "retina": "retina",
               "hematopoietic": "hsc"}


# --------------------------------------------------------------------------------------------
# request and result types


@dataclass(frozen=True)
class DesignRequest:
    """What the user asked for.

    Attributes
    ----------
    gene
        Gene symbol or transcript accession.
    variant
        The patient variant as typed, or None.
    genome
        Registered genome name or path; None: the sequence stored with the gene model (the
        embedded gene pack for pack genes).
    transcript, annotation
        Transcript to use; a GFF3/GTF/GenBank file with the gene model.
    mechanism, tissue
        The user's ``--mechanism`` / ``--tissue`` (canonical), or None.
    top
        Designs kept per modality (and per exon for ASOs).
    max_mismatches
        Mismatch limit of the genome off-target search for guides.
    aso_max_mismatches
        Mismatch limit of the ASO transcript matches.
    optimize_oversize
        Codon-optimise an oversized CDS as well (slow for large genes; default off).
    """

    gene: str
    variant: str | None = None
    genome: str | Path | None = None
    transcript: str | None = None
    annotation: str | Path | None = None
    mechanism: str | None = None
    tissue: str | None = None
    top: int = 5
    max_mismatches: int = 4
    aso_max_mismatches: int = 2
    optimize_oversize: bool = False

    def to_dict(self) -> dict[str, Any]:
        """Plain types (for JSON)."""
        return {k: (str(v) if isinstance(v, Path) else v) for k, v in self.__dict__.items()}


@dataclass(frozen=True)
class OffTargetReference:
    """The sequence searched for off-targets, stated plainly.

    Attributes
    ----------
    kind
        ``embedded`` (the gene pack), ``registered`` (a genome registered with
        ``genetx genome add``), ``file`` (a genome file given by path), ``gene_cache`` (the
        sequence stored with a fetched gene) or ``other``.
    name, source
        Genome name and where it was read.
    records, total_bp
        Number of sequences and their total length.
    whole_genome
        False for the embedded pack and gene caches (a few loci only).
    description
        One sentence for the report.
    annotation
        What labels exons of other genes among the hits.
    excluded
        Records of the genome that are not searched (the gene pack's mRNA records).

    ``records`` and ``total_bp`` count the searched sequences only.
    """

    kind: str
    name: str
    source: str
    records: int
    total_bp: int
    whole_genome: bool
    description: str
    annotation: str
    excluded: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """Plain types (for JSON)."""
        return {**self.__dict__, "excluded": list(self.excluded)}


@dataclass(frozen=True)
class OffTargetSummary:
    """Off-target matches of one design, by mismatch level.

    Attributes
    ----------
    engine
        ``genome_search`` (guides: every site within the limit in the reference genome) or
        ``transcript_match`` (ASOs/siRNAs: matches in a transcript set).
    searched
        What was searched (one line).
    max_mismatches
        The limit.
    counts
        Off-target sites at 0, 1, ... ``max_mismatches`` mismatches (the intended site excluded).
    cfd_specificity, mit_specificity
        CRISPOR's guide specificities (guides only; None otherwise).
    other_gene_exon_hits
        Genes other than the target whose exons hold a hit.
    exonic_max_mismatches
        Highest mismatch count of a hit listed in ``other_gene_exon_hits`` (None: every level).
    exons_labelled
        False when the hits could not be labelled with genes (no annotation for the genome, or
        a designer that does not name the genes): ``other_gene_exon_hits`` is then empty
        without meaning that no exon was hit.
    note
        What the numbers do not cover.
    """

    engine: str
    searched: str
    max_mismatches: int
    counts: tuple[int, ...]
    cfd_specificity: float | None = None
    mit_specificity: float | None = None
    other_gene_exon_hits: tuple[str, ...] = ()
    note: str = ""
    exonic_max_mismatches: int | None = None
    exons_labelled: bool = True

    @property
    def total(self) -> int:
        """All off-target sites within the limit."""
        return int(sum(self.counts))

    def to_dict(self) -> dict[str, Any]:
        """Plain types (for JSON)."""
        return {"engine": self.engine, "searched": self.searched,
                "max_mismatches": self.max_mismatches, "counts": list(self.counts),
                "total": self.total, "cfd_specificity": self.cfd_specificity,
                "mit_specificity": self.mit_specificity,
                "other_gene_exon_hits": list(self.other_gene_exon_hits),
                "exonic_max_mismatches": self.exonic_max_mismatches,
                "exons_labelled": self.exons_labelled, "note": self.note}


@dataclass(frozen=True)
class CassetteFacts:
    """What the dossier needs of a cassette.

    Attributes
    ----------
    name, vector
        Cassette name and vector (``ssAAV``, ``scAAV``, ``LV``).
    packaged_length, fine_limit, band
        Packaged length, the vector's fine limit and the band it falls in.
    codon_optimized
        True when the CDS was codon-optimised (false for a native oversize map).
    cpg_cds, cpg_total, cpg_per_kb
        CpG counts in the CDS and the whole cassette, and CpG per kb of the whole cassette.
    rules
        Rule evaluations (plain dicts from :meth:`genetx.add.rules.RuleEvaluation.to_dict`).
    promoter
        Promoter element name.
    reference
        Source of the packaging limit.
    """

    name: str
    vector: str
    packaged_length: int
    fine_limit: int
    band: str
    codon_optimized: bool
    cpg_cds: int | None
    cpg_total: int | None
    cpg_per_kb: float | None
    rules: tuple[dict[str, Any], ...]
    promoter: str
    reference: str

    @property
    def margin(self) -> int:
        """Bases left below the fine limit (negative: over it)."""
        return self.fine_limit - self.packaged_length

    @property
    def fits(self) -> bool:
        """In the fine band."""
        return self.band == "fine"

    def to_dict(self) -> dict[str, Any]:
        """Plain types (for JSON)."""
        return {**{k: v for k, v in self.__dict__.items() if k != "rules"},
                "margin": self.margin, "fits": self.fits, "rules": list(self.rules)}


@dataclass(frozen=True)
class DesignItem:
    """One top design of a modality.

    Attributes
    ----------
    id, modality, kind, label
        Identifier, modality, kind (``aso``, ``guide``, ``guide_pair``, ``base_edit``,
        ``pegrna``, ``sirna``, ``cassette``) and a short human label.
    sequence
        The designed molecule 5'->3' (oligo, spacer) or None (cassettes: see the record).
    location
        ``(chrom, start, end, strand)`` of the target site, 0-based half-open, or None (for a
        guide pair, the span between the two cuts).
    properties
        Scores and attributes shown in the report (plain types).
    offtarget
        Off-target summary, when searched.
    cassette
        Cassette facts (gene addition).
    sites
        Each targeted site ``(chrom, start, end, strand, label)`` when there are several (the
        two guides of a pair); empty when ``location`` is the one site.
    """

    id: str
    modality: str
    kind: str
    label: str
    sequence: str | None = None
    location: tuple[str, int, int, str] | None = None
    properties: dict[str, Any] = field(default_factory=dict)
    offtarget: OffTargetSummary | None = None
    cassette: CassetteFacts | None = None
    sites: tuple[tuple[str, int, int, str, str], ...] = ()

    def target_sites(self) -> tuple[tuple[str, int, int, str, str], ...]:
        """``(chrom, start, end, strand, label)`` of every site the design targets."""
        if self.sites:
            return self.sites
        if self.location is None:
            return ()
        return ((*self.location, self.id),)

    def to_dict(self) -> dict[str, Any]:
        """Plain types (for JSON)."""
        return {"id": self.id, "modality": self.modality, "kind": self.kind,
                "label": self.label, "sequence": self.sequence,
                "location": list(self.location) if self.location else None,
                "sites": [list(x) for x in self.sites],
                "properties": self.properties,
                "offtarget": self.offtarget.to_dict() if self.offtarget else None,
                "cassette": self.cassette.to_dict() if self.cassette else None}


@dataclass(frozen=True)
class ModalityResult:
    """What the designer of one modality produced (or why it did not run).

    Attributes
    ----------
    modality
        The modality.
    option
        Its triage entry.
    status
        One of :data:`STATUSES`.
    reason
        One line: what was done, or why nothing was.
    designs
        Top designs.
    tables
        Full candidate tables by name (exported as TSV).
    records
        Annotated sequences (exported as GenBank).
    notes
        Statements about the run (settings, what was skipped and why).
    raw
        The capability's own JSON summary.
    seconds
        Time spent.
    """

    modality: str
    option: ModalityOption
    status: str
    reason: str
    designs: tuple[DesignItem, ...] = ()
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    records: tuple[SeqRecord, ...] = ()
    notes: tuple[Statement, ...] = ()
    raw: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        """Plain types (for JSON); tables as lists of row dicts."""
        return {"modality": self.modality, "title": self.option.title,
                "verdict": self.option.verdict, "status": self.status, "reason": self.reason,
                "designs": [d.to_dict() for d in self.designs],
                "tables": {k: _records(v) for k, v in self.tables.items()},
                "records": [r.id for r in self.records],
                "notes": [n.to_dict() for n in self.notes], "raw": self.raw,
                "seconds": round(self.seconds, 3)}


def _records(df: pd.DataFrame) -> list[dict[str, Any]]:
    import json

    return json.loads(df.to_json(orient="records"))


@dataclass(frozen=True)
class DesignRun:
    """Everything one ``genetx design`` run found (the input of the dossier and the report).

    Attributes
    ----------
    request
        What was asked.
    gene
        The resolved gene, or None (``gene_reason`` says why).
    transcript
        The chosen transcript, or None.
    variant
        The mapped variant, or None (``variant_reason`` says why when one was given).
    skip_plan
        The frame-restoration plan, when the variant has one.
    triage
        Ranked modalities.
    results
        One per modality, in triage order.
    reference
        The sequence searched for off-targets.
    bibliography
        Every source the run can cite.
    timings
        Seconds per stage.
    started
        UTC start time (ISO 8601).
    """

    request: DesignRequest
    gene: LoadedGene | None
    gene_reason: str
    transcript: Transcript | None
    variant: Variant | None
    variant_reason: str
    skip_plan: SkipPlan | None
    skip_reason: str
    triage: Triage
    results: tuple[ModalityResult, ...]
    reference: OffTargetReference | None
    bibliography: Bibliography
    timings: dict[str, float]
    started: str
    catalog: Catalog | None = field(default=None, compare=False, repr=False)
    gene_error: GeneTxError | None = field(default=None, compare=False, repr=False)
    variant_error: GeneTxError | None = field(default=None, compare=False, repr=False)

    def result(self, modality: str) -> ModalityResult:
        """The result of ``modality``."""
        for r in self.results:
            if r.modality == modality:
                return r
        raise KeyError(modality)

    def to_dict(self) -> dict[str, Any]:
        """Plain types (for JSON)."""
        from genetx import __version__

        g = self.gene
        tx = self.transcript
        gene = None
        if g is not None and tx is not None:
            gene = {"symbol": g.gene.symbol, "gene_id": g.gene.gene_id,
                    "chrom": g.gene.chrom, "start": g.gene.start, "end": g.gene.end,
                    "strand": g.gene.strand, "origin": g.origin,
                    "annotation_source": g.annotation_source,
                    "transcript": tx.id, "transcript_basis": g.transcript_basis,
                    "exon_count": tx.exon_count, "cds_length": tx.cds_length,
                    "protein_length": tx.protein_length, "genome": g.genome.name,
                    "genome_source": g.genome.source, "coverage": g.coverage,
                    "notes": list(g.notes)}
        return {
            "genetx_version": __version__, "started": self.started,
            "request": self.request.to_dict(),
            "gene": gene, "gene_reason": self.gene_reason or None,
            "variant": self.variant.to_dict() if self.variant else None,
            "variant_reason": self.variant_reason or None,
            "skip_plan": self.skip_plan.to_dict() if self.skip_plan else None,
            "skip_reason": self.skip_reason or None,
            "offtarget_reference": self.reference.to_dict() if self.reference else None,
            "triage": self.triage.to_dict(),
            "results": [r.to_dict() for r in self.results],
            "timings": {k: round(v, 3) for k, v in self.timings.items()},
        }


# --------------------------------------------------------------------------------------------
# gathering facts


@dataclass
class _Context:
    request: DesignRequest
    catalog: Catalog | None
    loaded: LoadedGene | None = None
    gene_reason: str = ""
    tx: Transcript | None = None
    genome: Genome | None = None
    variant: Variant | None = None
    variant_reason: str = ""
    skip_plan: SkipPlan | None = None
    skip_reason: str = ""
    gene_error: GeneTxError | None = None
    variant_error: GeneTxError | None = None
    cds: str | None = None
    protein: str | None = None
    reference: OffTargetReference | None = None
    timings: dict[str, float] = field(default_factory=dict)


def _load_catalog() -> Catalog | None:
    from genetx.catalog import load_catalog

    return load_catalog()


def describe_reference(loaded: LoadedGene, requested: str | Path | None) -> OffTargetReference:
    """Say plainly which sequence an off-target search of this run covers.

    Parameters
    ----------
    loaded
        The resolved gene (its genome is the one searched).
    requested
        The ``--genome`` value, or None.

    Returns
    -------
    The :class:`OffTargetReference`.
    """
    from genetx.edit.guides import search_scope

    g = loaded.genome
    skip, _ = search_scope(g)
    recs = {r: n for r, n in g.records().items() if r not in skip}
    n, total = len(recs), sum(recs.values())
    size = f"{total / 1e6:,.2f} Mb" if total < 1e9 else f"{total / 1e9:,.2f} Gb"
    if requested is None and loaded.origin == "genepack":
        unseen = _mrna_only_genes(skip)
        return OffTargetReference(
            "embedded", g.name, g.source, n, total, whole_genome=False,
            description=(f"the embedded GeneTx gene pack ({n} sequences, {size}: the DMD locus "
                         "and two chr21 regions of GRCh38, plus RefSeqGene records; its "
                         f"{len(skip)} mRNA records are not searched, since they are spliced "
                         "copies of exons"
                         + (f", so {_and(unseen)}, held only as mRNA, "
                            f"{'is' if len(unseen) == 1 else 'are'} not searched"
                            if unseen else "")
                         + "). It is not a whole genome: off-target sites outside these loci "
                         "are not seen. Register a whole genome (genetx genome add NAME PATH) "
                         "and pass --genome NAME for a genome-wide search."),
            annotation="exons of other genes are labelled from the gene pack's genomic gene "
                       "models",
            excluded=tuple(sorted(skip)))
    if requested is None and loaded.origin == "cache":
        return OffTargetReference(
            "gene_cache", g.name, g.source, n, total, whole_genome=False,
            description=(f"the sequence stored with the fetched gene {loaded.gene.symbol} "
                         f"({n} sequence(s), {size}); not a whole genome: off-target sites "
                         "elsewhere are not seen"),
            annotation="the fetched gene model only")
    registered = False
    if requested is not None and not isinstance(requested, Path):
        from genetx.genome.registry import list_genomes

        registered = str(requested) in {e.name for e in list_genomes()}
    kind = "registered" if registered else ("file" if requested is not None else "other")
    what = (f"the registered genome {g.name!r}" if registered else
            f"the genome file {g.source or requested}")
    return OffTargetReference(
        kind, g.name, g.source, n, total, whole_genome=True,
        description=(f"{what} ({n:,} sequences, {size}), searched in full: every sequence of "
                     "this genome, as registered by the user"),
        annotation=("exons of other genes are labelled from the annotation given with "
                    "--annotation" if loaded.origin == "files" else
                    "exons of other genes are labelled only inside the gene pack's loci; hits "
                    "elsewhere are not annotated"))


def _and(words: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def _mrna_only_genes(mrna_records: frozenset[str]) -> list[str]:
    """Genes of the pack whose only sequence lies on the given (mRNA) records."""
    from genetx.genome.genes import pack_manifest

    out = []
    for sym, entry in pack_manifest()["genes"].items():
        seqids = [m.get("seqid") for m in (entry, *entry.get("other_models", []))
                  if m.get("seqid")]
        if seqids and all(x in mrna_records for x in seqids):
            out.append(sym)
    return sorted(out)


def _resolve_gene(ctx: _Context) -> None:
    from genetx.genome.genes import load_gene

    req = ctx.request
    try:
        loaded = load_gene(req.gene, annotation=req.annotation, genome=req.genome,
                           transcript=req.transcript)
    except GeneTxError as exc:
        ctx.gene_reason = exc.reason
        ctx.gene_error = exc
        return
    ctx.loaded = loaded
    ctx.tx = loaded.transcript
    ctx.genome = loaded.genome
    ctx.reference = describe_reference(loaded, req.genome)
    if loaded.coverage == "none":
        ctx.gene_reason = (f"the genome {loaded.genome.name!r} holds no sequence of "
                           f"{loaded.gene.symbol}")


def _resolve_variant(ctx: _Context) -> None:
    from genetx.genome.variants import parse_variant

    text = ctx.request.variant
    if not text:
        return
    if ctx.loaded is None:
        ctx.variant_reason = "no gene model to place it on"
        return
    try:
        ctx.variant = parse_variant(text, ctx.loaded.gene, ctx.genome,
                                    transcript=ctx.request.transcript or ctx.tx.id
                                    if ctx.tx else None)
    except GeneTxError as exc:
        ctx.variant_reason = exc.reason if exc.input == text else str(exc)
        ctx.variant_error = exc
        return
    if ctx.variant.transcript and ctx.tx is not None and ctx.variant.transcript != ctx.tx.id:
        ctx.tx = ctx.loaded.gene.transcript(ctx.variant.transcript)


def _plan(ctx: _Context) -> None:
    if ctx.variant is None or ctx.tx is None or not ctx.tx.is_coding:
        return
    from genetx.skip.strategies import plan_skips

    try:
        ctx.skip_plan = plan_skips(ctx.variant, ctx.tx, ctx.genome)
    except GeneTxError as exc:
        ctx.skip_reason = exc.reason


def _coding(ctx: _Context) -> str:
    """Read the CDS and protein of the chosen transcript ("" or a reason)."""
    if ctx.tx is None:
        return ctx.gene_reason or "no gene model"
    if not ctx.tx.is_coding:
        return f"transcript {ctx.tx.id} is not protein-coding"
    from genetx.add.codon import check_cds

    try:
        seq = ctx.tx.cds_sequence(ctx.genome)  # type: ignore[arg-type]
        ctx.cds, ctx.protein = check_cds(seq, f"{ctx.tx.gene} {ctx.tx.id} CDS")
    except GeneTxError as exc:
        return str(exc)
    return ""


def fit_fact(cds_length: int, vector: str, tissue: str | None = None,
             label: str = "full-length CDS") -> FitFact:
    """Packaged length of a CDS in ``vector`` with the promoter :mod:`genetx.add` would choose.

    The length counts the vector's fixed parts, the chosen promoter, a Kozak sequence, the CDS
    and the polyA (AAV) or WPRE (lentiviral), as :func:`genetx.add.cassette.choose_elements`
    does.
    """
    from genetx.add.cassette import choose_elements, fixed_parts
    from genetx.add.elements import load_elements
    from genetx.add.rules import classify_length, fine_limit

    lib = load_elements()
    ch = choose_elements(cds_length, vector=vector, tissue=tissue, library=lib)
    five, three = fixed_parts(vector, lib)
    total = (sum(p.length for p in five + three) + ch.promoter.length + 6 + cds_length
             + (ch.polya.length if ch.polya else 0) + (ch.wpre.length if ch.wpre else 0)
             + (ch.intron.length if ch.intron else 0))
    band, _meaning, ref = classify_length(total, vector)
    return FitFact(vector, cds_length, total, fine_limit(vector), band, ref, ch.promoter.name,
                   label)


def gather(ctx: _Context) -> TriageInput:
    """Resolve gene and variant, plan skips and compute packaging fit; build the triage input."""
    from genetx.strategy.knowledge import (
        resolve_mechanism,
        resolve_tissue,
        variant_class,
    )

    t0 = time.perf_counter()
    _resolve_gene(ctx)
    _resolve_variant(ctx)
    ctx.timings["gene_and_variant"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    _plan(ctx)
    ctx.timings["skip_plan"] = time.perf_counter() - t0
    req = ctx.request
    symbol = ctx.loaded.gene.symbol if ctx.loaded else req.gene
    vclass = variant_class(ctx.variant, ctx.tx.exon_count if ctx.tx else None)
    mech = resolve_mechanism(symbol, vclass, req.mechanism)
    tissue = resolve_tissue(symbol, ctx.catalog, req.tissue)
    inp_kwargs: dict[str, Any] = {}
    fit_reason = _coding(ctx) if not ctx.gene_reason else ctx.gene_reason
    if not fit_reason and ctx.cds is not None:
        add_t = _ADD_TISSUE.get(tissue.tissue or "")
        try:
            aav = fit_fact(len(ctx.cds), "ssAAV", None if add_t == "hsc" else add_t)
            lv = fit_fact(len(ctx.cds), "LV", "hsc")
            from genetx.add.oversize import build_shortened, versions_for

            shortened = []
            for ver in versions_for(symbol):
                sfit = None
                if ver.buildable:
                    try:
                        built = build_shortened(ver, ctx.cds, transcript=ctx.tx.id
                                                if ctx.tx else None)
                        sfit = fit_fact(len(built.cds), "ssAAV",
                                        None if add_t == "hsc" else add_t, label=ver.name)
                    except GeneTxError:
                        sfit = None
                shortened.append(ShortenedFact(ver.name, ver.buildable and sfit is not None,
                                               ver.reference, ver.note, sfit))
            inp_kwargs.update(aav_fit=aav, lv_fit=lv, shortened=tuple(shortened))
        except (GeneTxError, ImportError) as exc:
            fit_reason = str(exc)
    return TriageInput(
        gene=symbol, gene_reason=ctx.gene_reason,
        transcript=ctx.tx.id if ctx.tx else None,
        exon_count=ctx.tx.exon_count if ctx.tx else None,
        cds_length=len(ctx.cds) if ctx.cds else None,
        variant_text=req.variant or "", variant=ctx.variant, variant_reason=ctx.variant_reason,
        mechanism=mech, tissue=tissue, skip_plan=ctx.skip_plan, skip_reason=ctx.skip_reason,
        fit_reason=fit_reason, **inp_kwargs)


# --------------------------------------------------------------------------------------------
# designers


class _Unavailable(Exception):
    """A capability that is not installed (or not written yet)."""


def _capability(module: str, attr: str) -> Any:
    try:
        mod = importlib.import_module(module)
    except ImportError as exc:
        msg = f"{module} is not available in this installation ({exc})"
        raise _Unavailable(msg) from None
    fn = getattr(mod, attr, None)
    if fn is None:
        msg = f"{module} has no {attr}() yet"
        raise _Unavailable(msg)
    return fn


def _offtarget_from_counts(row: Any, max_mm: int, searched: str, gene: str) -> OffTargetSummary:
    counts = tuple(int(row[f"offtarget_{m}mm"]) for m in range(max_mm + 1))
    genes = [g for g in str(row.get("offtarget_genes", "") or "").split(",")
             if g and g.upper() != gene.upper()]
    return OffTargetSummary(
        "transcript_match", searched, max_mm, counts,
        other_gene_exon_hits=tuple(sorted(set(genes))),
        note=("matches of the oligonucleotide's target sequence in spliced transcripts; "
              "intronic and intergenic sites are not searched; CFD applies to Cas9 guides, "
              "not to antisense oligonucleotides"))


def _design_exon_skipping(ctx: _Context, opt: ModalityOption) -> ModalityResult:
    plan = ctx.skip_plan
    assert plan is not None
    assert ctx.tx is not None
    assert ctx.genome is not None
    design_asos = _capability("genetx.skip.aso", "design_asos")
    import pandas as pd

    best = plan.strategies[0]
    req = ctx.request
    items: list[DesignItem] = []
    tables: list[pd.DataFrame] = []
    notes: list[Statement] = []
    raw: dict[str, Any] = {"plan": plan.to_dict(), "aso_designs": []}
    for exon in best.skip:
        d = design_asos(ctx.tx, ctx.genome, exon, max_mismatches=req.aso_max_mismatches)
        raw["aso_designs"].append(d.summary())
        df = d.candidates
        tables.append(df)
        notes.append(computed(f"exon {exon}: {len(df):,} candidate ASOs of "
                              f"{min(d.lengths)}-{max(d.lengths)} nt over the exon and "
                              f"{d.intron_flank} nt of each flanking intron; transcript matches "
                              f"searched in {d.offtarget_source}", "aso"))
        for _, row in df.head(req.top).iterrows():
            items.append(DesignItem(
                str(row["aso_id"]), "exon_skipping", "aso",
                f"ASO {row['aso_id']} ({row['length']} nt, {row['part']})",
                str(row["aso"]),
                (str(row["Chromosome"]), int(row["Start"]), int(row["End"]),
                 str(row["Strand"])),
                {"exon": int(row["exon"]), "length": int(row["length"]),
                 "target_c": str(row["target_c"]), "part": str(row["part"]),
                 "gc": float(row["gc"]), "self_dimer": int(row["self_dimer"]),
                 "hairpin": int(row["hairpin"])},
                _offtarget_from_counts(row, d.max_mismatches, d.offtarget_source,
                                       ctx.tx.gene)))
    table = pd.concat(tables, ignore_index=True) if tables else pd.DataFrame()
    if not items:
        return ModalityResult("exon_skipping", opt, "nothing_found",
                              f"no ASO candidate over exon(s) {best.skip}", (), {}, (),
                              tuple(notes), raw)
    skip = "-".join(str(x) for x in (best.skip[0], best.skip[-1])) if len(best.skip) > 1 \
        else str(best.skip[0])
    return ModalityResult(
        "exon_skipping", opt, "designed",
        f"ASOs for skipping exon {skip} (best of {len(plan.strategies)} frame-restoring skips); "
        f"top {req.top} per exon of {len(table):,} candidates",
        tuple(items), {"aso_candidates": table}, (), tuple(notes), raw)


def _cassette_facts(cas: Any, evaluations: Any, *, optimized: bool) -> CassetteFacts:
    from genetx.add.rules import classify_length, fine_limit

    band, _m, ref = classify_length(cas.length, cas.vector)
    cpg_cds = cpg_all = None
    per_kb = None
    for ev in evaluations:
        if ev.rule.startswith("CpGDensity[cds"):
            cpg_cds = int(ev.value) if ev.value is not None else None
        if ev.rule.startswith("CpGDensity[all"):
            cpg_all = int(ev.value) if ev.value is not None else None
    if cpg_all is not None and cas.length:
        per_kb = round(1000.0 * cpg_all / cas.length, 1)
    prom = cas.part("promoter")
    return CassetteFacts(cas.name, cas.vector, cas.length, fine_limit(cas.vector), band,
                         optimized, cpg_cds, cpg_all, per_kb,
                         tuple(e.to_dict() for e in evaluations),
                         prom.part.name if prom else "", ref)


def _coding_input(ctx: _Context) -> Any:
    from genetx.add.inputs import CodingInput

    assert ctx.tx is not None
    assert ctx.loaded is not None
    return CodingInput(ctx.loaded.gene.symbol, "gene", ctx.protein or "", ctx.cds,
                       ctx.loaded.annotation_source, ctx.loaded.gene.symbol, ctx.tx.id)


def _design_addition(ctx: _Context, opt: ModalityOption, inp: TriageInput, *,
                     vector: str, modality: str) -> ModalityResult:
    from genetx.add.cassette import build_cassette
    from genetx.add.design import design_gene_addition
    from genetx.add.oversize import propose
    from genetx.add.rules import CpGDensity, default_rules, evaluate_rules

    tissue = _ADD_TISSUE.get(inp.tissue.tissue or "") if inp.tissue else None
    if vector != "LV" and tissue == "hsc":
        tissue = None
    if vector == "LV":
        tissue = "hsc"
    fit = inp.lv_fit if vector == "LV" else inp.aav_fit
    if fit is None or ctx.cds is None:
        return ModalityResult(modality, opt, "not_run", inp.fit_reason or "no coding sequence")
    src = _coding_input(ctx)
    usable = [s for s in inp.shortened if s.buildable and s.fit is not None]
    shortened = next((s for s in usable if s.fit and s.fit.fits), usable[0] if usable else None)
    notes: list[Statement] = []
    if fit.fits or (vector != "LV" and shortened is not None) or ctx.request.optimize_oversize:
        short = shortened.name if (shortened is not None and not fit.fits
                                   and vector != "LV") else None
        design = design_gene_addition(src, vector=vector, tissue=tissue, shortened=short)
        cas = design.cassette
        facts = _cassette_facts(cas, design.evaluations, optimized=True)
        opt_d = design.optimized.to_dict()
        label = f"{cas.name} {vector} cassette ({cas.length:,} nt)"
        item = DesignItem(f"{cas.name}-{vector}", modality, "cassette", label, None, None,
                          {"promoter": facts.promoter, "packaged_length": cas.length,
                           "fine_limit": facts.fine_limit, "band": facts.band,
                           "codon_optimized": True, "shortened": short,
                           "choices": list(cas.choices)}, None, facts)
        records = [cas.record, *(c.record for c in design.split)]
        notes.extend(computed(n, "add") for n in design.notes)
        if short:
            notes.append(computed(f"built from the published shortened version {short}", "add"))
        raw = design.to_dict()
        raw["optimization_summary"] = {k: opt_d.get(k) for k in ("method", "changed_codons")
                                       if k in opt_d}
        packable = facts.band in ("fine", "reduced_yield")
        status = "designed" if packable else "nothing_found"
        reason = (f"{label}: {facts.band.replace('_', ' ')} (fine band up to "
                  f"{facts.fine_limit:,} nt)")
        if not packable:
            reason = f"no cassette fits {vector}: {reason}"
        elif not facts.fits:
            reason += "; fewer full-length genomes are packaged above the fine band"
        return ModalityResult(modality, opt, status, reason, (item,), {}, tuple(records),
                              tuple(notes), raw)
    # oversized: no codon optimisation (slow and pointless); native map and the ways out
    cas = build_cassette(ctx.cds, ctx.protein or "", name=src.name, vector=vector,
                         tissue=tissue)
    evals = evaluate_rules(cas.record, [*default_rules(vector), CpGDensity(None, "all")])
    facts = _cassette_facts(cas, evals, optimized=False)
    proposals = propose(ctx.protein or "", ctx.cds, gene=src.gene, full_cds=ctx.cds,
                        transcript=src.transcript, vector=vector, tissue=tissue)
    feasible = [p for p in proposals if p.feasible]
    for p in proposals:
        notes.append(computed(f"{'feasible' if p.feasible else 'not feasible'}: "
                              f"{p.kind.replace('_', ' ')}: {p.summary}", "add"))
    notes.append(computed("the CDS was not codon-optimised because the cassette does not fit "
                          "(use --optimize-oversize to optimise it anyway)", "add"))
    item = DesignItem(f"{cas.name}-{vector}-native", modality, "cassette",
                      f"{cas.name} {vector} cassette with the native CDS ({cas.length:,} nt, "
                      "does not fit)", None, None,
                      {"promoter": facts.promoter, "packaged_length": cas.length,
                       "fine_limit": facts.fine_limit, "band": facts.band,
                       "codon_optimized": False}, None, facts)
    raw = {"cassette": cas.to_dict(), "rules": [e.to_dict() for e in evals],
           "proposals": [p.to_dict() for p in proposals]}
    reason = (f"the {len(ctx.cds):,}-nt CDS does not fit {vector}: {cas.length:,} nt packaged "
              f"with {facts.promoter}, {-facts.margin:,} nt over the {facts.fine_limit:,}-nt "
              f"limit; {len(feasible)} of {len(proposals)} ways out feasible"
              + (f" ({', '.join(p.kind.replace('_', ' ') for p in feasible)})" if feasible
                 else ""))
    return ModalityResult(modality, opt, "nothing_found", reason, (item,), {}, (cas.record,),
                          tuple(notes), raw)


# ---------------------------------------------------------------------- genome editing

def _annotation_for(ctx: _Context) -> tuple[Any, str]:
    """Annotation to label off-target hits, and what it covers ("" when none)."""
    ref = ctx.reference
    if ctx.loaded is None or ref is None:
        return None, ""
    if ref.kind == "embedded":
        from genetx.genome.genes import pack_annotation

        return pack_annotation("genes"), "the gene pack's genomic gene models"
    if ctx.request.annotation is not None:
        from genetx.genome.annotation import read_annotation

        return read_annotation(ctx.request.annotation), str(ctx.request.annotation)
    return None, ""


def _offtarget_note(max_mismatches: int, nucleases: set[str], annotation_name: str,
                    copies: frozenset[str]) -> str:
    """What the genome-search numbers follow and leave out (one sentence)."""
    from genetx.edit.nucleases import get_nuclease
    from genetx.edit.ranking import EXONIC_MAX_MISMATCHES

    pams = "; ".join(f"{n}: {', '.join(get_nuclease(n).offtarget_search_pams)}"
                     for n in sorted(nucleases))
    note = (f"exact search within {max_mismatches} mismatches (no bulges) at the nuclease's "
            f"off-target PAMs ({pams})")
    if any(get_nuclease(n).has_cfd for n in nucleases):
        note += ("; as in CRISPOR, an NAG/NGA site is kept only when its MIT score without the "
                 "PAM factor is above 1.0")
    note += "; the intended site is not counted"
    if copies:
        note += (f"; hits on {', '.join(sorted(copies))} (another record of the target gene's "
                 "own sequence) are not counted")
    if annotation_name:
        note += (f"; hits within {EXONIC_MAX_MISMATCHES} mismatches in exons of other genes "
                 f"are named from {annotation_name}")
    else:
        note += "; hits are not labelled with genes (no annotation for this genome)"
    return note


def _summary(counts: tuple[int, ...], cfd: float | None, mit: float | None,
             genes: tuple[str, ...], *, searched: str, max_mismatches: int,
             labelled: bool, note: str) -> OffTargetSummary:
    from genetx.edit.ranking import EXONIC_MAX_MISMATCHES

    return OffTargetSummary(
        "genome_search", searched, max_mismatches, counts, cfd, mit, genes, note,
        EXONIC_MAX_MISMATCHES if labelled else None, exons_labelled=labelled)


def _finite(v: Any) -> float | None:
    import math

    if v is None:
        return None
    f = float(v)
    return None if math.isnan(f) else f


def guide_offtargets(genome: Genome, guides: dict[str, tuple[str, str, tuple[Any, ...]]], *,
                     max_mismatches: int = 4, searched: str = "", annotation: Any = None,
                     annotation_name: str = "", gene: str = "",
                     target_copies: frozenset[str] | None = None
                     ) -> tuple[dict[str, OffTargetSummary], pd.DataFrame]:
    """Off-target summaries of guides, from the edit package's profile.

    A thin adapter: the search, the classing of every hit and the counts are
    :func:`genetx.edit.ranking.profile_offtargets` (the summary ``genetx guides`` and
    ``genetx skip`` use), run once per nuclease; this function turns its rows into
    :class:`OffTargetSummary` objects.

    Parameters
    ----------
    genome
        The genome searched.
    guides
        Guide id -> ``(spacer, nuclease name, sites)``: the intended sites
        ``(chrom, start, end)``; the bulge-free hit with the fewest mismatches overlapping one
        of them is the on-target and is not counted (a guide found on the patient allele
        matches the reference there with a mismatch, so the site, not the sequence, decides).
    max_mismatches
        Mismatch limit (bulges are not searched).
    searched
        What the genome is, in words (for the summary).
    annotation, annotation_name
        Gene annotation that labels exonic hits, and its name (None: hits are not labelled).
    gene
        The target gene (its own exons are not "other genes").
    target_copies
        Records that hold another copy of the target gene's own sequence: hits there are
        classed ``target_copy`` and not counted. None: found by
        :func:`genetx.edit.ranking.target_copy_records`.

    Returns
    -------
    Summaries by guide id, and the site table of all guides
    (:func:`genetx.edit.ranking.offtarget_sites`: ``cfd``, ``mit``, ``site_class`` and, with an
    annotation, ``region`` and ``gene``).
    """
    import pandas as pd

    from genetx.edit.ranking import profile_offtargets, target_copy_records

    by_nuc: dict[str, list[dict[str, Any]]] = {}
    for gid, (spacer, nname, sites) in guides.items():
        chrom, start = (str(sites[0][0]), int(sites[0][1])) if sites else ("", -1)
        by_nuc.setdefault(nname, []).append({"guide_id": gid, "spacer": spacer,
                                             "Chromosome": chrom, "Start": start,
                                             "Strand": "+"})
    if target_copies is None:
        target_copies = target_copy_records(
            genome, gene, {str(s[0]) for _sp, _n, sites in guides.values() for s in sites})
    note = _offtarget_note(max_mismatches, set(by_nuc), annotation_name if annotation
                           is not None else "", target_copies)
    labelled = annotation is not None
    out: dict[str, OffTargetSummary] = {}
    frames = []
    for nname, rows in by_nuc.items():
        table = pd.DataFrame(rows)
        res = profile_offtargets(
            table, genome, nname, max_mismatches=max_mismatches, annotation=annotation,
            gene=gene or None, intended={gid: tuple(tuple(x[:3]) for x in guides[gid][2])
                                         for gid in table["guide_id"]},
            target_copies=target_copies)
        frames.append(res.sites)
        for r in res.profile.to_dict("records"):
            genes = tuple(x for x in str(r["exonic_genes"] or "").split(",") if x)
            out[str(r["guide_id"])] = _summary(
                tuple(int(r[f"mm{m}"]) for m in range(max_mismatches + 1)),
                _finite(r["cfd_specificity"]), _finite(r["mit_specificity"]), genes,
                searched=searched or getattr(genome, "name", "genome"),
                max_mismatches=max_mismatches, labelled=labelled, note=note)
    frames = [f for f in frames if len(f)]
    sites = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    return {gid: out[gid] for gid in guides}, sites


def _offtargets(ctx: _Context, guides: dict[str, tuple[str, str, tuple[Any, ...]]]
                ) -> tuple[dict[str, OffTargetSummary], pd.DataFrame]:
    assert ctx.genome is not None
    annot, name = _annotation_for(ctx)
    return guide_offtargets(
        ctx.genome, guides, max_mismatches=ctx.request.max_mismatches,
        searched=ctx.reference.description if ctx.reference else "",
        annotation=annot, annotation_name=name, gene=ctx.tx.gene if ctx.tx else "")


def _loc(row: Any) -> tuple[str, int, int, str]:
    return (str(row["Chromosome"]), int(row["Start"]), int(row["End"]), str(row["Strand"]))


def _props(row: Any, keys: tuple[str, ...]) -> dict[str, Any]:
    import math

    out: dict[str, Any] = {}
    for k in keys:
        if k not in row:
            continue
        v = row[k]
        if isinstance(v, float) and math.isnan(v):
            v = None
        elif hasattr(v, "item"):
            v = v.item()
        out[k] = v
    return out


def _design_base_editing(ctx: _Context, opt: ModalityOption) -> ModalityResult:
    fn = _capability("genetx.edit.base_editing", "design_base_edits")
    assert ctx.variant is not None
    plan = fn(ctx.variant, ctx.tx, ctx.genome)
    top = plan.guides.head(ctx.request.top)
    guides = {str(r["guide_id"]): (str(r["spacer"]), str(r["nuclease"]),
                                   ((str(r["Chromosome"]), int(r["Start"]), int(r["End"])),))
              for _, r in top.iterrows()}
    summaries, hits = _offtargets(ctx, guides)
    items = []
    for _, r in top.iterrows():
        gid = str(r["guide_id"])
        items.append(DesignItem(
            gid, "base_editing", "base_edit",
            f"{r['editor']} with {r['nuclease']} guide {gid}", str(r["spacer"]), _loc(r),
            _props(r, ("editor", "nuclease", "pam", "target_position", "window", "bystanders",
                       "bystander_positions", "protein_intended", "protein_all_edited",
                       "clean", "rule_set_1")), summaries.get(gid)))
    notes = [computed(n, "edit") for n in plan.notes]
    notes.append(computed(f"correction {plan.change} by {plan.editor} ({plan.strand} strand "
                          f"protospacer); patient protein {plan.patient_protein}", "edit"))
    return ModalityResult(
        "base_editing", opt, "designed",
        f"{len(plan.guides)} base-editor guide(s) put the variant in the editing window; top "
        f"{len(items)} searched for off-targets", tuple(items),
        {"base_editing_guides": plan.guides, "base_editing_outcomes": plan.outcomes,
         **({"offtargets_base_editing": hits} if len(hits) else {})},
        (), tuple(notes), plan.to_dict())


def _pe_location(row: Any, chrom: str) -> tuple[str, int, int, str]:
    """Protospacer + PAM span of a pegRNA from its nick (PE2 nicks between positions 17|18)."""
    n, length, strand = int(row["nick"]), len(str(row["spacer"])), str(row["Strand"])
    plen = len(str(row["pam"]))
    if strand == "+":
        return chrom, n - (length - 3), n + 3 + plen, "+"
    return chrom, n - 3 - plen, n + length - 3, "-"


def _design_prime_editing(ctx: _Context, opt: ModalityOption) -> ModalityResult:
    fn = _capability("genetx.edit.prime_editing", "design_prime_edits")
    assert ctx.variant is not None
    plan = fn(ctx.variant, ctx.tx, ctx.genome, top=ctx.request.top)
    chrom = ctx.variant.chrom
    top = plan.pegrnas.head(ctx.request.top)
    guides = {}
    for _, r in top.iterrows():
        loc = _pe_location(r, chrom)
        guides[str(r["peg_id"])] = (str(r["spacer"]), str(r["nuclease"]),
                                    ((loc[0], loc[1], loc[2]),))
    summaries, hits = _offtargets(ctx, guides)
    items = []
    for _, r in top.iterrows():
        pid = str(r["peg_id"])
        items.append(DesignItem(
            pid, "prime_editing", "pegrna", f"pegRNA {pid} ({r['nuclease']})",
            str(r["spacer"]), _pe_location(r, chrom),
            _props(r, ("nuclease", "pam", "pbs", "rtt", "pbs_length", "rtt_length",
                       "pam_disrupted", "silent_edit", "rule_score", "verified", "protein",
                       "pe3_best", "pegrna")), summaries.get(pid)))
    notes = [computed(n, "edit") for n in plan.notes]
    notes.append(computed("every pegRNA was applied to the patient allele in silico; "
                          "'verified' means it gives the reference allele", "edit"))
    return ModalityResult(
        "prime_editing", opt, "designed",
        f"{len(plan.pegrnas)} pegRNA design(s) for {plan.edit}; top {len(items)} searched for "
        "off-targets (spacer)", tuple(items),
        {"pegrnas": plan.pegrnas, "nicking_guides": plan.nicking,
         **({"offtargets_prime_editing": hits} if len(hits) else {})},
        (), tuple(notes), plan.to_dict())


def _design_knockout(ctx: _Context, opt: ModalityOption) -> ModalityResult:
    fn = _capability("genetx.edit.knockout", "knockout_guides")
    assert ctx.loaded is not None
    table = fn(ctx.loaded.gene, ctx.tx, ctx.genome)
    ok = table[(table["filters"] == "") & table["in_window"]] if len(table) else table
    pick = (ok if len(ok) else table).head(ctx.request.top)
    guides = {str(r["guide_id"]): (str(r["spacer"]), str(r["nuclease"]),
                                   ((str(r["Chromosome"]), int(r["Start"]), int(r["End"])),))
              for _, r in pick.iterrows()}
    summaries, hits = _offtargets(ctx, guides)
    items = [DesignItem(
        str(r["guide_id"]), "knockout", "guide", f"knock-out guide {r['guide_id']}",
        str(r["spacer"]), _loc(r),
        _props(r, ("nuclease", "pam", "exon", "c_pos", "percent_protein", "isoforms_hit",
                   "isoforms_total", "out_of_frame", "rule_set_1", "crisprscan", "filters")),
        summaries.get(str(r["guide_id"]))) for _, r in pick.iterrows()]
    notes = (computed(f"{len(table)} guides cut in the early coding sequence; "
                      f"{len(ok)} pass the filters inside the preferred protein window", "edit"),
             rule("these guides cut both alleles: an allele-specific design needs a guide over "
                  "the variant or a linked SNP"))
    return ModalityResult(
        "knockout", opt, "designed" if items else "nothing_found",
        f"top {len(items)} of {len(table)} knock-out guides, searched for off-targets",
        tuple(items), {"knockout_guides": table,
                       **({"offtargets_knockout": hits} if len(hits) else {})},
        (), notes)


def _design_exon_deletion(ctx: _Context, opt: ModalityOption) -> ModalityResult:
    fn = _capability("genetx.edit.exon_deletion", "design_exon_deletion")
    plan = ctx.skip_plan
    assert plan is not None
    assert ctx.tx is not None
    tx = ctx.tx
    best = plan.strategies[0]
    first, last = min(best.skip), max(best.skip)
    from genetx.skip.frames import FrameModel
    from genetx.skip.strategies import deletion_check

    model = FrameModel.from_transcript(tx)
    annot, annot_name = _annotation_for(ctx)
    max_mm = ctx.request.max_mismatches
    # the guides are searched by the exon-deletion designer itself, exactly as `genetx skip`
    # does, so both commands report the same pairs and the same off-target counts
    # cut window and guides per intron: the designer's own defaults, as in `genetx skip`
    design = fn(tx, ctx.genome, tuple(range(first, last + 1)), nuclease="SpCas9",
                top=ctx.request.top, offtargets=True, max_mismatches=max_mm,
                annotation=annot, frame_check=lambda ex: deletion_check(model, plan.lesion, ex))
    kept = design.guides
    from genetx.edit.ranking import target_copy_records

    copies = target_copy_records(ctx.genome, tx.gene, {tx.chrom})  # type: ignore[arg-type]
    searched = ctx.reference.description if ctx.reference else design.offtarget_scope
    labelled = annot is not None
    note = _offtarget_note(max_mm, {design.nuclease}, annot_name if labelled else "", copies)

    def summary(g: Any) -> OffTargetSummary:
        ot = g.offtargets
        return _summary(ot.counts, ot.cfd_specificity, ot.mit_specificity, ot.exonic_genes,
                        searched=searched, max_mismatches=max_mm, labelled=labelled,
                        note=note)

    items = []
    skipped = design.exon_label
    for p in design.pairs:
        a, b = p.guide_5prime, p.guide_3prime
        sa, sb = summary(a), summary(b)
        counts = tuple(x + y for x, y in zip(sa.counts, sb.counts, strict=True))
        spec = [x for x in (sa.cfd_specificity, sb.cfd_specificity) if x is not None]
        mits = [x for x in (sa.mit_specificity, sb.mit_specificity) if x is not None]
        combined = _summary(
            counts, min(spec) if spec else None, min(mits) if mits else None,
            tuple(sorted(set(sa.other_gene_exon_hits) | set(sb.other_gene_exon_hits))),
            searched=searched, max_mismatches=max_mm, labelled=labelled,
            note=note + "; counts are the sum over both guides, specificities the lower one")
        items.append(DesignItem(
            p.pair_id, "exon_deletion", "guide_pair",
            f"guide pair {p.pair_id}: {a.guide_id} + {b.guide_id}",
            f"{a.spacer} + {b.spacer}", (tx.chrom, p.start, p.end, tx.strand),
            {"guide_5prime": a.spacer, "guide_3prime": b.spacer,
             "introns": f"{a.intron}/{b.intron}", "deletion_nt": p.size,
             "rule_set_1_5prime": None if a.rule_set_1 is None else round(a.rule_set_1, 3),
             "rule_set_1_3prime": None if b.rule_set_1 is None else round(b.rule_set_1, 3),
             "rule_set_1_sum": round(p.score, 3), "tier": p.tier, "exons_deleted": skipped,
             "junction": p.junction_transcript,
             "restores_frame": design.frame.in_frame if design.frame else None},
            combined, None,
            ((a.chrom, a.start, a.end, a.strand, a.guide_id),
             (b.chrom, b.start, b.end, b.strand, b.guide_id))))
    tables = {"deletion_guides_before": kept[kept["side"] == "5prime"].reset_index(drop=True),
              "deletion_guides_after": kept[kept["side"] == "3prime"].reset_index(drop=True),
              "deletion_pairs": design.to_frame()}
    if design.hits is not None and len(design.hits):
        tables["offtargets_exon_deletion"] = design.hits
    notes = [rule(f"guides cut {design.window[0]}-{design.window[1]} nt into the "
                  f"introns flanking exon(s) {skipped} (GeneTx default), SpCas9, filters "
                  "passed, ranked by Rule Set 1; pairs ranked by the sum, pairs with a guide "
                  "that has an off-target at 0 or 1 mismatches after the others"),
             computed(f"deleting exon(s) {skipped} gives the transcript of the skip "
                      f"({best.protein_length:,} aa)", "skip"),
             computed("junction: the transcript-strand sequence left when end joining links "
                      "the two cut ends directly (20 nt each side)", "edit")]
    notes.extend(computed(n, "edit") for n in design.notes
                 if not n.startswith("frame not checked"))
    return ModalityResult(
        "exon_deletion", opt, "designed",
        f"{len(items)} guide pair(s) deleting exon(s) {skipped}, each guide searched for "
        "off-targets", tuple(items), tables, (), tuple(notes), design.to_dict())


# ------------------------------------------------------------------------------- silencing

_SIRNA_PROPS = ("region", "gc_percent", "reynolds", "uitei", "amarzguioui", "rule_sets_passed",
                "seed_tm_guide", "end_asymmetry_ddg", "passes_filters")


def _mrna_site(tx: Transcript, mrna: str, target: str, start: int) -> tuple[str, int, int, str]:
    """Genomic span of a target sequence found in the spliced mRNA (``start`` if not found)."""
    i = mrna.find(target)
    if i < 0:
        i = start
    a = tx.tx_to_genome(i)
    b = tx.tx_to_genome(min(i + len(target), len(mrna)) - 1)
    return tx.chrom, min(a, b), max(a, b) + 1, tx.strand


def _sirna_item(row: Any, tx: Transcript, mrna: str, gene: str, searched: str, max_mm: int,
                kind: str = "sirna") -> DesignItem:
    counts = tuple(int(row.get(f"offtarget_guide_mm{m}", 0) or 0) for m in range(max_mm + 1))
    props = _props(row, _SIRNA_PROPS)
    if "variant_guide_position" in row:
        props.update(_props(row, ("variant_guide_position", "mismatch_vs_normal",
                                  "position_class")))
    ot = OffTargetSummary(
        "transcript_match", searched, max_mm, counts,
        note=("near-complete matches of the guide strand in other transcripts of the set (the "
              "target gene's own transcripts excluded); seed matches: "
              f"{int(row.get('seed_transcripts_guide', 0) or 0)} transcripts; the designer "
              "does not name the genes hit"), exons_labelled=False)
    label = ("allele-specific siRNA" if kind == "allele" else "siRNA")
    return DesignItem(
        f"{gene}_{row['id']}" + ("_allele" if kind == "allele" else ""), "silencing", "sirna",
        f"{label} {row['id']} (guide 5'-3')", str(row["antisense_21"]),
        _mrna_site(tx, mrna, str(row["target_23"]), int(row["start"])), props, ot)


def _design_silencing(ctx: _Context, opt: ModalityOption) -> ModalityResult:
    fn = _capability("genetx.silence.design", "silence_gene")
    req = ctx.request
    notes: list[Statement] = []
    variant = req.variant if (ctx.variant is not None and ctx.variant.kind == "substitution") \
        else None
    if req.variant and variant is None:
        notes.append(rule("allele-specific siRNAs need a substitution; the design knocks down "
                          "both alleles"))
    res = fn(req.gene, variant=variant, transcript=req.transcript, annotation=req.annotation,
             genome=req.genome)
    assert ctx.loaded is not None
    tx = ctx.loaded.gene.transcript(res.transcript)
    mrna = tx.spliced_sequence(ctx.genome).upper()  # type: ignore[arg-type]
    cands = res.sirna.candidates
    good = cands[cands["passes_filters"] == 1] if len(cands) else cands
    pick = (good if len(good) else cands).head(req.top)
    ots = res.sirna.offtarget_set or {}
    searched = (f"{ots.get('source', 'transcript set')}: {ots.get('transcripts', '?')} "
                f"transcripts, {ots.get('bases', 0):,} nt")
    mm = res.sirna.max_mismatches
    items = [_sirna_item(r, tx, mrna, res.gene, searched, mm) for _, r in pick.iterrows()]
    tables: dict[str, Any] = {"sirna_candidates": cands,
                              "gapmer_candidates": res.gapmers.candidates}
    if res.allele is not None and len(res.allele.candidates):
        tables["allele_specific_sirnas"] = res.allele.candidates
        items += [_sirna_item(r, tx, mrna, res.gene, searched, mm, "allele")
                  for _, r in res.allele.candidates.head(2).iterrows()]
    summary = res.sirna.summary()
    notes.append(computed(
        f"{summary['candidates']:,} siRNA candidates on the {res.mrna_length:,}-nt mRNA of "
        f"{res.transcript}; {summary['passing_composition']:,} pass the composition filters; "
        f"{summary['reynolds_functional']:,} are functional by Reynolds 2004", "silence"))
    notes.extend(computed(n, "silence") for n in res.notes)
    records = tuple(rec for _sid, rec in res.shrna)
    if records:
        notes.append(computed(f"{len(records)} shRNA cassette(s) built from the first-ranked "
                              "siRNA(s) (GenBank files)", "silence"))
    status = "designed" if items else "nothing_found"
    reason = (f"top {len(items)} siRNA(s) of {len(cands):,} candidates"
              + (" (with allele-specific designs)" if res.allele is not None else "")
              if items else "no siRNA candidate on the mRNA")
    return ModalityResult("silencing", opt, status, reason, tuple(items), tables, records,
                          tuple(notes), res.to_dict(top=10))


def _run_one(ctx: _Context, opt: ModalityOption, inp: TriageInput) -> ModalityResult:
    m = opt.modality
    if not opt.fits:
        why = "; ".join(s.text for s in opt.reasons[:2])
        return ModalityResult(m, opt, "not_run",
                              f"not designed: triage verdict {opt.verdict.replace('_', ' ')}"
                              f" ({why})")
    if m == "exon_skipping":
        return _design_exon_skipping(ctx, opt)
    if m == "gene_addition":
        return _design_addition(ctx, opt, inp, vector="ssAAV", modality=m)
    if m == "ex_vivo_hsc":
        return _design_addition(ctx, opt, inp, vector="LV", modality=m)
    if m == "base_editing":
        return _design_base_editing(ctx, opt)
    if m == "prime_editing":
        return _design_prime_editing(ctx, opt)
    if m == "knockout":
        return _design_knockout(ctx, opt)
    if m == "exon_deletion":
        return _design_exon_deletion(ctx, opt)
    if m == "silencing":
        return _design_silencing(ctx, opt)
    msg = f"no designer for {m}"
    raise _Unavailable(msg)


def run_modality(ctx: _Context, opt: ModalityOption, inp: TriageInput) -> ModalityResult:
    """Run one designer; a missing or failing capability becomes the result's reason."""
    t0 = time.perf_counter()
    try:
        res = _run_one(ctx, opt, inp)
    except _Unavailable as exc:
        res = ModalityResult(opt.modality, opt, "unavailable", f"designer unavailable: {exc}")
    except GeneTxError as exc:
        res = ModalityResult(opt.modality, opt, "nothing_found", str(exc))
    except Exception as exc:  # a capability bug must not stop the report
        res = ModalityResult(opt.modality, opt, "failed",
                             f"designer failed: {type(exc).__name__}: {exc}")
    from dataclasses import replace

    return replace(res, seconds=time.perf_counter() - t0)


# --------------------------------------------------------------------------------------------
# entry point


def _bibliography(catalog: Catalog | None) -> Bibliography:
    from genetx.strategy.knowledge import references

    bib = Bibliography()
    for ref in references():
        bib.add(ref)
    if catalog is not None:
        for sid, s in catalog.sources.items():
            bib.add(Reference(f"catalog:{sid}", s.citation, s.url, s.note))
    try:
        from genetx.skip.data import skip_facts

        for sid, s in skip_facts()["sources"].items():
            bib.add(Reference(f"skip:{sid}", s.get("citation", sid), s.get("url"),
                              s.get("read_via")))
    except (GeneTxError, KeyError, ImportError):
        pass
    return bib


def triage_request(request: DesignRequest, *, catalog: Catalog | None = None
                   ) -> tuple[Triage, TriageInput]:
    """Resolve the gene and variant, gather the facts and rank the modalities (no designs).

    Returns
    -------
    The :class:`~genetx.strategy.triage.Triage` and the facts it was decided from.
    """
    cat = catalog if catalog is not None else _load_catalog()
    ctx = _Context(request, cat)
    inp = gather(ctx)
    return triage(inp, cat), inp


def run_design(request: DesignRequest, *, catalog: Catalog | None = None,
               progress: Progress | None = None) -> DesignRun:
    """Triage a gene (and variant) and run every fitting designer.

    Parameters
    ----------
    request
        What to design (:class:`DesignRequest`).
    catalog
        The approved-therapy catalog (default: the shipped one).
    progress
        Progress display (one step per stage and modality).

    Returns
    -------
    The :class:`DesignRun`. Bad gene symbols and variants do not raise: the run records the
    reason (``gene_reason``, ``variant_reason``) and every section says what it could not do.

    Examples
    --------
    >>> run = run_design(DesignRequest("DMD", variant="del ex45-50"))  # doctest: +SKIP
    >>> run.triage.options[0].modality                                  # doctest: +SKIP
    'exon_skipping'
    """
    from genetx.progress import resolve

    started = datetime.now(UTC).isoformat(timespec="seconds")
    t_all = time.perf_counter()
    cat = catalog if catalog is not None else _load_catalog()
    ctx = _Context(request, cat)
    prog = resolve(progress)
    with prog.task("Designing", total=3) as task:
        inp = gather(ctx)
        task.advance(1)
        t0 = time.perf_counter()
        tri = triage(inp, cat)
        ctx.timings["triage"] = time.perf_counter() - t0
        task.advance(1)
        results = []
        for opt in tri.options:
            res = run_modality(ctx, opt, inp)
            ctx.timings[f"design:{opt.modality}"] = res.seconds
            results.append(res)
        task.advance(1)
    ctx.timings["total"] = time.perf_counter() - t_all
    return DesignRun(request, ctx.loaded, ctx.gene_reason, ctx.tx, ctx.variant,
                     ctx.variant_reason, ctx.skip_plan, ctx.skip_reason, tri, tuple(results),
                     ctx.reference, _bibliography(cat), dict(ctx.timings), started, cat,
                     ctx.gene_error, ctx.variant_error)


__all__ = ["STATUSES", "CassetteFacts", "DesignItem", "DesignRequest",
           "DesignRun", "ModalityResult", "OffTargetReference", "OffTargetSummary",
           "describe_reference", "fit_fact", "gather", "guide_offtargets", "run_design",
           "run_modality", "triage_request"]
