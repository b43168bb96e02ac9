"""``genetx skip GENE --variant V``: exon skips that restore the reading frame, with ASO designs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from genetx.edit.exon_deletion import DeletionPair, ExonDeletionDesign
    from genetx.genome.genes import LoadedGene
    from genetx.genome.models import Transcript
    from genetx.progress import Progress
    from genetx.skip.aso import AsoDesign
    from genetx.skip.frames import FrameModel
    from genetx.skip.strategies import SkipPlan

_HELP = """List the exon skips (and the equivalent exon deletions) that restore the reading frame
for a patient variant, fewest exons first, with the resulting protein length, the exons and
protein regions lost, cited cautions, approved antisense drugs and the share of patients each
skip applies to; then tile candidate antisense oligonucleotides (5'->3') over the exon(s) of
the first strategy, and design the CRISPR alternative for every strategy: guide pairs cutting
50-1000 nt into the introns flanking the exons, each guide searched for off-targets, with the
deletion size and the junction sequence left when end joining links the two cut ends.

VARIANT is an exon deletion or duplication ("del ex45-50", "dup ex2") or a nonsense or
frameshift variant in a coding exon (c.7657C>T, c.100del). With -o DIR the plan is written to
DIR/strategies.json (each strategy with its "deletion" design), the ASO candidates to
DIR/aso_candidates.tsv and the guide pairs to DIR/deletion_pairs.tsv.
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
    rows = [(str(r.aso_id), str(r.aso), str(r.part), f"{100 * float(r.gc):.1f}",
             str(r.self_dimer), str(r.hairpin), str(r.offtarget_total))
            for r in head.itertuples(index=False)]
    header = ("id", "ASO 5'->3'", "part", "GC %", "dimer", "hairpin", "off-targets")
    widths = [max(len(r[c]) for r in [header, *rows]) for c in range(len(header))]
    for r in [header, *rows]:
        lines.append("  ".join(x.ljust(w) for x, w in zip(r, widths, strict=True)).rstrip())
    return lines


def _deletion_designs(plan: SkipPlan, model: FrameModel, tx: Transcript, hit: LoadedGene,
                      nuclease: str, pairs: int, guide_mismatches: int, progress: Progress
                      ) -> list[ExonDeletionDesign | str]:
    """A guide-pair design (or the reason there is none) for every strategy of the plan.

    Each strategy's exons are deleted as one block (exons the patient already lacks inside it
    change nothing); the frame reported is the patient's after the deletion
    (:func:`genetx.skip.strategies.deletion_check`).
    """
    from genetx.edit.exon_deletion import design_exon_deletion
    from genetx.errors import InfeasibleDesignError
    from genetx.skip.strategies import deletion_check

    annotation = None
    if hit.origin == "genepack":
        from genetx.genome.genes import pack_annotation

        annotation = pack_annotation("genes")
    out: list[ExonDeletionDesign | str] = []
    done: dict[tuple[int, ...], ExonDeletionDesign | str] = {}
    for s in plan.strategies:
        block = tuple(range(min(s.skip), max(s.skip) + 1))
        if block not in done:
            try:
                done[block] = design_exon_deletion(
                    tx, hit.genome, block, nuclease=nuclease, top=pairs,
                    max_mismatches=guide_mismatches, annotation=annotation,
                    frame_check=lambda ex: deletion_check(model, plan.lesion, ex),
                    progress=progress)
            except InfeasibleDesignError as exc:
                done[block] = str(exc)
        out.append(done[block])
    return out


def _deletion_dict(design: ExonDeletionDesign | str, plan: SkipPlan,
                   breakpoints: tuple[int, ...]) -> dict[str, Any]:
    """The JSON ``deletion`` field of one strategy, with the patient-specific notes."""
    if isinstance(design, str):
        return {"status": "infeasible", "reason": design, "exons": [], "pairs": []}
    d = {"status": "designed", "reason": f"{len(design.pairs)} guide pair(s)", **design.to_dict()}
    notes = list(d["notes"])
    absent = [k for k in design.exons if k not in plan.lesion.order]
    if absent:
        notes.append(f"exon(s) {_exons(absent)} of the deleted block are already missing from "
                     "the patient's transcript; the pair deletes the block between the cuts")
    near = sorted({g.intron for p in design.pairs for g in (p.guide_5prime, p.guide_3prime)}
                  & set(breakpoints))
    if near:
        what = ("may be lost" if plan.lesion.kind == "exon_deletion"
                else "may be present twice")
        notes.append(f"intron {' and '.join(map(str, near))} holds a breakpoint of the "
                     f"patient's {plan.lesion.description}, whose position is unknown: a guide "
                     f"site there {what} on the patient's allele; check it on the patient's "
                     "sequence")
    d["notes"] = notes
    return d


def _pair_row(p: DeletionPair, strand: str) -> tuple[str, ...]:
    def guide(g: Any) -> str:
        return f"{g.guide_id} {g.spacer} {g.pam} {g.strand} {g.distance_to_exon}"

    def ots(g: Any) -> str:
        return "/".join(map(str, g.offtargets.counts)) if g.offtargets else "-"

    def rs1(g: Any) -> str:
        return "-" if g.rule_set_1 is None else f"{g.rule_set_1:.2f}"

    junction = p.junction_transcript
    cut = p.junction_left if strand == "+" else len(junction) - p.junction_left
    return (p.pair_id, guide(p.guide_5prime), guide(p.guide_3prime), f"{p.size:,}",
            f"{rs1(p.guide_5prime)} {rs1(p.guide_3prime)}",
            f"{ots(p.guide_5prime)} {ots(p.guide_3prime)}",
            junction[:cut].lower() + "|" + junction[cut:].lower())


