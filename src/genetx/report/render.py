"""Render a design run and its dossiers as one self-contained HTML page.

The page needs nothing from the network: the style sheet is inline and every figure is a PNG
embedded as a ``data:`` URI. Every statement is followed by numbered links to the references
section, which lists the sources in citation order. This module assembles; it computes no
science (figures come from :mod:`genetx.plot`, numbers from the run and the dossiers).
"""

from __future__ import annotations

import base64
import html
import io
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterable

    from matplotlib.figure import Figure

    from genetx.safety.dossier import Dossier
    from genetx.strategy.design import DesignItem, DesignRun, ModalityResult
    from genetx.strategy.evidence import Bibliography, Statement
    from genetx.strategy.triage import ModalityOption

_CSS = """
body{font-family:-apple-system,'Segoe UI',Helvetica,Arial,sans-serif;margin:0;color:#1d1d1f;
background:#f6f7f9;line-height:1.45;font-size:14px}
main{max-width:1180px;margin:0 auto;padding:24px 28px 60px;background:#fff}
h1{font-size:24px;margin:0 0 4px}h2{font-size:19px;margin:34px 0 10px;border-bottom:2px solid
#e3e6ea;padding-bottom:4px}h3{font-size:16px;margin:22px 0 6px}h4{font-size:14px;margin:14px 0
4px}
.meta{color:#5f6670;font-size:12.5px}
.ref-box{border-left:5px solid #d55e00;background:#fff4ec;padding:10px 14px;margin:16px 0}
.note{border-left:5px solid #0072b2;background:#eef6fc;padding:8px 14px;margin:12px 0}
.warn{border-left:5px solid #b00020;background:#fdecee;padding:8px 14px;margin:12px 0}
table{border-collapse:collapse;width:100%;margin:8px 0 14px;font-size:13px}
th,td{border:1px solid #dde1e6;padding:4px 7px;text-align:left;vertical-align:top}
th{background:#f0f2f5}
tr:nth-child(even) td{background:#fafbfc}
.badge{display:inline-block;border-radius:10px;padding:1px 9px;font-size:12px;font-weight:600;
color:#fff}
.v-recommended{background:#1b7f3b}.v-possible{background:#b26a00}.v-undetermined{background:#6b6f76}
.v-not_applicable{background:#9aa0a6}
.s-designed{background:#1b7f3b}.s-nothing_found{background:#b26a00}.s-not_run{background:#9aa0a6}
.s-unavailable{background:#6b6f76}.s-failed{background:#b00020}
ul.st{margin:4px 0 8px 18px;padding:0}ul.st li{margin:2px 0}
sup a{text-decoration:none;color:#0072b2;font-size:11px}
code,.seq{font-family:SFMono-Regular,Consolas,Menlo,monospace;font-size:12px;word-break:break-all}
figure{margin:12px 0 18px}figure img{max-width:100%;border:1px solid #e3e6ea}
figcaption{font-size:12.5px;color:#5f6670}
details{margin:8px 0;border:1px solid #e3e6ea;border-radius:4px;padding:4px 10px}
summary{cursor:pointer;font-weight:600}
ol.refs li{margin:3px 0;font-size:12.5px}
.na{color:#6b6f76}
"""


@dataclass(frozen=True)
class Figures:
    """Figures of a report as ``data:`` URIs, or the reason each is missing.

    Attributes
    ----------
    images
        Name -> (data URI, caption).
    missing
        Name -> why the figure is not there.
    """

    images: dict[str, tuple[str, str]]
    missing: dict[str, str]


def _png(fig: Figure) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def _features(run: DesignRun) -> list[Any]:
    from genetx.plot.genemap import MapFeature

    feats = []
    for res in run.results:
        for d in res.designs:
            for _chrom, s, e, strand, label in d.target_sites():
                feats.append(MapFeature(s, e, strand, label, d.kind))
    return feats


