"""``genetx cassette``: design an AAV or lentiviral gene-addition cassette.

``genetx cassette F8 --tissue liver --shortened F8-BDD-SQ --cpg-free -o out/`` optimises the
CDS, assembles the cassette, evaluates the packaging and safety rules, and writes GenBank,
FASTA, a JSON summary and a PNG map into ``out/``. When the CDS does not fit, the summary says
so with the numbers and lists what the field does (shortened versions, split-intein dual AAV,
lentiviral vectors).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from genetx.add.design import GeneAdditionDesign


def _list_elements() -> str:
    from genetx.add.elements import NOT_AVAILABLE, load_elements

    lib = load_elements()
    rows = [("name", "category", "bp", "tissue", "use")]
    rows += [(e.name, e.category, str(e.length), e.tissue or "-", e.use[:60]) for e in lib]
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    out = ["  ".join(c.ljust(w) for c, w in zip(r[:4], widths, strict=True)) + "  " + r[4]
           for r in rows]
    out.append("")
    out += [f"not available: {why}" for why in NOT_AVAILABLE.values()]
    return "\n".join(out)


def _write(design: GeneAdditionDesign, out: Path) -> list[Path]:
    from genetx.add.cassette import write_fasta, write_genbank
    from genetx.plot.cassette import plot_cassette

    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    pairs = [(design.cassette, design.evaluations),
             *zip(design.split, design.split_evaluations, strict=True)]
    for cassette, evals in pairs:
        stem = out / cassette.name
        for suffix, writer in ((".gb", write_genbank), (".fasta", write_fasta)):
            writer(cassette, stem.with_suffix(suffix))
            written.append(stem.with_suffix(suffix))
        png = stem.with_suffix(".png")
        plot_cassette(cassette, evaluations=evals, path=png)
        written.append(png)
    summary = out / f"{design.cassette.name}.json"
    summary.write_text(json.dumps(design.to_dict(), indent=1) + "\n", encoding="utf-8")
    written.append(summary)
    return written


def _report(design: GeneAdditionDesign) -> list[str]:
    o = design.optimized
    b, a = o.before, o.after
    lines = [
        f"input: {design.source.kind} {design.source.name} ({len(design.source.protein)} aa"
        + (f", {design.source.transcript}" if design.source.transcript else "") + ")",
        *[f"note: {n}" for n in design.notes],
        f"codon optimisation ({o.settings.method}, {o.changed_codons} of "
        f"{len(o.sequence) // 3} codons changed): CAI {b.cai:.3f} -> {a.cai:.3f}, "
        f"GC {b.gc:.3f} -> {a.gc:.3f}, CpG {b.cpg} -> {a.cpg}",
    ]
    for c in o.constraints:
        lines.append(f"  {c.name}: {'pass' if c.before_pass else 'FAIL'} -> "
                     f"{'pass' if c.after_pass else 'FAIL'} (re-check: "
                     f"{'pass' if c.independent_pass else 'FAIL'}; {c.independent_detail})")
    lines.append(f"cassette {design.cassette.name} ({design.cassette.vector}, "
                 f"{design.cassette.length:,} nt): "
                 + " | ".join(f"{p.part.name} {p.end - p.start}" for p in design.cassette.parts))
    lines += [f"  why: {c}" for c in design.cassette.choices]
    for e in design.evaluations:
        lines.append(f"rule {e.rule}: {'pass' if e.passes else 'FAIL'} - {e.message}")
    lines.append(f"fit: {design.fit.message}")
    from genetx.add.oversize import summarize

    lines += [f"proposal {p}" for p in summarize(design.proposals)]
    for cas, evals in zip(design.split, design.split_evaluations, strict=True):
        lines.append(f"split vector {cas.name}: {cas.length:,} nt; "
                     + "; ".join(f"{e.rule} {'pass' if e.passes else 'FAIL'}" for e in evals))
    return lines


def _annotate(path: Path, vector: str, out: Path) -> None:
    """Locate library elements in an existing plasmid, evaluate its packaging and write it."""
    from genetx.add.cassette import annotate_plasmid, write_genbank
    from genetx.add.inputs import read_record_file
    from genetx.add.rules import (
        CrypticPolyA,
        ITRIntegrity,
        PackagingLimit,
        check_vector,
        evaluate_rules,
    )
    from genetx.plot.cassette import plot_cassette

    v = check_vector(vector)
    record = read_record_file(path)
    annotated, hits = annotate_plasmid(record)
    rules = [PackagingLimit(v, use_annotation=False), CrypticPolyA()]
    if v != "LV":
        rules.insert(1, ITRIntegrity(v))
    evals = evaluate_rules(annotated, rules)
    for h in hits:
        typer.echo(f"{h.element}\t{h.start}-{h.end}\t{'+' if h.strand == 1 else '-'}\t"
                   f"{100 * h.identity:.1f}% identity, {100 * h.coverage:.0f}% of the element")
    for e in evals:
        typer.echo(f"rule {e.rule}: {'pass' if e.passes else 'FAIL'} - {e.message}")
    out.mkdir(parents=True, exist_ok=True)
    base = f"{record.name or 'plasmid'}.annotated"
    paths = {s: out / f"{base}{s}" for s in (".gb", ".png", ".json")}
    write_genbank(annotated, paths[".gb"])
    plot_cassette(annotated, evaluations=evals, path=paths[".png"])
    doc = {"file": str(path), "length": len(record.seq), "hits": [h.to_dict() for h in hits],
           "rules": [e.to_dict() for e in evals]}
    paths[".json"].write_text(json.dumps(doc, indent=1) + "\n", encoding="utf-8")
    for path_out in paths.values():
        typer.echo(f"wrote {path_out}")


def register(app: typer.Typer) -> None:
    """Add the ``cassette`` command to ``app``."""

    @app.command("cassette")
    def cassette(
        gene: Annotated[str | None, typer.Argument(
            help="Gene symbol from the gene pack (its default transcript's CDS).")] = None,
        cds: Annotated[Path | None, typer.Option(
            "--cds", help="CDS file: FASTA, bare sequence or GenBank mRNA with one CDS.")] = None,
        protein: Annotated[Path | None, typer.Option(
            "--protein", help="Protein file (FASTA or bare); it is back-translated.")] = None,
        out: Annotated[Path | None, typer.Option(
            "-o", "--out", help="Output folder for .gb, .fasta, .json and .png.")] = None,
        vector: Annotated[str, typer.Option(
            "--vector", help="ssAAV, scAAV or LV.")] = "ssAAV",
        tissue: Annotated[str | None, typer.Option(
            "--tissue", help="liver, muscle, neuron, retina, ubiquitous or hsc: picks the "
                             "promoter.")] = None,
        promoter: Annotated[str | None, typer.Option("--promoter", help="Promoter element.")
                            ] = None,
        polya: Annotated[str | None, typer.Option("--polya", help="PolyA element.")] = None,
        intron: Annotated[str | None, typer.Option("--intron", help="Intron element.")] = None,
        wpre: Annotated[str | None, typer.Option("--wpre", help="WPRE element (WPRE3 ...).")
                        ] = None,
        mirna: Annotated[list[str] | None, typer.Option(
            "--mirna-targets", help="miRNA target-site element (repeatable).")] = None,
        cpg_free: Annotated[bool, typer.Option(
            "--cpg-free", help="Remove every CpG from the CDS.")] = False,
        avoid_enzyme: Annotated[list[str] | None, typer.Option(
            "--avoid-enzyme", help="Restriction enzyme whose site must be absent (repeatable)."
        )] = None,
        gc_min: Annotated[float, typer.Option("--gc-min", help="Window GC minimum.")] = 0.30,
        gc_max: Annotated[float, typer.Option("--gc-max", help="Window GC maximum.")] = 0.70,
        gc_window: Annotated[int, typer.Option("--gc-window", help="GC window (bp).")] = 100,
        max_homopolymer: Annotated[int, typer.Option(
            "--max-homopolymer", help="Longest run of one base allowed.")] = 6,
        unique_kmer: Annotated[int, typer.Option(
            "--unique-kmer", help="Remove repeats of this length (0: allow repeats).")] = 20,
        codon_method: Annotated[str, typer.Option(
            "--codon-method", help="use_best_codon or match_codon_usage.")] = "use_best_codon",
        shortened: Annotated[str | None, typer.Option(
            "--shortened", help="Build a published shortened version first (F8-BDD-SQ).")
        ] = None,
        split: Annotated[bool, typer.Option(
            "--split", help="Also design a split-intein dual AAV.")] = False,
        transcript: Annotated[str | None, typer.Option(
            "--transcript", help="Transcript of GENE to use instead of the default.")] = None,
        list_elements: Annotated[bool, typer.Option(
            "--list-elements", help="List the element library and exit.")] = False,
        annotate: Annotated[Path | None, typer.Option(
            "--annotate", help="Annotate an existing plasmid (GenBank or FASTA) with the "
                               "library, measure ITR-to-ITR, check its ITRs.")] = None,
    ) -> None:
        """Design a gene-addition cassette (AAV or lentiviral) with codon optimisation and
        packaging checks, and write GenBank, FASTA, JSON and a PNG map."""
        from genetx.errors import BadInputError

        if list_elements:
            typer.echo(_list_elements())
            return
        if annotate is not None:
            if out is None:
                what, msg = "--out", "give an output folder with -o OUT"
                raise BadInputError(what, msg)
            _annotate(annotate, vector, out)
            return
        given = [x for x in (gene, cds, protein) if x is not None]
        if len(given) != 1:
            what, msg = "input", "give exactly one of GENE, --cds FILE or --protein FILE"
            raise BadInputError(what, msg)
        if out is None:
            what, msg = "--out", "give an output folder with -o OUT"
            raise BadInputError(what, msg)
        if out.exists() and not out.is_dir():
            msg = "exists and is not a folder"
            raise BadInputError(str(out), msg)
        from genetx.add import inputs
        from genetx.add.codon import CodonConstraints
        from genetx.add.design import design_gene_addition
        from genetx.cli._progress import cli_progress

        if gene is not None:
            source = inputs.from_gene(gene, transcript=transcript)
        elif cds is not None:
            source = inputs.read_cds_file(cds)
        else:
            source = inputs.read_protein_file(protein)  # type: ignore[arg-type]
        constraints = CodonConstraints(
            cpg_free=cpg_free, gc_min=gc_min, gc_max=gc_max, gc_window=gc_window,
            max_homopolymer=max_homopolymer, avoid_enzymes=tuple(avoid_enzyme or ()),
            unique_kmer=unique_kmer or None, method=codon_method)  # type: ignore[arg-type]
        design = design_gene_addition(
            source, vector=vector, tissue=tissue, promoter=promoter, polya=polya,
            intron=intron, wpre=wpre, mirna_targets=tuple(mirna or ()),
            constraints=constraints, shortened=shortened, split=split,
            progress=cli_progress())
        for line in _report(design):
            typer.echo(line)
        for path in _write(design, out):
            typer.echo(f"wrote {path}")
