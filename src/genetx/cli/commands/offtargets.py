"""``genetx offtargets``: genome-wide off-target search of guides, written as TSV, BED or
Cas-OFFinder text."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def register(app: typer.Typer) -> None:
    """Add the ``offtargets`` command to ``app``."""

    @app.command("offtargets")
    def offtargets(
        genome: Annotated[str, typer.Option("--genome", "-g",
                                            help="Genome: registered name, .2bit or FASTA.")],
        guides: Annotated[Path, typer.Option("--guides",
                                             help="Guide file: one per line, or ID<TAB>SEQ.")],
        output: Annotated[Path, typer.Option("--output", "-o", help="Output file.")],
        pam: Annotated[str, typer.Option("--pam", help="IUPAC PAM (NGG, NRG, NNGRRT, TTTV).")
                       ] = "NGG",
        pam_side: Annotated[str, typer.Option(
            "--pam-side", help="3prime (Cas9) or 5prime (Cas12a).")] = "3prime",
        max_mismatches: Annotated[int, typer.Option("--max-mismatches", "-m",
                                                    help="Mismatches allowed (0-6).")] = 4,
        dna_bulge: Annotated[int, typer.Option("--dna-bulge",
                                               help="Largest DNA bulge (0-2).")] = 0,
        rna_bulge: Annotated[int, typer.Option("--rna-bulge",
                                               help="Largest RNA bulge (0-2).")] = 0,
        fmt: Annotated[str, typer.Option("--format", "-f",
                                         help="tsv, bed or casoffinder.")] = "tsv",
        score: Annotated[bool, typer.Option("--score",
                                            help="Add CFD and MIT scores (TSV).")] = False,
        annotation: Annotated[Path | None, typer.Option(
            "--annotation", help="GTF/GFF3/GenBank to label sites exon/intron/intergenic."
        )] = None,
        index: Annotated[Path | None, typer.Option(
            "--index", help="Index folder made earlier (default: the cache).")] = None,
        threads: Annotated[int | None, typer.Option(
            "--threads", help="Threads for the search (default: all cores).")] = None,
    ) -> None:
        """Find every site of each guide within the mismatch and bulge limits."""
        from genetx.cli._progress import cli_progress
        from genetx.edit.offtarget import (
            check_limits,
            check_threads,
            prepare_index,
            read_guide_file,
            search_to_file,
        )
        from genetx.edit.offtarget.formats import check_format
        from genetx.edit.offtarget.index import check_pam, check_side

        check_format(fmt)
        check_limits(max_mismatches, dna_bulge, rna_bulge)
        check_pam(pam)
        check_side(pam_side)
        check_threads(threads)
        guide_map = read_guide_file(guides)
        progress = cli_progress()
        idx = prepare_index(genome, pam, pam_side=pam_side,  # type: ignore[arg-type]
                            index_dir=index, progress=progress)
        n = search_to_file(idx, guide_map, output, fmt, max_mismatches=max_mismatches,
                           dna_bulge=dna_bulge, rna_bulge=rna_bulge, score=score,
                           annotation=annotation, progress=progress, threads=threads)
        typer.echo(f"{n} sites of {len(guide_map)} guides written to {output}", err=True)
