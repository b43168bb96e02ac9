"""``genetx genome``: register reference genomes, list them, and print sequence from them."""

from __future__ import annotations

import re
import sys
from typing import Annotated

import typer

_REGION = re.compile(r"^(?P<start>[\d,]+)(?:-(?P<end>[\d,]+))?$")


def parse_region(text: str) -> tuple[str, int | None, int | None]:
    """Split ``CONTIG[:START[-END]]`` (1-based, inclusive) into ``(contig, start0, end)``.

    ``start0`` and ``end`` are 0-based half-open, or ``None`` for the whole contig. Thousands
    separators are accepted (``chr1:1,000-2,000``). The last ``:`` splits, so record names that
    hold a colon (``chrX:31117221-33344609``) work as contigs.

    Examples
    --------
    >>> parse_region("chr1:100-200"), parse_region("chrM"), parse_region("chr2:5")
    (('chr1', 99, 200), ('chrM', None, None), ('chr2', 4, 5))
    """
    from genetx.errors import BadInputError

    contig, sep, rng = text.rpartition(":")
    if not sep or not _REGION.match(rng):
        if not text.strip():
            what, msg = "REGION", "empty region"
            raise BadInputError(what, msg)
        return text, None, None
    m = _REGION.match(rng)
    assert m is not None
    start = int(m["start"].replace(",", ""))
    end = int(m["end"].replace(",", "")) if m["end"] else start
    if not contig:
        msg = "region has no contig name (write it as CHROM:START-END)"
        raise BadInputError(text, msg)
    if start < 1 or end < start:
        msg = "positions are 1-based and inclusive: START >= 1 and END >= START"
        raise BadInputError(text, msg)
    return contig, start - 1, end


def _whole(genome: object, contig: str) -> tuple[int, int]:
    """0-based span of a whole record, or of the one record placed on chromosome ``contig``."""
    from genetx.genome._base import Genome, chrom_key

    assert isinstance(genome, Genome)
    recs = genome.records()
    if contig in recs:
        return 0, recs[contig]
    segs = [s for s in genome.segments() if chrom_key(s.chrom) == chrom_key(contig)]
    if len(segs) == 1:
        return segs[0].offset, segs[0].end
    return 0, genome.contig_length(contig)  # several pieces: fetch names their spans


def register(app: typer.Typer) -> None:
    """Add the ``genome`` command group to ``app``."""
    genome_app = typer.Typer(
        name="genome", no_args_is_help=True, rich_markup_mode=None,
        help="Register reference genomes (FASTA, FASTA.gz, bgzip, 2bit) and read sequence "
             "from them. Other commands take a registered name or a path with --genome.")

    @genome_app.command("add")
    def add(
        name: Annotated[str, typer.Argument(help="Name to register the genome under, e.g. hg38.")],
        path: Annotated[str, typer.Argument(
            help="Genome file: .2bit, or .fa/.fasta/.fna, optionally .gz (gzip or bgzip).")],
        force: Annotated[bool, typer.Option("--force", help="Replace an existing entry.")] = False,
    ) -> None:
        """Validate a genome file, index it once, and register it under NAME."""
        from genetx.cli._progress import cli_progress
        from genetx.genome.registry import register as do_register

        entry = do_register(name, path, replace=force, progress=cli_progress())
        recs = f"{entry.records:,} record" + ("" if entry.records == 1 else "s")
        typer.echo(f"registered {entry.name}: {entry.path} ({recs}, {entry.total_bp:,} bp, "
                   f"{entry.format})")

    @genome_app.command("list")
    def list_() -> None:
        """Show the registered genomes: name, format, records, total length and path."""
        from rich.console import Console
        from rich.table import Table

        from genetx.genome.registry import list_genomes, registry_path

        entries = list_genomes()
        if not entries:
            typer.echo(f"no genomes registered (registry: {registry_path()}); add one with "
                       "`genetx genome add NAME PATH`")
            return
        table = Table(title="Registered genomes")
        table.add_column("name", no_wrap=True)
        table.add_column("format", no_wrap=True)
        table.add_column("records", justify="right", no_wrap=True)
        table.add_column("total bp", justify="right", no_wrap=True)
        table.add_column("path", no_wrap=True)
        for e in entries:
            table.add_row(e.name, e.format, f"{e.records:,}", f"{e.total_bp:,}", e.path)
        tty = sys.stdout.isatty()
        Console(file=sys.stdout, width=None if tty else 10_000).print(table)

    @genome_app.command("remove")
    def remove(
        name: Annotated[str, typer.Argument(help="Registered genome name.")],
    ) -> None:
        """Unregister a genome (its file and indexes are left where they are)."""
        from genetx.genome.registry import remove as do_remove

        entry = do_remove(name)
        typer.echo(f"removed {entry.name} ({entry.path})")

    @genome_app.command("seq")
    def seq(
        genome: Annotated[str, typer.Argument(help="Registered genome name or genome file.")],
        region: Annotated[str, typer.Argument(
            help="CHROM:START-END, 1-based inclusive (chr1:100-200), CHROM:POS, or a whole "
                 "CHROM. Placed records (CHROM:START-END names) answer chromosome coordinates.")],
        strand: Annotated[str, typer.Option(
            "--strand", "-s", help="'+' for the plus strand, '-' for its reverse complement.")
        ] = "+",
        width: Annotated[int, typer.Option(
            "--width", "-w", help="FASTA line width (0: one line).")] = 60,
    ) -> None:
        """Print the sequence of REGION as FASTA, soft-masking and N runs kept."""
        from genetx.cli._progress import cli_progress
        from genetx.errors import BadInputError
        from genetx.genome.registry import open_genome

        if strand not in ("+", "-"):
            what, msg = "--strand", f"strand must be '+' or '-', got {strand!r}"
            raise BadInputError(what, msg)
        if width < 0:
            what, msg = "--width", f"line width must be >= 0, got {width}"
            raise BadInputError(what, msg)
        contig, start, end = parse_region(region)
        with open_genome(genome, progress=cli_progress()) as g:
            if start is None or end is None:
                start, end = _whole(g, contig)
            s = g.fetch(contig, start, end, strand)  # type: ignore[arg-type]
        label = f"{contig}:{start + 1}-{end}" + ("(-)" if strand == "-" else "")
        out = sys.stdout
        out.write(f">{label}\n")
        step = width or max(len(s), 1)
        for i in range(0, len(s), step):
            out.write(s[i: i + step])
            out.write("\n")

    app.add_typer(genome_app, name="genome")
