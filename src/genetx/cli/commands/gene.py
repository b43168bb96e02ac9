"""``genetx gene``: show a gene model, list the gene pack, fetch genes from Ensembl or NCBI.

``genetx gene DMD`` is short for ``genetx gene show DMD``: a first word that is not a
subcommand is taken as a gene symbol.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperGroup

if TYPE_CHECKING:
    import click

    from genetx.genome.genes import LoadedGene

_SUBCOMMANDS_HELP = ("Show a gene model (locus, strand, transcripts, exon table, CDS and protein "
                     "length): 'genetx gene DMD'. Subcommands: show, list, fetch.")


class _GeneGroup(TyperGroup):
    """A group whose first argument, when it is not a subcommand, means ``show ARG``."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args = ["show", *args]
        return super().parse_args(ctx, args)


def _locus(chrom: str, start0: int, end: int) -> str:
    return f"{chrom}:{start0 + 1:,}-{end:,}"


def _record_label(record: str) -> str:
    """``chrX:31117221-33344609`` -> ``chrX:31,117,221-33,344,609``; other names unchanged."""
    from genetx.genome._base import place

    head, sep, rng = record.rpartition(":")
    if sep and "-" in rng:
        s, _, e = rng.partition("-")
        if s.isdigit() and e.isdigit():
            seg = place(record, int(e) - int(s) + 1)
            if seg.chrom != record:
                return f"{head}:{int(s):,}-{int(e):,}"
    return record


def _summary(hit: LoadedGene) -> dict[str, Any]:
    """Everything ``show`` prints, as plain data (the ``--json`` output)."""
    g, t = hit.gene, hit.transcript
    rows = []
    for r in t.exon_rows():
        rows.append({
            "exon": r["exon_number"], "start": r["Start"] + 1, "end": r["End"],
            "length": r["length"], "cds_start": r["cds_start"], "cds_end": r["cds_end"],
            "phase": r["phase"], "end_phase": r["end_phase"], "kind": r["kind"],
        })
    return {
        "symbol": g.symbol, "gene_id": g.gene_id, "chrom": g.chrom, "start": g.start + 1,
        "end": g.end, "strand": g.strand, "origin": hit.origin,
        "annotation": hit.annotation_source,
        "genome": {"name": hit.genome.name, "source": hit.genome.source,
                   "record": hit.sequence_record, "coverage": hit.coverage},
        "transcript": {"id": t.id, "basis": hit.transcript_basis, "exons": t.exon_count,
                       "cds_nt": t.cds_length, "protein_aa": t.protein_length,
                       "biotype": t.biotype},
        "transcripts": [{"id": x.id, "exons": x.exon_count, "cds_nt": x.cds_length,
                         "protein_aa": x.protein_length, "biotype": x.biotype,
                         "chosen": x.id == t.id} for x in g.transcripts],
        "exon_table": rows,
        "notes": list(hit.notes),
    }


def _print_text(s: dict[str, Any]) -> None:
    echo = typer.echo
    gid = f" ({s['gene_id']})" if s["gene_id"] and s["gene_id"] != s["symbol"] else ""
    echo(f"{s['symbol']}{gid}")
    echo(f"  model:       {s['annotation']}")
    echo(f"  locus:       {s['chrom']}:{s['start']:,}-{s['end']:,} ({s['strand']} strand)")
    gen = s["genome"]
    rec = f"record {_record_label(gen['record'])}" if gen["record"] else "no record"
    echo(f"  sequence:    {gen['name']} {rec} ({gen['coverage']} gene span)")
    t = s["transcript"]
    echo(f"  transcript:  {t['id']} ({t['basis']})")
    echo(f"  exons:       {t['exons']}")
    if t["cds_nt"]:
        echo(f"  CDS:         {t['cds_nt']:,} nt (start codon to stop codon)")
        echo(f"  protein:     {t['protein_aa']:,} aa")
    else:
        echo(f"  CDS:         none (non-coding: {t['biotype'] or 'no CDS in the model'})")
    for note in s["notes"]:
        echo(f"  note:        {note}")
    echo("")
    txs = s["transcripts"]
    echo(f"Transcripts ({len(txs)}; * = the one shown)")
    width = max(len(x["id"]) for x in txs)
    echo(f"    {'id':<{width}}  {'exons':>5}  {'CDS nt':>8}  {'protein aa':>10}  biotype")
    for x in txs:
        mark = "*" if x["chosen"] else " "
        cds = f"{x['cds_nt']:,}" if x["cds_nt"] else "-"
        prot = f"{x['protein_aa']:,}" if x["cds_nt"] else "-"
        echo(f"  {mark} {x['id']:<{width}}  {x['exons']:>5}  {cds:>8}  {prot:>10}  "
             f"{x['biotype']}")
    echo("")
    echo(f"Exons of {t['id']} (1-based inclusive; c. = coding positions; phase in/out)")
    echo(f"  {'exon':>4}  {'start':>13}  {'end':>13}  {'length':>6}  {'c. range':>15}  phase")
    for r in s["exon_table"]:
        cds = f"{r['cds_start']}-{r['cds_end']}" if r["cds_start"] is not None else "-"
        phase = f"{r['phase']}/{r['end_phase']}" if r["cds_start"] is not None else "-"
        echo(f"  {r['exon']:>4}  {r['start']:>13,}  {r['end']:>13,}  {r['length']:>6,}  "
             f"{cds:>15}  {phase}")