def _deletion_lines(plan: SkipPlan, designs: list[dict[str, Any]],
                    objects: list[ExonDeletionDesign | str]) -> list[str]:
    lines = [""]
    first = next((o for o in objects if not isinstance(o, str)), None)
    head = "CRISPR exon deletion"
    if first is not None:
        head += (f": {first.nuclease} guide pairs cutting {first.window[0]}-{first.window[1]} "
                 f"nt into the flanking introns; off-targets up to {first.max_mismatches} "
                 f"mismatches in {first.offtarget_scope}")
    lines.append(head)
    seen: set[int] = set()
    for i, (s, d, o) in enumerate(zip(plan.strategies, designs, objects, strict=True), start=1):
        if isinstance(o, str):
            lines.append(f"deletion {i}: skip {_exons(s.skip)}: none ({o})")
            continue
        frame = "frame not checked" if o.frame is None else (
            "in frame" if o.frame.in_frame else "no verdict" if o.frame.in_frame is None
            else "out of frame")
        lines.append(f"deletion {i}: exon(s) {o.exon_label} between intron {o.windows[0].intron}"
                     f" and intron {o.windows[1].intron}: {frame}"
                     + (" (same pairs as above)" if id(o) in seen else ""))
        for n in d["notes"]:
            lines.append(f"  note: {n}")
        if id(o) in seen:
            continue
        seen.add(id(o))
        header = ("pair", "5' guide (id spacer PAM strand nt-to-exon)", "3' guide", "deleted nt",
                  "RS1 5' 3'", f"off-targets 0-{o.max_mismatches}mm" if o.offtargets_searched
                  else "off-targets", "junction (transcript strand)")
        rows = [_pair_row(p, o.strand) for p in o.pairs]
        widths = [max(len(r[c]) for r in [header, *rows]) for c in range(len(header))]
        for r in [header, *rows]:
            lines.append("  " + "  ".join(x.ljust(w) for x, w in
                                          zip(r, widths, strict=True)).rstrip())
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
        deletion: Annotated[bool, typer.Option(
            "--deletion/--no-deletion",
            help="Design CRISPR guide pairs that delete each strategy's exons.")] = True,
        nuclease: Annotated[str, typer.Option(
            "--nuclease", help="Blunt-cutting nuclease for the deletion pairs (SpCas9, "
                               "SpCas9-NG, SpRY, SaCas9).")] = "SpCas9",
        pairs: Annotated[int, typer.Option(
            "--pairs", min=1, max=50, help="Guide pairs kept per deletion.")] = 5,
        guide_mismatches: Annotated[int, typer.Option(
            "--guide-mismatches", min=0, max=6,
            help="Off-target search depth for the deletion guides.")] = 4,
        as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
        out: Annotated[Path | None, typer.Option(
            "--out", "-o", help="Folder for strategies.json, aso_candidates.tsv and "
                                "deletion_pairs.tsv.")] = None,
    ) -> None:
        from genetx.cli._progress import cli_progress
        from genetx.errors import InfeasibleDesignError
        from genetx.genome.genes import load_gene
        from genetx.genome.variants import parse_notation, parse_variant
        from genetx.skip.frames import FrameModel, parse_exon_set
        from genetx.skip.strategies import evaluate_skip, plan_skips

        notation = parse_notation(variant)  # syntax errors before any file is read
        lengths = _lengths(aso_lengths)
        if deletion:
            from genetx.edit.exon_deletion import deletion_nuclease

            nuclease = deletion_nuclease(nuclease).name
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
        dels: list[ExonDeletionDesign | str] = []
        del_dicts: list[dict[str, Any]] = []
        if deletion and plan.strategies:
            from genetx.skip.strategies import breakpoint_introns

            dels = _deletion_designs(plan, model, tx, hit, nuclease, pairs, guide_mismatches,
                                     cli_progress())
            bps = breakpoint_introns(model, plan.lesion)
            del_dicts = [_deletion_dict(d, plan, bps) for d in dels]
        payload = plan.to_dict()
        for i, entry in enumerate(payload["strategies"]):
            entry["deletion"] = del_dicts[i] if del_dicts else None
        payload["requested_skip"] = requested
        payload["aso_designs"] = [d.summary() for d in designs]
        payload["genome"] = {"name": hit.genome.name, "source": hit.genome.source}
        written = []
        if out is not None:
            out.mkdir(parents=True, exist_ok=True)
            (out / "strategies.json").write_text(json.dumps(payload, indent=2) + "\n",
                                                 encoding="utf-8")
            written.append(out / "strategies.json")
            if designs:
                import pandas as pd

                table = pd.concat([d.candidates for d in designs], ignore_index=True)
                table.to_csv(out / "aso_candidates.tsv", sep="\t", index=False)
                written.append(out / "aso_candidates.tsv")
            frames = []
            for i, (d, s) in enumerate(zip(dels, plan.strategies, strict=False), start=1):
                if isinstance(d, str) or not d.pairs:
                    continue
                f = d.to_frame()
                f.insert(0, "strategy", i)
                f.insert(1, "skip", _exons(s.skip))
                frames.append(f)
            if frames:
                import pandas as pd

                pd.concat(frames, ignore_index=True).to_csv(out / "deletion_pairs.tsv",
                                                            sep="\t", index=False)
                written.append(out / "deletion_pairs.tsv")
        if as_json:
            typer.echo(json.dumps(payload, indent=2))
            return
        lines = _plan_lines(plan, requested)
        for d in designs:
            lines += _aso_lines(d, top)
        if dels:
            lines += _deletion_lines(plan, del_dicts, dels)
        if written:
            lines.append("")
            lines.append(f"wrote       {', '.join(str(p) for p in written)}")
        typer.echo("\n".join(lines))
