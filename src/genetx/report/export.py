"""Write a design run to a folder: the HTML report, a JSON of everything and the design files.

Files (names relative to the output folder):

``report.html``
    The self-contained report (:func:`genetx.report.render.render_html`).
``design.json``
    The run, the dossiers and the numbered references, as plain JSON.
``designs.tsv``
    One row per top design of every modality (id, modality, kind, sequence, site, scores,
    off-target counts).
``triage.tsv``
    One row per modality: rank, verdict, precedent level, design status, reason.
``designs.bed``
    The variant and every design's target site (BED6, 0-based half-open).
``<table>.tsv``
    Full candidate tables of the designers (for example ``aso_candidates.tsv``).
``<record>.gb``
    GenBank records: cassettes, and the annotated target region of the designs
    (``<GENE>_target_region.gb``).

This is the only module of the report layer that writes files.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from genetx.errors import BadInputError

if TYPE_CHECKING:
    from Bio.SeqRecord import SeqRecord

    from genetx.safety.dossier import Dossier
    from genetx.strategy.design import DesignRun

_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_name(text: str) -> str:
    """A file-name-safe version of ``text`` (letters, digits, ``.``, ``_``, ``-``).

    Examples
    --------
    >>> safe_name("del ex45-50")
    'del_ex45-50'
    """
    return _SAFE.sub("_", text).strip("_") or "design"


def _out_dir(path: str | Path) -> Path:
    out = Path(path)
    if out.exists() and not out.is_dir():
        msg = "exists and is not a folder"
        raise BadInputError(str(out), msg)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        msg = f"cannot create the output folder ({exc.strerror})"
        raise BadInputError(str(out), msg) from None
    return out


def run_json(run: DesignRun, dossiers: dict[str, Dossier]) -> dict[str, Any]:
    """Everything as plain JSON: the run, the dossiers and every reference cited or citable."""
    doc = run.to_dict()
    doc["dossiers"] = [d.to_dict() for d in dossiers.values()]
    keys: list[str] = []

    def collect(node: Any) -> None:
        if isinstance(node, dict):
            srcs = node.get("sources")
            if isinstance(srcs, list) and srcs and all(":" in str(k) for k in srcs):
                keys.extend(str(k) for k in srcs)
            for v in node.values():
                collect(v)
        elif isinstance(node, list):
            for v in node:
                collect(v)

    # statements and precedents of GeneTx carry namespaced keys ("catalog:S10"); the raw
    # capability summaries keep their own un-namespaced ids, resolved in their own data
    collect({k: doc[k] for k in ("triage", "results", "dossiers")})
    bib = run.bibliography
    doc["references"] = [bib.resolve(k).to_dict() for k in dict.fromkeys(keys)]
    from genetx.strategy.evidence import GENETX_SOURCES

    doc["unresolved_sources"] = [k for k in dict.fromkeys(keys)
                                 if k not in bib.entries and k not in GENETX_SOURCES]
    return doc


def _design_rows(run: DesignRun) -> list[dict[str, Any]]:
    rows = []
    for res in run.results:
        for d in res.designs:
            loc = d.location or ("", None, None, "")
            ot = d.offtarget
            rows.append({
                "id": d.id, "modality": d.modality, "kind": d.kind, "label": d.label,
                "sequence": d.sequence or "", "chrom": loc[0], "start": loc[1], "end": loc[2],
                "strand": loc[3],
                "offtarget_engine": ot.engine if ot else "",
                "offtarget_max_mismatches": ot.max_mismatches if ot else "",
                "offtarget_counts": ",".join(map(str, ot.counts)) if ot else "",
                "offtarget_total": ot.total if ot else "",
                "cfd_specificity": ot.cfd_specificity if ot and ot.cfd_specificity is not None
                else "",
                "other_gene_exon_hits": ",".join(ot.other_gene_exon_hits) if ot else "",
                "properties": json.dumps(d.properties, sort_keys=True, default=str),
            })
    return rows


def _write_tsv(path: Path, rows: list[dict[str, Any]], columns: list[str]) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=columns, delimiter="\t", extrasaction="ignore",
                           lineterminator="\n")
        w.writeheader()
        for r in rows:
            w.writerow({k: ("" if r.get(k) is None else r.get(k)) for k in columns})


def _bed_lines(run: DesignRun) -> list[str]:
    lines = [f'track name="genetx_{safe_name(run.request.gene)}" description="GeneTx design '
             'targets (variant and designs)"']
    v = run.variant
    if v is not None:
        lines.append(f"{v.chrom}\t{v.start}\t{max(v.end, v.start + 1)}\t"
                     f"variant:{safe_name(v.notation)}\t0\t.")
    for res in run.results:
        for d in res.designs:
            for chrom, s, e, strand, label in d.target_sites():
                name = d.id if label == d.id else f"{d.id}:{label}"
                lines.append(f"{chrom}\t{s}\t{e}\t{name}\t0\t{strand}")
    return lines


def target_region_record(run: DesignRun, flank: int = 300) -> SeqRecord | None:
    """The genomic region the designs target, with exons, variant and designs as features.

    The region spans every design site plus ``flank`` bases, on the plus strand; None when
    there is no site or the genome cannot give the sequence.
    """
    from Bio.Seq import Seq
    from Bio.SeqFeature import SeqFeature, SimpleLocation
    from Bio.SeqRecord import SeqRecord

    from genetx.errors import GeneTxError

    sites = [(d, site) for res in run.results for d in res.designs
             for site in d.target_sites()]
    tx = run.transcript
    if not sites or tx is None or run.gene is None:
        return None
    chrom = sites[0][1][0]
    sites = [(d, x) for d, x in sites if x[0] == chrom]
    lo = max(0, min(x[1] for _, x in sites) - flank)
    hi = max(x[2] for _, x in sites) + flank
    if hi - lo > 200_000:  # designs far apart: keep the region of the first one
        lo = max(0, sites[0][1][1] - flank)
        hi = sites[0][1][2] + flank
        sites = [(d, x) for d, x in sites if lo <= x[1] and x[2] <= hi]
    try:
        seq = run.gene.genome.fetch(chrom, lo, hi).upper()
    except GeneTxError:
        return None
    rec = SeqRecord(Seq(seq), id=safe_name(f"{tx.gene}_{chrom}_{lo + 1}_{hi}")[:16],
                    name=safe_name(f"{tx.gene}_region")[:16],
                    description=f"{tx.gene} {chrom}:{lo + 1}-{hi} (plus strand), GeneTx design "
                                "targets")
    rec.annotations["molecule_type"] = "DNA"
    rec.annotations["topology"] = "linear"
    strand_of = {"+": 1, "-": -1}
    for k, (s, e) in enumerate(tx.exons, start=1):
        if e > lo and s < hi:
            loc = SimpleLocation(max(s, lo) - lo, min(e, hi) - lo, strand_of[tx.strand])
            rec.features.append(SeqFeature(loc, type="exon", qualifiers={
                "gene": [tx.gene], "number": [str(k)], "note": [f"{tx.id} exon {k}"]}))
    v = run.variant
    if v is not None and v.end > lo and v.start < hi and not v.is_exon_level:
        loc = SimpleLocation(max(v.start, lo) - lo, max(min(v.end, hi), v.start + 1) - lo)
        rec.features.append(SeqFeature(loc, type="variation", qualifiers={
            "note": [v.notation], "replace": [v.alt or ""]}))
    for d, (_c, s, e, strand, label) in sites:
        loc = SimpleLocation(s - lo, e - lo, strand_of.get(strand, 1))
        ftype = "misc_binding" if d.kind in ("aso", "sirna") else "misc_feature"
        rec.features.append(SeqFeature(loc, type=ftype, qualifiers={
            "label": [label], "note": [f"{d.modality}: {d.label}"]}))
    return rec


def write_report(run: DesignRun, dossiers: dict[str, Dossier], out: str | Path, *,
                 figures: bool = True) -> list[Path]:
    """Write the report, the JSON and the design files into ``out``.

    Parameters
    ----------
    run
        The design run.
    dossiers
        Dossiers by design id.
    out
        Output folder (created when missing).
    figures
        Draw the figures (needs matplotlib; a missing matplotlib is noted in the report).

    Returns
    -------
    The paths written, the report first.

    Raises
    ------
    BadInputError
        When ``out`` exists and is not a folder, or cannot be created.
    """
    from Bio import SeqIO

    from genetx.report.render import make_figures, render_html

    folder = _out_dir(out)
    written: list[Path] = []
    rows = _design_rows(run)
    cols = ["id", "modality", "kind", "label", "sequence", "chrom", "start", "end", "strand",
            "offtarget_engine", "offtarget_max_mismatches", "offtarget_counts",
            "offtarget_total", "cfd_specificity", "other_gene_exon_hits", "properties"]
    p = folder / "designs.tsv"
    _write_tsv(p, rows, cols)
    written.append(p)
    tri = [{"rank": o.rank, "modality": o.modality, "verdict": o.verdict,
            "precedent": o.precedent_level, "status": run.result(o.modality).status,
            "reason": run.result(o.modality).reason} for o in run.triage.options]
    p = folder / "triage.tsv"
    _write_tsv(p, tri, ["rank", "modality", "verdict", "precedent", "status", "reason"])
    written.append(p)
    p = folder / "designs.bed"
    p.write_text("\n".join(_bed_lines(run)) + "\n", encoding="utf-8")
    written.append(p)
    for res in run.results:
        for name, table in res.tables.items():
            p = folder / f"{safe_name(name)}.tsv"
            table.to_csv(p, sep="\t", index=False)
            written.append(p)
    seen: set[str] = set()
    for res in run.results:
        for rec in res.records:
            stem = safe_name(f"{res.modality}_{rec.name or rec.id}")
            if stem in seen:
                continue
            seen.add(stem)
            p = folder / f"{stem}.gb"
            SeqIO.write(rec, p, "genbank")
            written.append(p)
    region = target_region_record(run)
    if region is not None:
        p = folder / f"{safe_name(run.request.gene)}_target_region.gb"
        SeqIO.write(region, p, "genbank")
        written.append(p)
    figs = make_figures(run, dossiers) if figures else None
    report = folder / "report.html"
    jpath = folder / "design.json"
    names = [w.name for w in (report, jpath, *written)]
    report.write_text(render_html(run, dossiers, figs, files=names), encoding="utf-8")
    doc = run_json(run, dossiers)
    jpath.write_text(json.dumps(doc, indent=2, default=str) + "\n", encoding="utf-8")
    return [report, jpath, *written]


__all__ = ["run_json", "safe_name", "target_region_record", "write_report"]
