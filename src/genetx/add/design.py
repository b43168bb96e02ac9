"""End-to-end gene-addition design: optimise the CDS, assemble the cassette, evaluate the rules,
and, when the CDS does not fit, say so and propose what the field does.

:func:`design_gene_addition` is what ``genetx cassette`` runs; it returns a
:class:`GeneAdditionDesign` (result objects only; files are written by the caller).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from genetx.add.cassette import Cassette, build_cassette
from genetx.add.codon import CodonConstraints, OptimizedCDS, optimize_cds
from genetx.add.elements import load_elements
from genetx.add.oversize import (
    FitAssessment,
    Proposal,
    ShortenedCDS,
    assess_fit,
    build_shortened,
    choose_split,
    get_version,
    propose,
    split_cassettes,
)
from genetx.add.rules import (
    CpGDensity,
    RuleEvaluation,
    check_vector,
    default_rules,
    evaluate_rules,
)
from genetx.errors import BadInputError, InfeasibleDesignError

if TYPE_CHECKING:
    from genetx.add.inputs import CodingInput
    from genetx.progress import Progress


@dataclass(frozen=True)
class GeneAdditionDesign:
    """A designed cassette with its evidence.

    Attributes
    ----------
    source
        The transgene as given.
    optimized
        The codon optimisation (metrics and every constraint before/after).
    cassette
        The assembled cassette.
    evaluations
        Rule evaluations of the cassette.
    fit
        Whether the packaged length is in the vector's fine band.
    proposals
        What to do when it is not (empty when it fits).
    shortened
        The shortened version used, if one was requested.
    split
        The two cassettes of a split-intein design, if requested.
    split_evaluations
        Rule evaluations of each split cassette.
    """

    source: CodingInput
    optimized: OptimizedCDS
    cassette: Cassette
    evaluations: tuple[RuleEvaluation, ...]
    fit: FitAssessment
    proposals: tuple[Proposal, ...] = ()
    shortened: ShortenedCDS | None = None
    split: tuple[Cassette, ...] = ()
    split_evaluations: tuple[tuple[RuleEvaluation, ...], ...] = ()
    notes: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        """The JSON summary."""
        lib = load_elements()
        used = sorted({pp.part.element.name for c in (self.cassette, *self.split)
                       for pp in c.parts if pp.part.element is not None})
        return {
            "input": self.source.to_dict(),
            "shortened": self.shortened.to_dict() if self.shortened else None,
            "optimization": self.optimized.to_dict(),
            "cassette": self.cassette.to_dict(),
            "rules": [e.to_dict() for e in self.evaluations],
            "fit": self.fit.to_dict(),
            "proposals": [p.to_dict() for p in self.proposals],
            "split": [{"cassette": c.to_dict(), "rules": [e.to_dict() for e in ev]}
                      for c, ev in zip(self.split, self.split_evaluations, strict=True)],
            "elements": [lib.get(n).to_dict() for n in used],
            "notes": list(self.notes),
        }


def design_gene_addition(source: CodingInput, *, vector: str = "ssAAV",
                         tissue: str | None = None, promoter: str | None = None,
                         polya: str | None = None, intron: str | None = None,
                         wpre: str | None = None, mirna_targets: tuple[str, ...] = (),
                         constraints: CodonConstraints | None = None,
                         shortened: str | None = None, split: bool = False,
                         progress: Progress | None = None) -> GeneAdditionDesign:
    """Design a gene-addition cassette for ``source``.

    Parameters
    ----------
    source
        The transgene (:mod:`genetx.add.inputs`).
    vector
        ``ssAAV``, ``scAAV`` or ``LV``.
    tissue, promoter, polya, intron, wpre, mirna_targets
        Element choices (see :func:`genetx.add.cassette.choose_elements`).
    constraints
        Codon-optimisation constraints.
    shortened
        Name of a published shortened version to build from the record first
        (``F8-BDD-SQ``); needs gene or mRNA input of the defining transcript.
    split
        Also design the two vectors of a split-intein dual AAV.
    progress
        Optional progress display.

    Returns
    -------
    The :class:`GeneAdditionDesign`.

    Raises
    ------
    InfeasibleDesignError
        Codon constraints that cannot hold, or a split when the protein has no usable site.
    BadInputError
        Incompatible options.
    """
    v = check_vector(vector)
    c = constraints or CodonConstraints()
    notes: list[str] = []
    built: ShortenedCDS | None = None
    cds, protein, name = source.cds, source.protein, source.name
    if shortened:
        version = get_version(shortened)
        if source.cds is None:
            msg = "a shortened version is built from a gene or mRNA record, not from a protein"
            raise BadInputError(shortened, msg)
        built = build_shortened(version, source.cds, transcript=source.transcript)
        cds, protein, name = built.cds, built.protein, version.name
        notes.append(f"{version.name} built from {source.transcript or source.source}: "
                     f"precursor residues {built.removed_precursor[0]}-"
                     f"{built.removed_precursor[1]} removed, junction {built.junction}")
    opt = optimize_cds(cds, name=name, constraints=c, progress=progress) if cds else \
        optimize_cds(protein=protein, name=name, constraints=c, progress=progress)
    cassette = build_cassette(opt.sequence, opt.protein, name=name, vector=v, tissue=tissue,
                              promoter=promoter, polya=polya, intron=intron, wpre=wpre,
                              mirna_targets=mirna_targets)
    rules = [*default_rules(v, cpg_max=0 if c.cpg_free else None), CpGDensity(None, "all")]
    evaluations = tuple(evaluate_rules(cassette.record, rules))
    fit = assess_fit(len(opt.sequence), cassette.length, v)
    proposals: tuple[Proposal, ...] = ()
    if not fit.fits:
        proposals = tuple(propose(opt.protein, opt.sequence,
                                  gene=None if built else source.gene,
                                  full_cds=source.cds, transcript=source.transcript,
                                  vector=v, tissue=tissue, promoter=promoter, polya=polya))
    halves: tuple[Cassette, ...] = ()
    half_evals: tuple[tuple[RuleEvaluation, ...], ...] = ()
    if split:
        if v == "LV":
            msg = "--split designs two AAV vectors; use --vector ssAAV or scAAV"
            raise BadInputError(v, msg)
        design = choose_split(opt.protein, opt.sequence, vector=v, tissue=tissue,
                              promoter=promoter, polya=polya)
        if design is None:
            msg = "no Cys, Ser or Thr to split the protein at (split-intein +1 residue)"
            raise InfeasibleDesignError(name, msg)
        halves = split_cassettes(design, opt.protein, name=name)
        half_rules = [*default_rules(v), CpGDensity(None, "all")]
        half_evals = tuple(tuple(evaluate_rules(h.record, half_rules)) for h in halves)
        notes.append(f"split-intein dual AAV: split before residue {design.site.residue} "
                     f"({design.site.aa}); N vector {design.site.n_length:,} nt, C vector "
                     f"{design.site.c_length:,} nt")
    return GeneAdditionDesign(source, opt, cassette, evaluations, fit, proposals, built,
                              halves, half_evals, tuple(notes))


__all__ = ["GeneAdditionDesign", "design_gene_addition"]
