"""``genetx variant GENE VARIANT``: map a patient variant onto the genome and show its effect."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from genetx.genome.genes import LoadedGene
    from genetx.genome.variants import Variant

_HELP = """Map a patient variant onto the genome and describe its effect on a transcript.

VARIANT is one of: HGVS on the transcript (c.4375C>T, NM_004006.2:c.6614+1G>A, c.100_102del,
c.10dup, c.76_77insT, c.5_6delinsTT), HGVS on the chromosome (chrX:g.32389644G>A), VCF style
(X:32389644:G:A) or an exon change ("del ex45-50", "dup ex2"). Quote it when it holds spaces.
"""


def _yes_no(flag: bool) -> str:
    return "yes" if flag else "no"


def _exon_list(nums: tuple[int, ...]) -> str:
    if not nums:
        return "-"
    if len(nums) > 2 and nums == tuple(range(nums[0], nums[-1] + 1)):
        return f"{nums[0]}-{nums[-1]}"
    return ", ".join(str(n) for n in nums)


def _rows(hit: LoadedGene, v: Variant) -> list[tuple[str, str]]:
    t = next(x for x in hit.gene.transcripts if x.id == v.transcript)
    strand = "plus" if t.strand == "+" else "minus"
    e = v.effect
    rows = [
        ("gene", hit.gene.symbol),
        ("model", hit.annotation_source),
        ("genome", hit.genome.name or hit.genome.source),
        ("transcript", f"{t.id} ({t.chrom}, {strand} strand, {t.exon_count} exons)"),
        ("variant", f"{v.notation} ({v.kind.replace('_', ' ')})"),
    ]
    if e is not None:
        rows.append(("HGVS", f"{t.id}:{e.hgvs_c}"))
    if v.is_exon_level:
        a, b = v.exon_range or (0, 0)
        rows.append(("genomic", f"{v.chrom}:{v.start + 1:,}-{v.end:,} (exon"
                     f"{'s' if b > a else ''} {a}{f'-{b}' if b > a else ''}; breakpoints in "
                     "the flanking introns unknown)"))
    else:
        change = f"{v.ref or '-'}>{v.alt or '-'}"
        rows.append(("genomic", f"{v.location} {change} (plus strand, left-aligned; 0-based "
                                f"{v.start}-{v.end})"))
    if v.vcf is not None:
        end = f" END={v.vcf.end}" if v.vcf.end is not None else ""
        rows.append(("VCF", f"{v.vcf.chrom} {v.vcf.pos} {v.vcf.ref} {v.vcf.alt}{end}"))
    if e is not None:
        rows += [
            ("exons", _exon_list(e.exons)),
            ("introns", _exon_list(e.introns)),
            ("regions", ", ".join(e.regions) or "-"),
            ("frame", (e.frame.replace("_", "-") if e.frame else "-")
             + (f" ({e.coding_change:+d} coding nt)" if e.coding_change is not None else "")),
            ("protein", e.protein or "-"),
            ("splice site", _yes_no(e.splice_site)),
            ("consequence", e.consequence),
        ]
        rows += [("note", n) for n in e.notes]
    return rows


def _payload(hit: LoadedGene, v: Variant) -> dict[str, Any]:
    return {
        "gene": hit.gene.symbol,
        "origin": hit.origin,
        "annotation": hit.annotation_source,
        "genome": {"name": hit.genome.name, "source": hit.genome.source},
        "variant": v.to_dict(),
    }


def register(app: typer.Typer) -> None:
    """Add the ``variant`` command to ``app``."""

    @app.command("variant", help=_HELP)
    def variant(
        gene: Annotated[str, typer.Argument(
            metavar="GENE", help="Gene symbol (DMD) or transcript accession.")],
        variant: Annotated[str, typer.Argument(
            metavar="VARIANT", help="The variant (see above).")],
        transcript: Annotated[str | None, typer.Option(
            "--transcript", "-t",
            help="Transcript to describe the variant on (version optional); default: the "
                 "accession in VARIANT, else the gene's default transcript.")] = None,
        annotation: Annotated[Path | None, typer.Option(
            "--annotation", help="GFF3, GTF or GenBank file with the gene model.")] = None,
        genome: Annotated[str | None, typer.Option(
            "--genome", help="FASTA/2bit path or registered genome name.")] = None,
        as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    ) -> None:
        from genetx.genome.genes import load_gene
        from genetx.genome.variants import parse_notation, parse_variant

        notation = parse_notation(variant)  # syntax errors before any file is read
        hit = load_gene(gene, annotation=annotation, genome=genome, transcript=transcript)
        named = notation.accession if notation.system == "c" else None
        chosen = transcript or (None if named else hit.transcript.id)
        v = parse_variant(variant, hit.gene, hit.genome, transcript=chosen)
        if as_json:
            typer.echo(json.dumps(_payload(hit, v), indent=2))
            return
        rows = _rows(hit, v)
        width = max(len(k) for k, _ in rows)
        for key, value in rows:
            typer.echo(f"{key:<{width}}  {value}")