def register(app: typer.Typer) -> None:
    """Add the ``gene`` command group to ``app``."""
    gene_app = typer.Typer(name="gene", cls=_GeneGroup, no_args_is_help=True,
                           rich_markup_mode=None, help=_SUBCOMMANDS_HELP)

    @gene_app.command("show")
    def show(
        symbol: Annotated[str, typer.Argument(
            help="Gene symbol (DMD), gene id, or transcript accession (NM_004006.2).")],
        transcript: Annotated[str | None, typer.Option(
            "--transcript", "-t", help="Transcript to show (default: the cited default of the "
            "gene pack, else the canonical one).")] = None,
        annotation: Annotated[str | None, typer.Option(
            "--annotation", "-a", help="Read the model from this GFF3, GTF or GenBank file "
            "instead of the gene pack.")] = None,
        genome: Annotated[str | None, typer.Option(
            "--genome", "-g", help="Genome for the sequence: registered name or FASTA/2bit "
            "path (default: the sequence stored with the model, else the gene pack).")] = None,
        as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    ) -> None:
        """Show a gene: locus, strand, transcripts, exon table, CDS and protein length."""
        from genetx.genome.genes import load_gene

        hit = load_gene(symbol, annotation=annotation, genome=genome, transcript=transcript)
        summary = _summary(hit)
        if as_json:
            typer.echo(json.dumps(summary, indent=1))
        else:
            _print_text(summary)

    @gene_app.command("list")
    def list_genes(
        as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    ) -> None:
        """List the genes of the embedded gene pack and those fetched earlier."""
        from genetx.genome.genes import cached_genes, pack_manifest

        genes = pack_manifest()["genes"]
        cached = cached_genes()
        if as_json:
            typer.echo(json.dumps({"pack": genes, "cache": cached}, indent=1))
            return
        typer.echo(f"Gene pack ({len(genes)} genes; 'genetx gene SYMBOL' shows one)")
        typer.echo(f"  {'symbol':<14} {'record':<24} {'tx':>3}  {'default transcript':<20} "
                   "model")
        for sym, e in genes.items():
            if e.get("sequence_only"):
                kind = "sequence only"
            elif e.get("file") == "mrna.gff3":
                kind = "mRNA record"
            else:
                kind = "genomic"
            if e.get("sequence") == "partial":
                kind += ", partial sequence"
            rec = _record_label(e.get("seqid") or "")
            n = e.get("transcripts")
            typer.echo(f"  {sym:<14} {rec:<24} {'' if n is None else n:>3}  "
                       f"{e.get('default_transcript') or '-':<20} {kind}")
        typer.echo("")
        if cached:
            typer.echo(f"Fetched ({len(cached)}; in the cache)")
            for key, meta in cached.items():
                typer.echo(f"  {key:<14} {meta.get('symbol', '')!s:<14} "
                           f"{meta.get('service', '')} {meta.get('retrieved', '')}")
        else:
            typer.echo("Fetched: none ('genetx gene fetch SYMBOL' adds genes from Ensembl)")

    @gene_app.command("fetch")
    def fetch(
        query: Annotated[str, typer.Argument(
            help="Gene symbol or Ensembl gene id (Ensembl REST), or RefSeq accession "
                 "NM_/NR_/NG_ (NCBI E-utilities).")],
        flank: Annotated[int, typer.Option(
            "--flank", help="Bases of sequence kept on each side of an Ensembl gene.")] = 5000,
        species: Annotated[str, typer.Option(
            "--species", help="Ensembl species name.")] = "homo_sapiens",
    ) -> None:
        """Fetch a gene model and its sequence into the local cache (needs the internet)."""
        from genetx.cli._progress import cli_progress
        from genetx.genome.fetch import fetch_gene
        from genetx.genome.genes import pack_symbols

        res = fetch_gene(query, species=species, flank=flank, progress=cli_progress())
        g = res.gene
        coding = sum(1 for t in g.transcripts if t.is_coding)
        typer.echo(f"fetched {g.symbol} ({g.gene_id or res.key}) from {res.service}: "
                   f"{_locus(g.chrom, g.start, g.end)} ({g.strand}), {len(g.transcripts)} "
                   f"transcripts ({coding} coding)")
        typer.echo(f"  model:    {res.annotation_path}")
        typer.echo(f"  sequence: {res.genome_path} (record {_record_label(res.record)})")
        if g.symbol in pack_symbols() or res.key in pack_symbols():
            typer.echo(f"  the gene pack also has {g.symbol} and is used by default; show the "
                       f"fetched model with: genetx gene {g.symbol} --annotation "
                       f"{res.annotation_path} --genome {res.genome_path}")
        else:
            typer.echo(f"  show it with: genetx gene {res.key}")

    app.add_typer(gene_app, name="gene")