def make_figures(run: DesignRun, dossiers: dict[str, Dossier]) -> Figures:
    """Draw the report's figures from the run (needs matplotlib; each failure is recorded).

    Figures: ``gene_map`` (exons, variant, designs), ``exon_frames`` (when a skip plan exists),
    ``offtarget`` (mismatch histogram of the designs that have off-target counts) and one
    ``cassette:<id>`` per cassette design.
    """
    images: dict[str, tuple[str, str]] = {}
    missing: dict[str, str] = {}
    import importlib.util

    if importlib.util.find_spec("matplotlib") is None:
        why = "matplotlib is not installed (pip install matplotlib)"
        return Figures({}, {k: why for k in ("gene_map", "exon_frames", "offtarget",
                                             "offtarget_transcripts")})

    def attempt(name: str, caption: str, draw: Any) -> None:
        try:
            fig = draw()
        except Exception as exc:  # a figure must never stop the report
            missing[name] = f"could not be drawn: {type(exc).__name__}: {exc}"
            return
        images[name] = (_png(fig), caption)

    tx = run.transcript
    if tx is not None:
        from genetx.plot.genemap import plot_gene_map

        feats = _features(run)
        attempt("gene_map",
                f"Gene map of {tx.gene} ({tx.id}): exons, the patient's variant (red) and the "
                f"target sites of {len(feats)} top design(s).",
                lambda: plot_gene_map(tx, variant=run.variant, features=feats))
    else:
        missing["gene_map"] = f"no gene model ({run.gene_reason})"
    plan = run.skip_plan
    if plan is not None and tx is not None:
        from genetx.plot.frames import FrameRow, plot_exon_frames
        from genetx.skip.frames import FrameModel

        model = FrameModel.from_transcript(tx)
        pf = plan.patient_frame
        rows = [FrameRow("reference", verdict="in frame", ok=True),
                FrameRow(f"patient: {plan.lesion.description}",
                         tuple(k for k in plan.lesion.exons
                               if plan.lesion.kind == "exon_deletion"),
                         verdict=pf.reason, ok=pf.in_frame)]
        for s in plan.strategies[:3]:
            rows.append(FrameRow(f"skip {'-'.join(map(str, (s.skip[0], s.skip[-1])))}"
                                 if len(s.skip) > 1 else f"skip {s.skip[0]}",
                                 s.exons_lost, s.skip,
                                 f"in frame, {s.protein_length:,} aa", ok=True))
        attempt("exon_frames", "Exon-frame diagram: exon edges show the reading-frame phase; "
                "dashed exons are missing (red: patient, blue: skipped).",
                lambda: plot_exon_frames(model, rows))
    elif run.variant is not None:
        missing["exon_frames"] = ("no frame-restoration plan for this variant"
                                  + (f" ({run.skip_reason})" if run.skip_reason else ""))
    from genetx.plot.offtarget import plot_mismatch_histogram

    ref_name = run.reference.name if run.reference is not None else "the genome"
    mrna = (", the gene pack's mRNA records not searched" if run.reference is not None
            and run.reference.excluded else "")
    for name, engine, caption, title in (
            ("offtarget", "genome_search",
             "Off-target sites of the top guides by number of mismatches, searched in "
             f"{ref_name} (the intended site excluded, CRISPOR's alternative-PAM rule "
             f"applied{mrna}, as in genetx guides and genetx skip; see each dossier for the "
             "scope).",
             f"guides: off-target sites in {ref_name}"),
            ("offtarget_transcripts", "transcript_match",
             "Matches of the top oligonucleotides (ASOs, siRNAs) in other transcripts, by "
             "number of mismatches (the intended site excluded).",
             "oligonucleotides: matches in transcripts")):
        counts = {d.id: list(d.offtarget.counts) for res in run.results for d in res.designs
                  if d.offtarget is not None and d.offtarget.engine == engine}
        if counts:
            attempt(name, caption,
                    lambda counts=counts, title=title: plot_mismatch_histogram(counts,
                                                                               title=title))
        else:
            missing[name] = "no design of this kind was searched"
    for res in run.results:
        for d, rec in zip(_cassette_items(res), res.records, strict=False):
            from genetx.plot.cassette import plot_cassette

            attempt(f"cassette:{d.id}", f"Cassette map of {d.label}.",
                    lambda rec=rec: plot_cassette(rec))
    return Figures(images, missing)


