"""``genetx guides GENE``: ranked CRISPR guides, base-editing guides and pegRNAs."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from genetx.edit.design import GuideDesign

_HELP = """Design ranked, ready-to-order editing guides for a gene.

Modes: knockout (guides cutting early in the coding exons, with the share of isoforms hit and
the out-of-frame score), region (every guide cutting in --region, default the gene span) and
correct (for --variant: base-editor guides, pegRNAs with nicking guides, and nuclease guides
near the variant). Every ranked guide is searched for off-targets on the genome in use: the
embedded gene pack loci unless --genome names a registered whole genome, and the output says
which. With -o DIR: guides.tsv, guides.json, guides.bed, locus.gb (GenBank of the locus with
the guides as features) and, when made, base_edits.tsv, base_edit_outcomes.tsv, pegrnas.tsv,
nicking_guides.tsv and primers.tsv. Columns are explained in docs/guides.md.
"""


def _fmt(x: object, digits: int = 2) -> str:
    if isinstance(x, float):
        return "-" if x != x else f"{x:.{digits}f}"
    return str(x)


def _table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> list[str]:
    widths = [max(len(r[c]) for r in [header, *rows]) for c in range(len(header))]
    return ["  ".join(x.ljust(w) for x, w in zip(r, widths, strict=True)).rstrip()
            for r in [header, *rows]]


def _lines(d: GuideDesign, top: int) -> list[str]:
    lines = [f"gene        {d.gene} ({d.transcript}), mode {d.mode}",
             f"locus       {d.chrom}:{d.start + 1:,}-{d.end:,}",
             f"genome      {d.genome} ({d.genome_source})",
             (f"off-targets searched in {d.offtarget_scope}; up to {d.max_mismatches} "
              "mismatches" if d.offtargets_searched else
              "off-targets not searched (--no-offtargets): specificity not ranked")]
    if d.variant:
        eff = d.variant.get("effect") or {}
        lines.append(f"variant     {d.variant['notation']} ({eff.get('hgvs_c', '')} "
                     f"{eff.get('protein') or ''} {eff.get('consequence', '')})".rstrip())
    g = d.guides
    if len(g):
        lines.append("")
        title = {"knockout": "knock-out guides", "region": "guides",
                 "correct": "nuclease guides near the variant (template-directed repair)"}
        lines.append(f"{title[d.mode]}: {len(g)} ranked, best {min(top, len(g))}:")
        cols = [c for c in ("rank", "guide_id", "target", "Strand", "cut", "activity",
                            "specificity", "offtargets", "tier") if c in g]
        extra = [c for c in ("exon", "percent_protein", "isoform_fraction", "out_of_frame",
                             "distance_to_variant") if c in g]
        rows = [tuple(_fmt(getattr(r, c)) for c in cols + extra)
                for r in g.head(top).itertuples(index=False)]
        lines += _table(tuple(cols + extra), rows)
    if d.base_edits is not None:
        b = d.base_edits.guides
        lines.append("")
        lines.append(f"base editing ({d.base_edits.editor}, {d.base_edits.change}): "
                     f"{len(b)} guides; patient protein {d.base_edits.patient_protein}")
        cols = ["guide_id", "nuclease", "spacer", "pam", "target_position", "bystanders",
                "protein_intended", "protein_all_edited", "clean"]
        cols += [c for c in ("offtargets",) if c in b]
        rows = [tuple(_fmt(getattr(r, c)) for c in cols) for r in b.head(top).itertuples(
            index=False)]
        lines += _table(tuple(cols), rows)
    if d.prime_edits is not None:
        p = d.prime_edits.pegrnas
        lines.append("")
        lines.append(f"prime editing ({d.prime_edits.edit}): {len(p)} pegRNAs, "
                     f"{int(p['verified'].sum())} verified in silico; intended protein "
                     f"{d.prime_edits.intended_protein}")
        cols = ["peg_id", "nuclease", "spacer", "pbs_length", "rtt_length", "edit_distance",
                "silent_edit", "pe3b", "rule_score", "verified"]
        cols += [c for c in ("offtargets",) if c in p]
        rows = [tuple(_fmt(getattr(r, c)) for c in cols) for r in p.head(top).itertuples(
            index=False)]
        lines += _table(tuple(cols), rows)
    for n in d.notes:
        lines.append(f"note        {n}")
    return lines


def register(app: typer.Typer) -> None:
    """Add the ``guides`` command to ``app``."""

    @app.command("guides", help=_HELP)
    def guides(
        gene: Annotated[str, typer.Argument(help="Gene symbol (DMD) or transcript accession.")],
        variant: Annotated[str | None, typer.Option(
            "--variant", "-v", help="Patient variant to correct (c.2665C>T, X:32485057:G:A).",
        )] = None,
        mode: Annotated[str | None, typer.Option(
            "--mode", "-m", help="knockout, correct or region (default: correct with "
                                 "--variant, else knockout).")] = None,
        nuclease: Annotated[list[str] | None, typer.Option(
            "--nuclease", "-n", help="Nuclease (repeatable): SpCas9, SpCas9-NG, SpRY, SaCas9, "
                                     "AsCas12a, enAsCas12a.")] = None,
        genome: Annotated[str | None, typer.Option(
            "--genome", help="Registered genome name or FASTA/2bit path (default: the "
                             "embedded gene pack).")] = None,
        transcript: Annotated[str | None, typer.Option(
            "--transcript", "-t", help="Transcript to use instead of the default.")] = None,
        annotation: Annotated[Path | None, typer.Option(
            "--annotation", help="GFF3, GTF or GenBank file with the gene model.")] = None,
        region: Annotated[str | None, typer.Option(
            "--region", help="Region mode: CHROM:START-END (1-based) or 'exon N' / "
                             "'exons N-M'.")] = None,
        max_mismatches: Annotated[int, typer.Option(
            "--max-mismatches", min=0, max=6, help="Off-target search depth.")] = 4,
        search_limit: Annotated[int, typer.Option(
            "--search-limit", min=1, help="Candidates searched for off-targets and ranked.",
        )] = 200,
        offtargets: Annotated[bool, typer.Option(
            "--offtargets/--no-offtargets", help="Run the off-target search.")] = True,
        primers: Annotated[bool, typer.Option(
            "--primers/--no-primers", help="Design validation primers.")] = True,
        top: Annotated[int, typer.Option("--top", min=0, help="Rows shown per table.")] = 10,
        out: Annotated[Path | None, typer.Option(
            "--out", "-o", help="Folder for TSV, JSON, BED and GenBank outputs.")] = None,
    ) -> None:
        from genetx.cli._progress import cli_progress
        from genetx.edit.design import design_guides, write_outputs
        from genetx.edit.nucleases import get_nuclease

        nucs = [get_nuclease(n).name for n in nuclease] if nuclease else None
        d = design_guides(gene, mode=mode, variant=variant, region=region, nucleases=nucs,
                          genome=genome, transcript=transcript, annotation=annotation,
                          max_mismatches=max_mismatches, search_limit=search_limit,
                          offtargets=offtargets, primers=primers, progress=cli_progress())
        lines = _lines(d, top)
        if out is not None:
            files = write_outputs(d, out)
            lines.append("")
            lines.append("wrote       " + ", ".join(str(f) for f in files))
        typer.echo("\n".join(lines))
