"""``genetx design GENE [--variant V] [--genome G] -o DIR``: triage, designs, dossier, report."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from genetx.strategy.design import DesignRun

_HELP = """Rank every kind of gene therapy for a gene (and a patient's variant) with its reasons
and the approved products that set a precedent, run the designer of each modality that fits,
write a safety dossier per design, and save a self-contained HTML report with a JSON of
everything and the design files (GenBank, BED, TSV) in DIR.

Off-targets are searched in the genome the gene is read from: the embedded gene pack (a few
loci, not a whole genome) unless --genome names a registered whole genome; the report says
which. A gene without a model or a variant that cannot be placed still gives a report that says
so; the command then exits with that error's status.
"""


def _default_out(gene: str, variant: str | None) -> Path:
    from genetx.report.export import safe_name

    name = f"design-{safe_name(gene)}" + (f"-{safe_name(variant)}" if variant else "")
    return Path(name)


def _summary(run: DesignRun, files: list[Path]) -> str:
    lines = []
    g = run.gene
    tx = run.transcript
    if g is not None and tx is not None:
        lines.append(f"gene        {g.gene.symbol} ({tx.id}, {tx.exon_count} exons, CDS "
                     f"{tx.cds_length:,} nt)")
    else:
        lines.append(f"gene        {run.request.gene}: no model ({run.gene_reason})")
    if run.request.variant:
        if run.variant is not None and run.variant.effect is not None:
            e = run.variant.effect
            lines.append(f"variant     {run.variant.notation} ({e.hgvs_c}, {e.consequence})")
        else:
            lines.append(f"variant     {run.request.variant}: not placed ({run.variant_reason})")
    mech = ", ".join(m.replace("_", " ") for m in run.triage.mechanism.mechanisms) or "unknown"
    lines.append(f"mechanism   {mech}; tissue {run.triage.tissue.tissue or 'unknown'}")
    if run.reference is not None:
        scope = "whole registered genome" if run.reference.whole_genome else "loci only"
        lines.append(f"off-targets {scope}"
                     f": {run.reference.name} ({run.reference.records} sequences, "
                     f"{run.reference.total_bp / 1e6:,.2f} Mb)")
    lines.append("")
    header = ("#", "modality", "verdict", "precedent", "design")
    rows = [(str(o.rank), o.modality, o.verdict.replace("_", " "),
             o.precedent_level.replace("_", " "), run.result(o.modality).status.replace("_", " "))
            for o in run.triage.options]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    for r in [header, *rows]:
        lines.append("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip())
    lines.append("")
    for o in run.triage.fitting():
        res = run.result(o.modality)
        lines.append(f"{o.modality}: {res.reason}")
    if files:
        lines.append("")
        lines.append(f"report      {files[0]}")
        lines.append(f"wrote       {len(files)} files in {files[0].parent} "
                     f"({run.timings.get('total', 0):.1f} s)")
    return "\n".join(lines)


def register(app: typer.Typer) -> None:
    """Add the ``design`` command to ``app``."""

    @app.command("design", help=_HELP)
    def design(
        gene: Annotated[str, typer.Argument(help="Gene symbol (DMD) or transcript accession.")],
        variant: Annotated[str | None, typer.Option(
            "--variant", "-v", help="The patient variant: 'del ex45-50', c.7657C>T, "
                                    "X:31729634:G:A ...")] = None,
        genome: Annotated[str | None, typer.Option(
            "--genome", help="Registered genome name or FASTA/2bit path (default: the "
                             "sequence stored with the gene model).")] = None,
        out: Annotated[Path | None, typer.Option(
            "--out", "-o", help="Output folder (default: ./design-GENE[-VARIANT]).")] = None,
        transcript: Annotated[str | None, typer.Option(
            "--transcript", "-t", help="Transcript to use (default: the gene's default).")
        ] = None,
        annotation: Annotated[Path | None, typer.Option(
            "--annotation", help="GFF3, GTF or GenBank file with the gene model.")] = None,
        mechanism: Annotated[str | None, typer.Option(
            "--mechanism", help="Disease mechanism when GeneTx has none cited: "
                                "loss_of_function, gain_of_function or dominant_negative.")
        ] = None,
        tissue: Annotated[str | None, typer.Option(
            "--tissue", help="Target tissue (liver, muscle, cns, retina, hematopoietic ...).")
        ] = None,
        top: Annotated[int, typer.Option(
            "--top", min=1, max=50, help="Designs kept per modality (per exon for ASOs).")] = 5,
        max_mismatches: Annotated[int, typer.Option(
            "--max-mismatches", min=0, max=6,
            help="Mismatch limit of the genome off-target search for guides.")] = 4,
        optimize_oversize: Annotated[bool, typer.Option(
            "--optimize-oversize", help="Codon-optimise a CDS even when its cassette does not "
                                        "fit (slow for large genes).")] = False,
        figures: Annotated[bool, typer.Option(
            "--figures/--no-figures", help="Draw the report's figures (needs matplotlib).")
        ] = True,
        as_json: Annotated[bool, typer.Option(
            "--json", help="Print the triage and design summary as JSON.")] = False,
    ) -> None:
        from genetx.cli._progress import cli_progress
        from genetx.report.export import write_report
        from genetx.safety.dossier import build_dossiers
        from genetx.strategy.design import DesignRequest, run_design
        from genetx.strategy.knowledge import parse_mechanism, parse_tissue

        mech = parse_mechanism(mechanism) if mechanism else None
        tis = parse_tissue(tissue) if tissue else None
        folder = out if out is not None else _default_out(gene, variant)
        req = DesignRequest(gene, variant=variant, genome=genome, transcript=transcript,
                            annotation=annotation, mechanism=mech, tissue=tis, top=top,
                            max_mismatches=max_mismatches,
                            optimize_oversize=optimize_oversize)
        run = run_design(req, progress=cli_progress())
        dossiers = build_dossiers(run)
        files = write_report(run, dossiers, folder, figures=figures)
        if as_json:
            doc = {"triage": run.triage.to_dict(),
                   "results": [{"modality": r.modality, "status": r.status,
                                "reason": r.reason} for r in run.results],
                   "files": [str(f) for f in files]}
            typer.echo(json.dumps(doc, indent=2))
        else:
            typer.echo(_summary(run, files))
        err = run.gene_error or run.variant_error
        if err is not None:
            msg = f"{err.reason} (the report in {folder} says so)"
            raise type(err)(err.input, msg)
