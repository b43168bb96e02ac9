"""Safety dossier per design: what is known to go wrong, with every statement's source.

:func:`build_dossiers` takes a :class:`~genetx.strategy.design.DesignRun` and returns one
:class:`Dossier` per design, with these sections (a section that does not apply says why):

``off_target``
    Sites by mismatch level, the CFD aggregate (guides), hits in other genes' exons, and the
    sequence that was searched. For guides these come from the off-target profile that
    ``genetx guides`` and ``genetx skip`` report too
    (:func:`genetx.edit.ranking.profile_offtargets`, via
    :func:`genetx.strategy.design.guide_offtargets`), so the numbers agree across commands.
``immunogenicity``
    CpG content of a cassette with the cited TLR9 facts; self-complementary genomes.
``packaging``
    The packaging margin of a cassette.
``integration``
    Integration risk of the delivery vector; for genome editing, permanence and off-target
    editing.
``conditioning``
    Conditioning burden of ex vivo products (from the catalog's precedent products).
``class_risks``
    Boxed warnings and serious adverse events of approved products with the same vector and
    route (catalog); the high-dose systemic AAV pattern.
``antibodies``
    Pre-existing antibodies by AAV serotype; antibody screens of approved products with the
    same serotype (catalog).
``follow_up``
    The long-term follow-up regulators expect for the product class.

Class-level facts come from ``genetx/data/safety/class_risks.json`` (sources in its
``SOURCES.md``); product facts from the catalog. Pure: no files, no plots.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from genetx._data import read_checked_json
from genetx.strategy.evidence import Reference, Statement, computed

if TYPE_CHECKING:
    from genetx.catalog import Product
    from genetx.strategy.design import DesignItem, DesignRun, ModalityResult
    from genetx.strategy.triage import Delivery

#: Section topics in report order, with their titles.
TOPICS: dict[str, str] = {
    "off_target": "Off-target summary",
    "immunogenicity": "CpG and immunogenicity",
    "packaging": "Packaging margin",
    "integration": "Integration and genome alteration",
    "conditioning": "Conditioning burden",
    "class_risks": "Class risks and boxed warnings of approved products",
    "antibodies": "Pre-existing antibodies",
    "follow_up": "Long-term follow-up expected by regulators",
}
_EDITING = frozenset({"base_editing", "prime_editing", "exon_deletion", "knockout"})


# --------------------------------------------------------------------------------------------
# data


def validate(doc: dict[str, Any]) -> list[str]:
    """Every way a class-risk document breaks the rules (empty when sound).

    Every fact (any object with ``text``) names at least one source, and only sources of the
    top-level table; every source has a citation.
    """
    problems: list[str] = []
    table = doc.get("sources", {})
    if not table:
        return ["no sources table"]
    problems.extend(f"source {k} has no citation" for k, v in table.items()
                    if not v.get("citation"))

    def walk(node: Any, path: str) -> None:
        if isinstance(node, dict):
            if "text" in node:
                srcs = node.get("sources") or []
                if not srcs:
                    problems.append(f"{path}: fact without sources")
                problems.extend(f"{path}: unknown source {s}" for s in srcs if s not in table)
            for k, v in node.items():
                if not (path == "" and k == "sources"):
                    walk(v, f"{path}/{k}")
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(v, f"{path}[{i}]")

    walk(doc, "")
    return problems


@lru_cache(maxsize=1)
def class_risks() -> dict[str, Any]:
    """The parsed ``class_risks.json`` (cached).

    Raises
    ------
    MalformedFileError
        When the file is not valid JSON or breaks :func:`validate`.
    """
    return read_checked_json("safety", "class_risks.json", validate)


def references() -> list[Reference]:
    """The class-risk sources as ``safety:`` references."""
    out = []
    for sid, row in class_risks()["sources"].items():
        note = row.get("read_via")
        out.append(Reference(f"safety:{sid}", row["citation"], row.get("url"),
                             f"read via {note}" if note else None))
    return out


def _drule(text: str) -> Statement:
    """A statement made by the dossier's own logic."""
    return Statement(text, ("genetx:dossier",), "rule")


def _fact(row: dict[str, Any]) -> Statement:
    return Statement(row["text"], tuple(f"safety:{s}" for s in row["sources"]))


# --------------------------------------------------------------------------------------------
# results


