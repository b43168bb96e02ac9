"""``genetx silence GENE``: siRNAs, allele-specific siRNAs, shRNA cassettes and gapmer ASOs."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from genetx.silence.design import SilencingResult

_HELP = """Design gene-silencing molecules for GENE: siRNA candidates along its mRNA scored with
the Reynolds 2004, Ui-Tei 2004 and Amarzguioui 2004 rules (components shown), end asymmetry
and seed-duplex Tm, with seed-match and near-complete off-target counts in a transcript set
(the embedded gene pack's transcripts, or --transcriptome FILE, e.g. GENCODE); shRNA cassettes
(GenBank) from the first-ranked siRNA; 5-10-5 gapmer antisense oligonucleotides; and with
--variant a substitution (point mutation or heterozygous SNP), allele-specific siRNAs.

With -o DIR: DIR/sirna_candidates.tsv, DIR/gapmer_candidates.tsv,
DIR/allele_specific_sirnas.tsv (with --variant), DIR/silence.json and DIR/shrna_<id>.gb.
"""


def _gc(text: str) -> tuple[float, float]:
    from genetx.errors import BadInputError

    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*-\s*(\d+(?:\.\d+)?)\s*", text)
    where = f"--gc {text}"
    if not m:
        msg = "give the GC bounds in percent as LOW-HIGH, for example 30-60"
        raise BadInputError(where, msg)
    lo, hi = float(m.group(1)), float(m.group(2))
    if not 0 <= lo <= hi <= 100:
        msg = "bounds must satisfy 0 <= LOW <= HIGH <= 100"
        raise BadInputError(where, msg)
    return lo, hi


def _table(df: object, cols: list[str], header: list[str], top: int) -> list[str]:
    head = df.head(top)  # type: ignore[attr-defined]
    rows = [tuple(str(v) for v in r) for r in head[cols].itertuples(index=False)]
    widths = [max(len(r[c]) for r in [tuple(header), *rows]) for c in range(len(header))]
    return ["  ".join(x.ljust(w) for x, w in zip(r, widths, strict=True)).rstrip()
            for r in [tuple(header), *rows]]


def _text(res: SilencingResult, top: int, written: list[Path]) -> list[str]:
    s = res.sirna.summary()
    ots = s["offtarget_set"] or {}
    lines = [f"gene        {res.gene} ({res.transcript}, {res.mrna_length:,} nt mRNA; "
             f"{res.transcript_basis})",
             f"off-target  {ots.get('transcripts', 0):,} transcripts "
             f"({ots.get('source', '-')}), {s['excluded_transcripts']} of the gene left out, "
             f"up to {s['max_mismatches']} mismatches",
             f"siRNAs      {s['candidates']:,} candidates; {s['passing_composition']:,} pass "
             f"composition (GC {s['gc_bounds_percent'][0]:g}-{s['gc_bounds_percent'][1]:g} %); "
             f"Reynolds>=6 {s['reynolds_functional']:,}, Ui-Tei class I {s['uitei_class_I']:,}, "
             f"Amarzguioui>=3 {s['amarzguioui_functional']:,}; seed Tm<21.5 "
             f"{s['seed_tm_below_limit']:,}", ""]
    mm = s["max_mismatches"]
    cols = ["rank", "id", "region", "antisense_21", "reynolds", "uitei", "amarzguioui",
            "end_asymmetry_ddg", "seed_tm_guide", "seed_transcripts_guide",
            "offtarget_guide_mm0", "offtarget_guide_mm1" if mm >= 1 else "offtarget_guide_mm0"]
    header = ["#", "id", "region", "guide 5'->3'", "Reyn", "UiTei", "Amarz", "ddG", "seedTm",
              "seed tx", "mm0", "mm1" if mm >= 1 else "mm0"]
    lines += _table(res.sirna.candidates, cols, header, top)
    if res.allele is not None:
        a = res.allele.summary()
        lines += ["", f"allele      {a['variant']} ({a['hgvs']}): mRNA position "
                      f"{','.join(map(str, a['mrna_positions']))} {a['normal']}>{a['mutant']}; "
                      f"{a['candidates']} allele-specific candidates"]
        if a["candidates"]:
            lines += _table(res.allele.candidates,
                            ["rank", "id", "antisense_21", "variant_guide_position",
                             "mismatch_vs_normal", "position_class", "reynolds", "uitei"],
                            ["#", "id", "guide 5'->3'", "guide pos", "guide:normal", "class",
                             "Reyn", "UiTei"], top)
    g = res.gapmers.summary()
    lines += ["", f"gapmers     {g['candidates']:,} {g['layout']} candidates; "
                  f"{g['passing_checks']:,} pass GC {g['gc_bounds_percent'][0]:g}-"
                  f"{g['gc_bounds_percent'][1]:g} %, no G run of 4 and no perfect off-target"]
    lines += _table(res.gapmers.candidates,
                    ["rank", "id", "region", "gapmer", "gc_percent", "cpg_in_gap",
                     "offtarget_mm0"], ["#", "id", "region", "gapmer 5'->3'", "GC", "CpG",
                                        "mm0"], top)
    for sid, rec in res.shrna:
        lines.append(f"shRNA       {rec.name}: {len(rec.seq)} bp cassette from {sid}")
    for n in res.notes:
        lines.append(f"note        {n}")
    if written:
        lines += ["", "wrote       " + ", ".join(str(p) for p in written)]
    return lines


def _write(res: SilencingResult, out: Path, payload: dict[str, object]) -> list[Path]:
    from Bio import SeqIO

    out.mkdir(parents=True, exist_ok=True)
    written = []
    path = out / "sirna_candidates.tsv"
    res.sirna.candidates.to_csv(path, sep="\t", index=False)
    written.append(path)
    path = out / "gapmer_candidates.tsv"
    res.gapmers.candidates.to_csv(path, sep="\t", index=False)
    written.append(path)
    if res.allele is not None:
        path = out / "allele_specific_sirnas.tsv"
        res.allele.candidates.to_csv(path, sep="\t", index=False)
        written.append(path)
    for _sid, rec in res.shrna:
        path = out / f"shrna_{rec.name}.gb"
        SeqIO.write(rec, path, "genbank")
        written.append(path)
    path = out / "silence.json"
    path.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    written.append(path)
    return written


def register(app: typer.Typer) -> None:
    """Add the ``silence`` command to ``app``."""

    @app.command("silence", help=_HELP)
    def silence(
        gene: Annotated[str, typer.Argument(help="Gene symbol (MECP2) or transcript accession.")],
        variant: Annotated[str | None, typer.Option(
            "--variant", "-v", help="Substitution to silence allele-specifically (c.473C>T, "
                                    "X:154030912:G:A).")] = None,
        transcriptome: Annotated[Path | None, typer.Option(
            "--transcriptome", help="Transcriptome FASTA for off-targets (default: the gene "
                                    "pack's transcripts).")] = None,
        transcript: Annotated[str | None, typer.Option(
            "--transcript", "-t", help="Transcript to design on (default: the gene's "
                                       "default transcript).")] = None,
        annotation: Annotated[Path | None, typer.Option(
            "--annotation", help="GFF3, GTF or GenBank file with the gene model.")] = None,
        genome: Annotated[str | None, typer.Option(
            "--genome", help="FASTA/2bit path or registered genome name.")] = None,
        max_mismatches: Annotated[int, typer.Option(
            "--max-mismatches", min=0, max=3,
            help="Count near-complete off-targets with up to this many mismatches.")] = 2,
        gc: Annotated[str, typer.Option(
            "--gc", help="siRNA GC bounds in percent (composition filter).")] = "30-60",
        gapmer: Annotated[str, typer.Option(
            "--gapmer", help="Gapmer wing-gap-wing layout.")] = "5-10-5",
        promoter: Annotated[str, typer.Option(
            "--promoter", help="shRNA promoter: U6, H1 or none.")] = "U6",
        shrna_from: Annotated[list[str] | None, typer.Option(
            "--shrna-from", help="Build the shRNA cassette from this candidate id (si1234, "
                                 "as699); repeatable. Default: the first-ranked siRNA.")] = None,
        top: Annotated[int, typer.Option(
            "--top", min=0, help="Rows shown per table (and kept in the JSON).")] = 10,
        as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
        out: Annotated[Path | None, typer.Option(
            "--out", "-o", help="Folder for the TSV, JSON and GenBank files.")] = None,
    ) -> None:
        from genetx.cli._progress import cli_progress
        from genetx.errors import BadInputError
        from genetx.silence.design import silence_gene

        bounds = _gc(gc)
        prom = None if promoter.lower() == "none" else promoter.upper()
        if prom is not None and prom not in ("U6", "H1"):
            where, msg = f"--promoter {promoter}", "must be U6, H1 or none"
            raise BadInputError(where, msg)
        if transcriptome is not None and not transcriptome.is_file():
            where, msg = str(transcriptome), "transcriptome file not found"
            raise BadInputError(where, msg)
        res = silence_gene(gene, variant=variant, transcript=transcript, annotation=annotation,
                           genome=genome, transcriptome=transcriptome,
                           max_mismatches=max_mismatches, gc_bounds=bounds,
                           gapmer_layout=gapmer, promoter=prom, shrna_from=shrna_from or (),
                           progress=cli_progress())
        payload = res.to_dict(top=top)
        written = _write(res, out, payload) if out is not None else []
        if as_json:
            typer.echo(json.dumps(payload, indent=2))
            return
        typer.echo("\n".join(_text(res, top, written)))