def _cassette_items(res: ModalityResult) -> list[DesignItem]:
    return [d for d in res.designs if d.kind == "cassette"]


# --------------------------------------------------------------------------------------------
# HTML pieces


def _e(text: Any) -> str:
    return html.escape(str(text))


def _cite(bib: Bibliography, keys: Iterable[str]) -> str:
    nums = [bib.cite(k) for k in keys]
    links = ",".join(f'<a href="#ref-{n}">{n}</a>' for n in nums)
    return f"<sup>[{links}]</sup>"


def _st(bib: Bibliography, st: Statement) -> str:
    return f"{_e(st.text)} {_cite(bib, st.sources)}"


def _ul(bib: Bibliography, sts: Iterable[Statement], cls: str = "st") -> str:
    items = "".join(f"<li>{_st(bib, s)}</li>" for s in sts)
    return f'<ul class="{cls}">{items}</ul>' if items else ""


def _badge(kind: str, value: str) -> str:
    return f'<span class="badge {kind}-{_e(value)}">{_e(value.replace("_", " "))}</span>'


def _table(header: list[str], rows: list[list[str]]) -> str:
    head = "".join(f"<th>{h}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _header(run: DesignRun) -> str:
    from genetx import __version__

    req = run.request
    title = req.gene + (f" {req.variant}" if req.variant else "")
    cmd = f"genetx design {req.gene}" + (f' --variant "{req.variant}"' if req.variant else "")
    if req.genome:
        cmd += f" --genome {req.genome}"
    return (f"<h1>GeneTx design report: {_e(title)}</h1>"
            f'<div class="meta">GeneTx {_e(__version__)} &middot; {_e(run.started)} UTC '
            f"&middot; <code>{_e(cmd)}</code> &middot; {run.timings.get('total', 0):.1f} s"
            "</div>")


def _reference_box(run: DesignRun, bib: Bibliography) -> str:
    ref = run.reference
    if ref is None:
        text = ("No off-target search was possible: the gene could not be resolved"
                + (f" ({_e(run.gene_reason)})." if run.gene_reason else "."))
        return f'<div class="ref-box"><b>Reference searched for off-targets:</b> {text}</div>'
    whole = ("every sequence of the genome the user gave" if ref.whole_genome
             else "NOT a whole genome")
    return ('<div class="ref-box"><b>Reference searched for off-targets:</b> '
            f"{_e(ref.description)} <br><b>Scope:</b> {whole}; {_e(ref.annotation)}. "
            f"{_cite(bib, ['genetx:offtarget'])}</div>")


def _gene_section(run: DesignRun, bib: Bibliography) -> str:
    parts = ["<h2>Gene and variant</h2>"]
    g, tx = run.gene, run.transcript
    if g is None or tx is None:
        parts.append(f'<div class="warn"><b>No gene model for {_e(run.request.gene)}:</b> '
                     f"{_e(run.gene_reason)} {_cite(bib, ['genetx:genes'])}</div>")
    else:
        rows = [
            ["gene", f"{_e(g.gene.symbol)} ({_e(g.gene.chrom)}:{g.gene.start + 1:,}-"
                     f"{g.gene.end:,}, {_e(g.gene.strand)} strand)"],
            ["model", f"{_e(g.origin)}: {_e(g.annotation_source)}"],
            ["transcript", f"{_e(tx.id)} ({tx.exon_count} exons, CDS {tx.cds_length:,} nt, "
                           f"{tx.protein_length:,} aa); {_e(g.transcript_basis)}"],
            ["sequence", f"genome {_e(g.genome.name)} ({_e(g.genome.source)}), "
                         f"{_e(g.coverage)} coverage"],
        ]
        rows += [["note", _e(n)] for n in g.notes]
        parts.append(_table(["", ""], rows) + _cite(bib, ["genetx:genes"]))
    v = run.variant
    if run.request.variant and v is None:
        parts.append(f'<div class="warn"><b>Variant {_e(run.request.variant)} could not be '
                     f"placed:</b> {_e(run.variant_reason)} {_cite(bib, ['genetx:variants'])} "
                     "Variant-specific modalities say so below.</div>")
    elif v is not None:
        eff = v.effect
        rows = [["as given", _e(v.notation)], ["kind", _e(v.kind.replace("_", " "))],
                ["genomic", _e(v.location)]]
        if eff is not None:
            rows += [["HGVS", _e(f"{eff.transcript}:{eff.hgvs_c}")],
                     ["consequence", _e(eff.consequence)],
                     ["exons", _e(", ".join(map(str, eff.exons)) or "-")],
                     ["frame", _e(eff.frame or "-")], ["protein", _e(eff.protein or "-")]]
        parts.append("<h3>Variant</h3>" + _table(["", ""], rows)
                     + _cite(bib, ["genetx:variants"]))
    else:
        parts.append('<p class="na">No variant given: variant-specific modalities (base and '
                     "prime editing, exon skipping) are undetermined.</p>")
    tri = run.triage
    parts.append("<h3>Mechanism and target tissue</h3>")
    parts.append(_ul(bib, (*tri.mechanism.statements, *tri.tissue.statements)))
    return "".join(parts)


def _status_of(run: DesignRun, modality: str) -> ModalityResult:
    return run.result(modality)


def _ranking(run: DesignRun) -> str:
    rows = []
    for o in run.triage.options:
        res = _status_of(run, o.modality)
        rows.append([str(o.rank), f'<a href="#m-{o.modality}">{_e(o.title)}</a>',
                     _badge("v", o.verdict), _e(o.precedent_level.replace("_", " ")),
                     _badge("s", res.status), _e(res.reason)])
    return ("<h2>Ranked modalities</h2><p>Every modality GeneTx knows is listed, with the "
            "reason it fits or does not. Ranking: verdict, then catalog precedent (same gene, "
            "same tissue, same modality), then how directly the modality addresses the "
            "variant.</p>"
            + _table(["#", "modality", "verdict", "precedent", "design", "what happened"], rows))


def _figure(figs: Figures, name: str, title: str) -> str:
    if name in figs.images:
        uri, cap = figs.images[name]
        return (f'<figure><img src="{uri}" alt="{_e(title)}"><figcaption>{_e(cap)}'
                "</figcaption></figure>")
    why = figs.missing.get(name)
    if why:
        return f'<p class="na">{_e(title)}: not drawn ({_e(why)}).</p>'
    return ""


def _design_table(res: ModalityResult) -> str:
    if not res.designs:
        return ""
    keys: list[str] = []
    for d in res.designs:
        for k, v in d.properties.items():
            if k not in keys and not isinstance(v, list | dict):
                keys.append(k)
    rows = []
    for d in res.designs:
        loc = (f"{d.location[0]}:{d.location[1] + 1:,}-{d.location[2]:,} ({d.location[3]})"
               if d.location else "-")
        ot = (f"{d.offtarget.total} ({'/'.join(map(str, d.offtarget.counts))})"
              if d.offtarget else "-")
        rows.append([_e(d.id), f'<span class="seq">{_e(d.sequence or "-")}</span>', _e(loc),
                     *[_e(d.properties.get(k, "")) for k in keys], _e(ot)])
    return _table(["id", "sequence 5'-3'", "target site", *[_e(k) for k in keys],
                   "off-targets (by mismatches)"], rows)


def _dossier_html(d: Dossier, bib: Bibliography) -> str:
    parts = [f"<details><summary>Safety dossier: {_e(d.label)}</summary>"]
    if d.delivery is not None and d.delivery.basis is not None:
        parts.append(f"<p><b>Delivery assumed:</b> {_st(bib, d.delivery.basis)}</p>")
    for s in d.sections:
        cls = "" if s.applicable else ' class="na"'
        parts.append(f"<h4{cls}>{_e(s.title)}"
                     + ("" if s.applicable else " (does not apply)") + "</h4>")
        parts.append(_ul(bib, s.statements))
    parts.append("</details>")
    return "".join(parts)


def _precedents(bib: Bibliography, o: ModalityOption) -> str:
    if not o.precedents:
        return ""
    rows = [[_e(p.level.replace("_", " ")), _e(p.detail) + " " + _cite(bib, p.sources)]
            for p in o.precedents[:8]]
    more = (f'<p class="na">{len(o.precedents) - 8} more precedent(s) in the JSON.</p>'
            if len(o.precedents) > 8 else "")
    return "<h4>Approved precedents</h4>" + _table(["match", "product"], rows) + more


def _modality_section(run: DesignRun, o: ModalityOption, dossiers: dict[str, Dossier],
                      figs: Figures, bib: Bibliography) -> str:
    res = _status_of(run, o.modality)
    parts = [f'<h3 id="m-{o.modality}">{o.rank}. {_e(o.title)} {_badge("v", o.verdict)} '
             f"{_badge('s', res.status)}</h3>"]
    parts.append("<h4>Why</h4>" + _ul(bib, o.reasons))
    if o.caveats:
        parts.append("<h4>Caveats</h4>" + _ul(bib, o.caveats))
    parts.append(_precedents(bib, o))
    box = "note" if res.status == "designed" else "warn" if res.status == "failed" else "note"
    parts.append(f'<div class="{box}"><b>Design:</b> {_e(res.reason)}</div>')
    if res.notes:
        parts.append(_ul(bib, res.notes))
    parts.append(_design_table(res))
    for d in _cassette_items(res):
        parts.append(_figure(figs, f"cassette:{d.id}", f"Cassette map of {d.id}"))
    for d in res.designs:
        if d.id in dossiers:
            parts.append(_dossier_html(dossiers[d.id], bib))
    return "".join(parts)


def _references(bib: Bibliography) -> str:
    items = []
    for n, ref in bib.used():
        url = f' <a href="{_e(ref.url)}">{_e(ref.url)}</a>' if ref.url else ""
        note = f" <span class=\"na\">({_e(ref.note)})</span>" if ref.note else ""
        items.append(f'<li id="ref-{n}">{_e(ref.citation)}{url}{note} '
                     f"<code>{_e(ref.key)}</code></li>")
    return "<h2>References</h2><ol class=\"refs\">" + "".join(items) + "</ol>"


def _provenance(run: DesignRun, files: list[str]) -> str:
    rows = [[_e(k), f"{v:.2f} s"] for k, v in run.timings.items()]
    flist = "".join(f"<li><code>{_e(f)}</code></li>" for f in files)
    return ("<h2>Run</h2>" + _table(["stage", "time"], rows)
            + (f"<p>Files written with this report:</p><ul>{flist}</ul>" if flist else ""))


def render_html(run: DesignRun, dossiers: dict[str, Dossier], figures: Figures | None = None,
                *, files: list[str] | None = None) -> str:
    """The report as one HTML document (UTF-8 text).

    Parameters
    ----------
    run
        The design run.
    dossiers
        Dossiers by design id (:func:`genetx.safety.dossier.build_dossiers`).
    figures
        Figures from :func:`make_figures` (None: a note replaces them).
    files
        Names of the other files written with the report, listed at the end.

    Returns
    -------
    The HTML text; citations are numbered in ``run.bibliography`` as they appear.
    """
    bib = run.bibliography
    figs = figures or Figures({}, {k: "figures were not requested"
                                   for k in ("gene_map", "exon_frames", "offtarget",
                                             "offtarget_transcripts")})
    parts = [_header(run), _reference_box(run, bib), _gene_section(run, bib), _ranking(run),
             "<h2>Figures</h2>",
             _figure(figs, "gene_map", "Gene map"),
             _figure(figs, "exon_frames", "Exon-frame diagram"),
             _figure(figs, "offtarget", "Off-target mismatch histogram (guides)"),
             _figure(figs, "offtarget_transcripts",
                     "Off-target mismatch histogram (oligonucleotides)"),
             "<h2>Modalities, designs and safety dossiers</h2>"]
    for o in run.triage.options:
        parts.append(_modality_section(run, o, dossiers, figs, bib))
    parts.append(_references(bib))
    parts.append(_provenance(run, files or []))
    title = f"GeneTx design: {run.request.gene}" + (
        f" {run.request.variant}" if run.request.variant else "")
    return ("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{_e(title)}</title><style>{_CSS}</style></head><body><main>"
            + "".join(parts) + "</main></body></html>\n")


__all__ = ["Figures", "make_figures", "render_html"]