@dataclass(frozen=True)
class DossierSection:
    """One heading of a dossier.

    Attributes
    ----------
    topic
        Key of :data:`TOPICS`.
    statements
        What is known, each with sources.
    applicable
        False when the topic does not apply to the design (the statements say why).
    """

    topic: str
    statements: tuple[Statement, ...]
    applicable: bool = True

    @property
    def title(self) -> str:
        """Heading."""
        return TOPICS[self.topic]

    def to_dict(self) -> dict[str, Any]:
        """Plain types (for JSON)."""
        return {"topic": self.topic, "title": self.title, "applicable": self.applicable,
                "statements": [s.to_dict() for s in self.statements]}


@dataclass(frozen=True)
class Dossier:
    """The safety dossier of one design."""

    design_id: str
    modality: str
    label: str
    delivery: Delivery | None
    sections: tuple[DossierSection, ...]

    def section(self, topic: str) -> DossierSection:
        """The section of ``topic``."""
        for s in self.sections:
            if s.topic == topic:
                return s
        raise KeyError(topic)

    def statements(self) -> list[Statement]:
        """Every statement of the dossier."""
        return [st for s in self.sections for st in s.statements]

    def to_dict(self) -> dict[str, Any]:
        """Plain types (for JSON)."""
        return {"design_id": self.design_id, "modality": self.modality, "label": self.label,
                "delivery": self.delivery.to_dict() if self.delivery else None,
                "sections": [s.to_dict() for s in self.sections]}


# --------------------------------------------------------------------------------------------
# sections


def _csrc(*facts: Any) -> tuple[str, ...]:
    out: list[str] = []
    for f in facts:
        out.extend(f"catalog:{s}" for s in getattr(f, "sources", ()))
    return tuple(dict.fromkeys(out))


def _na(topic: str, text: str) -> DossierSection:
    return DossierSection(topic, (_drule(text),), applicable=False)


def _off_target(item: DesignItem, run: DesignRun) -> DossierSection:
    ot = item.offtarget
    if ot is None:
        if item.kind == "cassette":
            return _na("off_target", "a gene-addition cassette has no sequence-directed "
                                     "off-target sites; its risks are expression, integration "
                                     "and immunity")
        return DossierSection("off_target", (_drule(
            "no off-target search was run for this design"),))
    module = "offtarget" if ot.engine == "genome_search" else "aso"
    levels = ", ".join(f"{n} at {m} mismatch{'es' if m != 1 else ''}"
                       for m, n in enumerate(ot.counts))
    out = [computed(f"{ot.total} off-target site(s) within {ot.max_mismatches} mismatches "
                    f"({levels}); the intended site is not counted", module)]
    if ot.engine == "genome_search":
        if run.reference is not None:
            out.append(computed(f"searched: {run.reference.description}", "offtarget"))
        if ot.cfd_specificity is not None:
            mit = (f" and MIT specificity {ot.mit_specificity:g}"
                   if ot.mit_specificity is not None else "")
            out.append(computed(
                f"CFD specificity {ot.cfd_specificity:g}{mit} (0-100, CRISPOR's aggregation "
                "over the off-targets; higher is more specific)", "offtarget"))
    else:
        out.append(computed(f"searched: {ot.searched}", module))
    within = (f" within {ot.exonic_max_mismatches} mismatches"
              if ot.exonic_max_mismatches is not None else "")
    if not ot.exons_labelled:
        out.append(computed("the hits were not labelled with genes, so hits in exons of other "
                            "genes are not known", module))
    elif ot.other_gene_exon_hits:
        out.append(computed(f"hits{within} in exons of other genes: "
                            f"{', '.join(ot.other_gene_exon_hits)}", module))
    else:
        out.append(computed(f"no hit{within} in an exon of another gene within the searched "
                            "sequence", module))
    if ot.note:
        out.append(computed(ot.note, module))
    return DossierSection("off_target", tuple(out))


def _immunogenicity(item: DesignItem) -> DossierSection:
    cas = item.cassette
    if cas is None:
        if item.kind == "aso":
            return _na("immunogenicity", "an antisense oligonucleotide carries no vector "
                                         "genome; GeneTx holds no class data on oligonucleotide "
                                         "immunogenicity")
        return _na("immunogenicity", "no vector genome is designed here; the editor's delivery "
                                     "vector decides the immune exposure")
    data = class_risks()
    out = []
    if cas.cpg_total is not None:
        where = (f"; {cas.cpg_cds} in the CDS" if cas.cpg_cds is not None else "")
        state = "codon-optimised" if cas.codon_optimized else "native (not optimised)"
        out.append(computed(f"{cas.cpg_total} CpG dinucleotides in the {cas.packaged_length:,}-nt "
                            f"cassette ({cas.cpg_per_kb} per kb{where}; {state} CDS)", "add"))
    out.extend(_fact(r) for r in data["cpg"])
    if cas.vector == "scAAV":
        out.extend(_fact(r) for r in data["self_complementary"])
    return DossierSection("immunogenicity", tuple(out))


