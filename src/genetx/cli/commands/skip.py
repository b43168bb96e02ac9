"""``genetx skip GENE --variant V``: exon skips that restore the reading frame, with ASO designs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from genetx.skip.aso import AsoDesign
    from genetx.skip.strategies import SkipPlan

_HELP = """List the exon skips (and the equivalent exon deletions) that restore the reading frame
for a patient variant, fewest exons first, with the resulting protein length, the exons and
protein regions lost, cited cautions, approved antisense drugs and the share of patients each
skip applies to; then tile candidate antisense oligonucleotides (5'->3') over the exon(s) of
the first strategy.

VARIANT is an exon deletion or duplication ("del ex45-50", "dup ex2") or a nonsense or
frameshift variant in a coding exon (c.7657C>T, c.100del). With -o DIR the plan is written to
DIR/strategies.json and the ASO candidates to DIR/aso_candidates.tsv.
"""


def _exons(nums: tuple[int, ...] | list[int]) -> str:
    if not nums:
        return "-"
    nums = list(nums)
    runs: list[str] = []
    start = prev = nums[0]
    for k in [*nums[1:], None]:
        if k is not None and k == prev + 1:
            prev = k
            continue
        runs.append(str(start) if start == prev else f"{start}-{prev}")
        if k is not None:
            start = prev = k
    return ",".join(runs)


def _lengths(text: str) -> tuple[int, ...]:
    from genetx.errors import BadInputError

    out: list[int] = []
    where = f"--aso-lengths {text}"
    for part in text.split(","):
        bits = part.strip().split("-")
        if not all(b.strip().isdigit() for b in bits) or len(bits) > 2:
            msg = "give lengths as 25-30 or 25,30"
            raise BadInputError(where, msg)
        a, b = int(bits[0]), int(bits[-1])
        if b < a:
            msg = f"range {a}-{b} is reversed"
            raise BadInputError(where, msg)
        out.extend(range(a, b + 1))
    return tuple(out)


def _plan_lines(plan: SkipPlan, requested: dict[str, Any] | None) -> list[str]:
    pp = plan.patient_protein
    pf = plan.patient_frame
    verdict = {True: "in frame", False: "out of frame", None: "no verdict"}[pf.in_frame]
    detail = pf.reason
    if plan.lesion.kind == "nonsense":
        verdict = "premature stop codon"
        detail = f"in exon {plan.lesion.exons[0]}, the frame is kept"
    protein = pp.protein_length if pp is not None else pf.protein_length
    lines = [
        f"gene        {plan.gene} ({plan.transcript})",
        f"variant     {plan.variant} ({plan.lesion.kind.replace('_', ' ')}, exon "
        f"{_exons(plan.lesion.exons)})",
        f"patient     {verdict}: {detail}"
        + (f"; protein {protein:,} aa" if protein else ""),
        f"status      {plan.status.replace('_', ' ')}: {plan.reason}",
    ]
    if plan.variant_exon_in_frame is not None:
        lines.append(f"exon alone  removing exon {plan.lesion.exons[0]} alone is "
                     f"{'in frame' if plan.variant_exon_in_frame else 'out of frame'}")
    if plan.strategies:
        lines.append("")
        header = ("#", "skip", "exons lost", "protein aa", "checked", "drugs", "share",
                  "cautions")
        rows = []
        for i, s in enumerate(plan.strategies, start=1):
            share = f"{s.share['share_of_patients']:.0%}" if s.share else "-"
            checked = ("-" if s.checked_protein_length is None
                       else f"{s.checked_protein_length:,}" + (" STOP" if s.premature_stop
                                                               else ""))
            rows.append((str(i), _exons(s.skip) + (" (1 copy)" if s.restores_wild_type else ""),
                         _exons(s.exons_lost), f"{s.protein_length:,}", checked,
                         ",".join(s.drugs) or "-", share, str(len(s.cautions))))
        widths = [max(len(r[c]) for r in [header, *rows]) for c in range(len(header))]
        for r in [header, *rows]:
            lines.append("  ".join(x.ljust(w) for x, w in zip(r, widths, strict=True)).rstrip())
        for i, s in enumerate(plan.strategies, start=1):
            if s.both_copies is not None:
                b = s.both_copies
                both = ("in frame" if b.in_frame else "no verdict" if b.in_frame is None
                        else "out of frame")
                lines.append(f"both copies {i}: skipping both copies of exon {_exons(s.skip)} "
                             f"is {both} ({b.reason})")
            for c in s.cautions:
                lines.append(f"caution {i}: {c.text} [{', '.join(c.sources)}]")
            for n in s.notes:
                lines.append(f"note {i}: {n}")
    if requested is not None:
        lines.append("")
        lines.append(f"requested   skip {_exons(requested['skip'])}: "
                     f"{requested['verdict']}"
                     + (f", protein {requested['protein_length']:,} aa"
                        if requested["protein_length"] else ""))
    for d in plan.drugs:
        approval = d["approvals"][0]
        lines.append(f"approved    {d['name']} ({d['brand']}), skips exon {d['skips_exon']}, "
                     f"{approval['agency']} {approval['date']} ({approval['pathway']}) "
                     f"[{', '.join(approval['sources'])}]")
    for n in plan.notes:
        lines.append(f"note        {n}")
    return lines


def _aso_lines(design: AsoDesign, top: int) -> list[str]:
    df = design.candidates
    s = design.summary()
    lines = ["", f"ASO candidates for exon {design.exon}: {s['candidates']} "
                 f"({s['without_offtarget_matches']} without off-target matches up to "
                 f"{design.max_mismatches} mismatches; searched {s['offtarget_set']})"]
    cols = ["aso_id", "aso", "part", "gc", "self_dimer", "hairpin", "offtarget_total"]
    head = df[cols].head(top)
    rows = [tuple(str(v) for v in r) for r in head.itertuples(index=False)]
    header = ("id", "ASO 5'->3'", "part", "GC", "dimer", "hairpin", "off-targets")
    widths = [max(len(r[c]) for r in [header, *rows]) for c in range(len(header))]
    for r in [header, *rows]:
        lines.append("  ".join(x.ljust(w) for x, w in zip(r, widths, strict=True)).rstrip())
    return lines


def register(app: typer.Typer) -> None:
    """Add the ``skip`` command to ``app``."""

    @app.command("skip", help=_HELP)
    def skip(
        gene: Annotated[str, typer.Argument(help="Gene symbol (DMD) or transcript accession.")],
        variant: Annotated[str, typer.Option(
            "--variant", "-v", help="The patient variant: 'del ex45-50', 'dup ex2', c.7657C>T.")],
        transcript: Annotated[str | None, typer.Option(
            "--transcript", "-t", help="Transcript whose exon numbering to use (default: the "
                                       "gene's default transcript).")] = None,
        annotation: Annotated[Path | None, typer.Option(
            "--annotation", help="GFF3, GTF or GenBank file with the gene model.")] = None,
        genome: Annotated[str | None, typer.Option(
            "--genome", help="FASTA/2bit path or registered genome name.")] = None,
        max_exons: Annotated[int, typer.Option(
            "--max-exons", min=1, max=20,
            help="Largest skip to list (cited multi-exon skips are added anyway).")] = 2,
        skip_exons: Annotated[str | None, typer.Option(
            "--skip", help="Also evaluate this skip, e.g. 51 or 45-47,51.")] = None,
        aso: Annotated[bool, typer.Option(
            "--aso/--no-aso", help="Design antisense oligonucleotides.")] = True,
        aso_exons: Annotated[str | None, typer.Option(
            "--aso-exons", help="Exons to design ASOs for (default: the first strategy's).",
        )] = None,
        aso_lengths: Annotated[str, typer.Option(
            "--aso-lengths", help="Oligonucleotide lengths, e.g. 25-30 or 25,30.")] = "25-30",
        max_mismatches: Annotated[int, typer.Option(
            "--max-mismatches", min=0, max=3,
            help="Count off-target matches with up to this many mismatches.")] = 2,
        top: Annotated[int, typer.Option(
            "--top", min=0, help="ASO candidates shown per exon in the text output.")] = 5,
        as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
        out: Annotated[Path | None, typer.Option(
            "--out", "-o", help="Folder for strategies.json and aso_candidates.tsv.")] = None,
    ) -> None:
        from genetx.cli._progress import cli_progress
        from genetx.errors import InfeasibleDesignError
        from genetx.genome.genes import load_gene
        from genetx.genome.variants import parse_notation, parse_variant
        from genetx.skip.frames import FrameModel, parse_exon_set
        from genetx.skip.strategies import evaluate_skip, plan_skips

        notation = parse_notation(variant)  # syntax errors before any file is read
        lengths = _lengths(aso_lengths)
        hit = load_gene(gene, annotation=annotation, genome=genome, transcript=transcript)
        named = notation.accession if notation.system == "c" else None
        chosen = transcript or (None if named else hit.transcript.id)
        v = parse_variant(variant, hit.gene, hit.genome, transcript=chosen)
        tx = next(t for t in hit.gene.transcripts if t.id == v.transcript)
        model = FrameModel.from_transcript(tx)
        requested_skip = parse_exon_set(skip_exons, model, "--skip") if skip_exons else None
        wanted_aso = parse_exon_set(aso_exons, model, "--aso-exons") if aso_exons else None
        plan = plan_skips(v, tx, hit.genome, max_exons=max_exons)
        requested = None
        if requested_skip is not None:
            fc = evaluate_skip(model, plan.lesion, requested_skip)
            requested = {"skip": list(requested_skip), "in_frame": fc.in_frame,
                         "verdict": ("in frame" if fc.in_frame else
                                     "no verdict" if fc.in_frame is None else "out of frame")
                         + f" ({fc.reason})",
                         "protein_length": fc.protein_length}
        if plan.status in ("not_restorable", "no_verdict") and requested is None:
            raise InfeasibleDesignError(variant, plan.reason)
        designs: list[AsoDesign] = []
        if aso:
            from genetx.skip.aso import design_asos

            targets: tuple[int, ...] = ()
            if wanted_aso is not None:
                targets = wanted_aso
            elif plan.strategies:
                targets = plan.strategies[0].skip
            for ex in targets:
                designs.append(design_asos(tx, hit.genome, ex, lengths=lengths,
                                           max_mismatches=max_mismatches,
                                           progress=cli_progress()))
        payload = plan.to_dict()
        payload["requested_skip"] = requested
        payload["aso_designs"] = [d.summary() for d in designs]
        payload["genome"] = {"name": hit.genome.name, "source": hit.genome.source}
        if out is not None:
            out.mkdir(parents=True, exist_ok=True)
            (out / "strategies.json").write_text(json.dumps(payload, indent=2) + "\n",
                                                 encoding="utf-8")
            if designs:
                import pandas as pd

                table = pd.concat([d.candidates for d in designs], ignore_index=True)
                table.to_csv(out / "aso_candidates.tsv", sep="\t", index=False)
        if as_json:
            typer.echo(json.dumps(payload, indent=2))
            return
        lines = _plan_lines(plan, requested)
        for d in designs:
            lines += _aso_lines(d, top)
        if out is not None:
            lines.append("")
            lines.append(f"wrote       {out / 'strategies.json'}"
                         + (f", {out / 'aso_candidates.tsv'}" if designs else ""))
        typer.echo("\n".join(lines))