def _packaging(item: DesignItem) -> DossierSection:
    cas = item.cassette
    if cas is None:
        return _na("packaging", "no cassette is packaged for this design")
    if cas.margin >= 0:
        text = (f"{cas.packaged_length:,} nt packaged: {cas.margin:,} nt of margin below the "
                f"{cas.vector} fine limit of {cas.fine_limit:,} nt")
    else:
        text = (f"{cas.packaged_length:,} nt packaged: {-cas.margin:,} nt over the {cas.vector} "
                f"fine limit of {cas.fine_limit:,} nt ({cas.band.replace('_', ' ')})")
    return DossierSection("packaging", (computed(f"{text}; limit: {cas.reference}", "add"),))


def _precedent_products(run: DesignRun, delivery: Delivery | None) -> list[Product]:
    cat = run.catalog
    if cat is None or delivery is None or not delivery.vector or delivery.vector == "none":
        return []
    out = []
    for p in cat.products:
        if p.vector.value != delivery.vector:
            continue
        if delivery.route and p.route.value != delivery.route:
            continue
        out.append(p)
    return out


def _integration(item: DesignItem, res: ModalityResult, run: DesignRun) -> DossierSection:
    data = class_risks()["integration"]
    d = res.option.delivery
    out: list[Statement] = []
    if res.modality in _EDITING:
        out.append(_drule("genome editing changes the genome permanently: on-target outcomes "
                        "other than the intended one and off-target edits persist in the "
                        "edited cells and their progeny"))
        cat = run.catalog
        if cat is not None:
            for p in cat.products:
                if p.modality.value == "genome_editing":
                    out.extend(Statement(f"{p.brand} label: {w.value}", _csrc(w))
                               for w in p.warnings if w.known)
    if item.kind == "aso":
        return _na("integration", "an antisense oligonucleotide neither integrates nor edits "
                                  "the genome; it acts on pre-mRNA while present")
    vec = d.vector if d is not None else None
    if vec in data:
        out.append(_fact(data[vec]))
        for p in _precedent_products(run, d):
            bw = p.boxed_warning.value
            if data[vec]["integrating"] and bw is not None and bw.present:
                out.append(Statement(f"{p.brand} boxed warning: {bw.text}",
                                     _csrc(p.boxed_warning)))
            if data[vec]["integrating"]:
                out.extend(Statement(f"{p.brand}: {w.value}", _csrc(w))
                           for w in (*p.serious_adverse_events, *p.warnings)
                           if w.known and any(k in str(w.value).lower() for k in
                                              ("malignan", "leuk", "insertion", "integrat",
                                               "myelodysplastic")))
    elif not out:
        out.append(_drule("the delivery vector is not chosen, so its integration risk is open"))
    return DossierSection("integration", tuple(out))


def _conditioning(res: ModalityResult, run: DesignRun) -> DossierSection:
    d = res.option.delivery
    if d is None or not d.ex_vivo:
        return _na("conditioning", "an in vivo product needs no conditioning chemotherapy")
    out = []
    cat = run.catalog
    if cat is not None:
        for p in cat.products:
            if p.route.value == "ex_vivo_hsc" and p.conditioning.known:
                out.append(Statement(f"{p.brand}: {p.conditioning.value}",
                                     _csrc(p.conditioning)))
    if not out:
        out.append(_drule("no catalog product states its conditioning regimen"))
    return DossierSection("conditioning", tuple(out))


def _class_risks(res: ModalityResult, run: DesignRun) -> DossierSection:
    d = res.option.delivery
    out: list[Statement] = []
    if d is None or not d.vector or d.vector == "none":
        if res.modality == "exon_skipping":
            return DossierSection("class_risks", (_drule(
                "no approved-therapy catalog entry shares this delivery: the approved "
                "exon-skipping drugs are oligonucleotides outside the gene-therapy catalog, "
                "and GeneTx holds no class-risk data for them"),), applicable=False)
        return DossierSection("class_risks", (_drule(
            "the delivery vector and route are not chosen (no catalog precedent), so no class "
            "of approved products applies"),), applicable=False)
    products = _precedent_products(run, d)
    route = d.route.replace("_", " ") if d.route else "any route"
    if not products:
        out.append(_drule(f"no approved product with {d.vector} by {route} in the catalog"))
    for p in products:
        bw = p.boxed_warning.value
        if bw is not None and bw.present:
            out.append(Statement(f"{p.brand} ({d.vector}, {route}) boxed warning: {bw.text}",
                                 _csrc(p.boxed_warning)))
        elif bw is not None:
            out.append(Statement(f"{p.brand}: no boxed warning in the US label",
                                 _csrc(p.boxed_warning)))
        out.extend(Statement(f"{p.brand} serious adverse event: {e.value}", _csrc(e))
                   for e in p.serious_adverse_events if e.known)
        if p.flags:
            out.append(Statement(f"{p.brand} status: {', '.join(p.flags)}",
                                 tuple(f"catalog:{s}" for ev in p.status_history
                                       for s in ev.sources) or ("genetx:dossier",)))
    if d.vector == "AAV" and d.route == "intravenous":
        out.extend(_fact(r) for r in class_risks()["systemic_high_dose_aav"])
    return DossierSection("class_risks", tuple(out))


def _antibodies(res: ModalityResult, run: DesignRun) -> DossierSection:
    d = res.option.delivery
    if d is None or d.vector != "AAV":
        return _na("antibodies", "no AAV capsid is delivered, so pre-existing anti-capsid "
                                 "antibodies do not apply")
    data = class_risks()
    out: list[Statement] = []
    sero = d.serotype
    if not sero:
        out.append(_drule("the serotype is not chosen: seroprevalence differs by capsid"))
    else:
        rows = data["serotypes"].get(sero)
        if rows is None:
            key = next((k for k in data["serotypes"] if k.lower() == sero.lower()), None)
            rows = data["serotypes"].get(key) if key else None
        if rows:
            out.extend(_fact(r) for r in rows)
        else:
            out.append(_drule(f"GeneTx holds no seroprevalence study for {sero}"))
        cat = run.catalog
        if cat is not None:
            for p in cat.products:
                if p.serotype.value and p.serotype.value.lower() == sero.lower():
                    out.extend(Statement(f"{p.brand} eligibility: {e.value}", _csrc(e))
                               for e in p.eligibility if e.known)
    out.extend(_fact(r) for r in data["antibody_general"])
    return DossierSection("antibodies", tuple(out))


def _follow_up(res: ModalityResult) -> DossierSection:
    rows = class_risks()["long_term_follow_up"]
    d = res.option.delivery
    vec = d.vector if d is not None else None
    out: list[Statement] = []
    chosen = []
    if res.modality in _EDITING:
        chosen.append(next(r for r in rows if r["class"] == "genome_editing"))
    for r in rows:
        if vec and vec in r["vectors"] and r not in chosen:
            chosen.append(r)
    for r in chosen:
        st = _fact(r)
        if r.get("years"):
            st = Statement(f"{st.text} (expected: {r['years']} years)", st.sources)
        out.append(st)
        if r.get("unverified"):
            out.append(Statement(f"not verified: {r['unverified']}",
                                 tuple(f"safety:{s}" for s in r["sources"])))
    if not out:
        if res.modality == "exon_skipping":
            return _na("follow_up", "the long-term follow-up classes GeneTx holds (integrating "
                                    "vectors, genome editing, AAV, latent vectors) do not "
                                    "cover an antisense oligonucleotide given as a drug")
        return _na("follow_up", "the delivery vector is not chosen, so no follow-up class is "
                                "known")
    return DossierSection("follow_up", tuple(out))


def build_dossier(item: DesignItem, res: ModalityResult, run: DesignRun) -> Dossier:
    """The dossier of one design.

    Parameters
    ----------
    item
        The design.
    res
        Its modality result (for the delivery and modality).
    run
        The whole run (reference searched, catalog).

    Returns
    -------
    The :class:`Dossier`, one section per :data:`TOPICS` key.
    """
    sections = (
        _off_target(item, run), _immunogenicity(item), _packaging(item),
        _integration(item, res, run), _conditioning(res, run), _class_risks(res, run),
        _antibodies(res, run), _follow_up(res),
    )
    return Dossier(item.id, res.modality, item.label, res.option.delivery, sections)


def build_dossiers(run: DesignRun) -> dict[str, Dossier]:
    """One dossier per design of the run, in report order (keyed by design id).

    Also registers the class-risk sources in ``run.bibliography``.
    """
    for ref in references():
        run.bibliography.add(ref)
    out: dict[str, Dossier] = {}
    for res in run.results:
        for item in res.designs:
            out[item.id] = build_dossier(item, res, run)
    return out


__all__ = ["TOPICS", "Dossier", "DossierSection", "build_dossier", "build_dossiers",
           "class_risks", "references", "validate"]
