"""Strategy triage: which kinds of gene therapy fit a gene and a patient's variant, and why.

:func:`triage` is pure: it takes the facts :mod:`genetx.strategy.design` gathered from the
capabilities (:class:`TriageInput`: the gene model, the mapped variant, the frame-restoration
plan, the packaging fit of the CDS), the cited mechanism and tissue
(:mod:`genetx.strategy.knowledge`) and the catalog of approved products, and returns every
modality with a verdict, its reasons, its caveats and the catalog precedents, ranked. A modality
that does not fit is kept with the reason it does not: the report never drops a section.

Verdicts: ``recommended`` (fits, nothing known against it), ``possible`` (fits with a caveat
that decides feasibility), ``undetermined`` (a fact needed to decide is missing: mechanism,
variant) and ``not_applicable`` (a stated reason rules it out).

Rules (each reason in the output cites the data it rests on, or this list as ``genetx:triage``):

T1 Gene addition (in vivo AAV) needs loss of function; it does not remove a harmful product,
   so gain of function and dominant negative rule it out. A hematopoietic target goes to T2.
   The CDS must fit the AAV fine band (packaging limits of :mod:`genetx.add`); when it does not,
   a buildable published shortened version that fits keeps it ``recommended``, a shortened
   version that GeneTx cannot build (micro-dystrophin) makes it ``possible`` with that caveat,
   and with neither it is ``possible`` only through a dual-vector design the designer checks.
T2 Ex vivo HSC gene addition (lentiviral) fits loss of function with a hematopoietic target, or
   a gene whose approved products are ex vivo HSC therapies; the CDS must fit the lentiviral
   fine band.
T3 Exon skipping needs a variant the skip planner reads (exon deletions/duplications, nonsense
   or frameshift in a coding exon) and a frame-restoring skip (``restorable``); mechanism loss of
   function or unknown.
T4 Exon deletion by a guide pair gives the same transcript as T3 and follows its verdict, one
   step lower (``possible``): it edits the genome with two double-strand breaks.
T5 Base editing reverts a single-nucleotide transition (purine to purine, pyrimidine to
   pyrimidine): adenine base editor when the patient base is A or T, cytosine base editor when
   it is C or G. Transversions and larger changes go to T6.
T6 Prime editing reverts substitutions and small insertions/deletions inside the gene
   (``possible``); exon-level changes are out of its scope.
T7 Silencing (RNAi/antisense knockdown) fits gain of function or dominant negative; allele-
   specific when the variant is known. Loss of function rules it out.
T8 Knockout of the harmful allele by a nuclease fits gain of function or dominant negative
   (``possible``; allele-specific guides are needed for a heterozygous patient).

Ranking: verdict, then catalog precedent (same gene and modality; same tissue and modality;
same modality; none), then how directly the modality addresses the patient's variant (the
order of :data:`MODALITIES`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from genetx.strategy.evidence import Statement, computed, rule
from genetx.strategy.knowledge import MechanismCall, TissueCall, fact

if TYPE_CHECKING:
    from genetx.catalog import Catalog, Product
    from genetx.genome.variants import Variant
    from genetx.skip.strategies import SkipPlan

#: Modalities in order of how directly they address the patient's variant (the last ranking key).
MODALITIES: tuple[str, ...] = ("base_editing", "exon_skipping", "prime_editing", "silencing",
                               "gene_addition", "ex_vivo_hsc", "exon_deletion", "knockout")
TITLES: dict[str, str] = {
    "base_editing": "Base editing (correct the variant)",
    "exon_skipping": "Exon skipping (antisense oligonucleotides)",
    "prime_editing": "Prime editing (correct the variant)",
    "silencing": "Silencing (RNAi / antisense knockdown)",
    "gene_addition": "Gene addition (AAV, in vivo)",
    "ex_vivo_hsc": "Ex vivo HSC gene addition (lentiviral)",
    "exon_deletion": "Exon deletion (CRISPR guide pair)",
    "knockout": "Knockout of the harmful allele (CRISPR nuclease)",
}
VERDICTS: tuple[str, ...] = ("recommended", "possible", "undetermined", "not_applicable")
PRECEDENT_LEVELS: tuple[str, ...] = ("same_gene", "same_tissue", "same_modality", "none")

#: Catalog modality and vectors that count as precedent for each GeneTx modality.
_CATALOG_MODALITY: dict[str, tuple[str, tuple[str, ...]]] = {
    "gene_addition": ("gene_addition", ("AAV",)),
    "ex_vivo_hsc": ("ex_vivo_gene_addition", ("LV", "gammaretrovirus")),
    "base_editing": ("genome_editing", ()),
    "prime_editing": ("genome_editing", ()),
    "exon_deletion": ("genome_editing", ()),
    "knockout": ("genome_editing", ()),
}
_PURINES = frozenset("AG")


# --------------------------------------------------------------------------------------------
# inputs


@dataclass(frozen=True)
class FitFact:
    """Whether a CDS fits a vector (from :mod:`genetx.add`), for the triage."""

    vector: str
    cds_length: int
    packaged_length: int
    fine_limit: int
    band: str
    reference: str
    promoter: str = ""
    label: str = "full-length CDS"

    @property
    def fits(self) -> bool:
        """True in the vector's fine band."""
        return self.band == "fine"

    def text(self) -> str:
        """One sentence with the numbers."""
        verdict = "fits" if self.fits else "does not fit"
        return (f"the {self.label} ({self.cds_length:,} nt) {verdict} {self.vector}: about "
                f"{self.packaged_length:,} nt packaged with {self.promoter or 'the shortest'} "
                f"promoter, fine band up to {self.fine_limit:,} nt "
                f"({self.band.replace('_', ' ')}; {self.reference})")

    def to_dict(self) -> dict[str, Any]:
        """Plain types (for JSON)."""
        return {"vector": self.vector, "cds_length": self.cds_length,
                "packaged_length": self.packaged_length, "fine_limit": self.fine_limit,
                "band": self.band, "fits": self.fits, "reference": self.reference,
                "promoter": self.promoter, "label": self.label}


@dataclass(frozen=True)
class ShortenedFact:
    """A published shortened version of the gene's protein (from :mod:`genetx.add.oversize`)."""

    name: str
    buildable: bool
    reference: str
    note: str
    fit: FitFact | None = None


@dataclass(frozen=True)
class TriageInput:
    """What the triage decides from (assembled by :func:`genetx.strategy.design.gather`).

    Attributes
    ----------
    gene
        Gene symbol as asked.
    gene_reason
        Why no gene model is available ("" when there is one).
    transcript, exon_count, cds_length
        Facts of the chosen transcript (None without a model).
    variant_text
        The variant as given ("" when none).
    variant
        The mapped variant, or None.
    variant_reason
        Why the variant could not be placed ("" when it was, or when none was given).
    mechanism, tissue
        From :mod:`genetx.strategy.knowledge`.
    skip_plan, skip_reason
        The frame-restoration plan for the variant, or why there is none.
    aav_fit, lv_fit, fit_reason
        Packaging fit of the CDS in ssAAV and LV, or why it was not computed.
    shortened
        Published shortened versions of the gene's protein.
    """

    gene: str
    gene_reason: str = ""
    transcript: str | None = None
    exon_count: int | None = None
    cds_length: int | None = None
    variant_text: str = ""
    variant: Variant | None = None
    variant_reason: str = ""
    mechanism: MechanismCall | None = None
    tissue: TissueCall | None = None
    skip_plan: SkipPlan | None = None
    skip_reason: str = ""
    aav_fit: FitFact | None = None
    lv_fit: FitFact | None = None
    fit_reason: str = ""
    shortened: tuple[ShortenedFact, ...] = ()


# --------------------------------------------------------------------------------------------
# outputs


@dataclass(frozen=True)
class Precedent:
    """An approved product that supports a modality (catalog or cited exon-skipping drugs).

    Attributes
    ----------
    product_id, brand
        Catalog id (or drug name) and brand.
    level
        ``same_gene``, ``same_tissue`` or ``same_modality``.
    detail
        One line: gene, vector/serotype, route, tissue, status.
    sources
        Namespaced source keys.
    vector, serotype, route, tissue
        Delivery facts of the product (None when unknown).
    """

    product_id: str
    brand: str
    level: str
    detail: str
    sources: tuple[str, ...]
    vector: str | None = None
    serotype: str | None = None
    route: str | None = None
    tissue: str | None = None

    def statement(self) -> Statement:
        """The precedent as a cited statement."""
        word = {"same_gene": "same gene", "same_tissue": "same tissue",
                "same_modality": "same modality"}[self.level]
        return Statement(f"precedent ({word}): {self.detail}", self.sources)

    def to_dict(self) -> dict[str, Any]:
        """Plain types (for JSON)."""
        return {"product_id": self.product_id, "brand": self.brand, "level": self.level,
                "detail": self.detail, "sources": list(self.sources), "vector": self.vector,
                "serotype": self.serotype, "route": self.route, "tissue": self.tissue}


@dataclass(frozen=True)
class Delivery:
    """How a design would be delivered (from precedent), or why that is open.

    Attributes
    ----------
    vector
        ``AAV``, ``LV``, ``gammaretrovirus``, ``none`` (oligonucleotide or ex vivo editing) or
        None when open.
    serotype, route
        From the precedent, when there is one.
    ex_vivo
        True for ex vivo cell therapies.
    basis
        Why (cited or rule statement).
    """

    vector: str | None
    serotype: str | None = None
    route: str | None = None
    ex_vivo: bool = False
    basis: Statement | None = None

    def to_dict(self) -> dict[str, Any]:
        """Plain types (for JSON)."""
        return {"vector": self.vector, "serotype": self.serotype, "route": self.route,
                "ex_vivo": self.ex_vivo,
                "basis": self.basis.to_dict() if self.basis else None}


@dataclass(frozen=True)
class ModalityOption:
    """One modality with its verdict and everything that led to it."""

    modality: str
    verdict: str
    reasons: tuple[Statement, ...]
    caveats: tuple[Statement, ...] = ()
    precedents: tuple[Precedent, ...] = ()
    delivery: Delivery | None = None
    rank: int = 0
    rank_basis: str = ""

    @property
    def title(self) -> str:
        """Human title."""
        return TITLES[self.modality]

    @property
    def fits(self) -> bool:
        """True for ``recommended`` and ``possible``."""
        return self.verdict in ("recommended", "possible")

    @property
    def precedent_level(self) -> str:
        """Strongest precedent level (``none`` without precedent)."""
        levels = [p.level for p in self.precedents]
        return next((lv for lv in PRECEDENT_LEVELS if lv in levels), "none")

    def to_dict(self) -> dict[str, Any]:
        """Plain types (for JSON)."""
        return {"modality": self.modality, "title": self.title, "verdict": self.verdict,
                "rank": self.rank, "rank_basis": self.rank_basis,
                "reasons": [s.to_dict() for s in self.reasons],
                "caveats": [s.to_dict() for s in self.caveats],
                "precedents": [p.to_dict() for p in self.precedents],
                "delivery": self.delivery.to_dict() if self.delivery else None}


@dataclass(frozen=True)
class Triage:
    """Every modality, ranked, with the gene-level context."""

    gene: str
    options: tuple[ModalityOption, ...]
    mechanism: MechanismCall
    tissue: TissueCall
    context: tuple[Statement, ...] = field(default=())

    def option(self, modality: str) -> ModalityOption:
        """The option of ``modality``."""
        for o in self.options:
            if o.modality == modality:
                return o
        raise KeyError(modality)

    def fitting(self) -> tuple[ModalityOption, ...]:
        """Options that fit (recommended or possible), in rank order."""
        return tuple(o for o in self.options if o.fits)

    def to_dict(self) -> dict[str, Any]:
        """Plain types (for JSON)."""
        return {"gene": self.gene, "mechanism": self.mechanism.to_dict(),
                "tissue": self.tissue.to_dict(),
                "context": [s.to_dict() for s in self.context],
                "options": [o.to_dict() for o in self.options]}


# --------------------------------------------------------------------------------------------
# precedent


def _csrc(*facts: Any) -> tuple[str, ...]:
    out: list[str] = []
    for f in facts:
        out.extend(f"catalog:{s}" for s in getattr(f, "sources", ()))
    return tuple(dict.fromkeys(out))


def _product_line(p: Product) -> str:
    bits = [f"{p.brand} ({p.generic_name})"]
    genes = ",".join(p.gene_symbols) or "no human gene"
    what = [p.modality.value or "?", genes]
    if p.vector.value and p.vector.value != "none":
        what.append(p.vector.value + (f" {p.serotype.value}" if p.serotype.value else ""))
    if p.route.value:
        what.append(p.route.value.replace("_", " "))
    if p.target_tissue.value:
        what.append(p.target_tissue.value)
    bits.append(": " + ", ".join(w.replace("_", " ") for w in what))
    first = p.first_approval
    if first is not None:
        bits.append(f"; first approval {first.agency} {first.date}")
    if p.flags:
        bits.append(f"; {', '.join(p.flags)}")
    return "".join(bits)


def catalog_precedents(catalog: Catalog | None, gene: str, tissue: str | None,
                       modality: str) -> tuple[Precedent, ...]:
    """Approved products that support ``modality`` for ``gene`` / ``tissue``, strongest first.

    Parameters
    ----------
    catalog
        The loaded catalog (None gives no precedent).
    gene
        Gene symbol.
    tissue
        Target tissue (None: no tissue match).
    modality
        A GeneTx modality (:data:`MODALITIES`).

    Returns
    -------
    Precedents: same gene and catalog modality, then same tissue, then (genome editing only) any
    product of the modality.
    """
    if catalog is None or modality not in _CATALOG_MODALITY:
        return ()
    cat_mod, vectors = _CATALOG_MODALITY[modality]
    out: list[Precedent] = []
    seen: set[str] = set()
    for p in catalog.products:
        if p.modality.value != cat_mod or (vectors and p.vector.value not in vectors):
            continue
        if modality == "gene_addition" and p.route.value == "ex_vivo_hsc":
            continue
        same_gene = gene.upper() in {g.upper() for g in p.gene_symbols}
        same_tissue = tissue is not None and p.target_tissue.value == tissue
        level = ("same_gene" if same_gene else "same_tissue" if same_tissue else
                 "same_modality" if cat_mod == "genome_editing" else None)
        if level is None or p.id in seen:
            continue
        seen.add(p.id)
        out.append(Precedent(
            p.id, p.brand, level, _product_line(p),
            _csrc(p.modality, p.vector, p.serotype, p.route, p.target_tissue, p.genes,
                  *p.approvals),
            p.vector.value, p.serotype.value, p.route.value, p.target_tissue.value))
    order = {lv: i for i, lv in enumerate(PRECEDENT_LEVELS)}
    return tuple(sorted(out, key=lambda x: order[x.level]))


def _delivery_from(precedents: tuple[Precedent, ...], *, ex_vivo: bool = False,
                   fallback: str | None = None) -> Delivery:
    for p in precedents:
        if p.vector:
            return Delivery(p.vector, p.serotype, p.route, ex_vivo, Statement(
                f"delivery as {p.brand}: {p.vector}"
                + (f" {p.serotype}" if p.serotype else "")
                + (f", {p.route.replace('_', ' ')}" if p.route else ""), p.sources))
    return Delivery(fallback, None, None, ex_vivo, rule(
        "no catalog precedent for this gene or tissue: vector, serotype and route are left "
        "open"))


# --------------------------------------------------------------------------------------------
# the rules


def _mech(inp: TriageInput) -> MechanismCall:
    assert inp.mechanism is not None
    return inp.mechanism


def _tissue(inp: TriageInput) -> str | None:
    return inp.tissue.tissue if inp.tissue is not None else None


def _lof(inp: TriageInput) -> bool | None:
    """True: loss of function applies; False: only GoF/DN; None: unknown."""
    m = _mech(inp)
    if not m.known:
        return None
    return "loss_of_function" in m.mechanisms


def _harmful(inp: TriageInput) -> bool | None:
    m = _mech(inp)
    if not m.known:
        return None
    return bool({"gain_of_function", "dominant_negative"} & set(m.mechanisms))


def _no_model(inp: TriageInput, modality: str, catalog: Catalog | None) -> ModalityOption:
    prec = catalog_precedents(catalog, inp.gene, _tissue(inp), modality)
    return ModalityOption(modality, "undetermined", (Statement(
        f"no gene model for {inp.gene}: {inp.gene_reason}", ("genetx:genes",), "computed"),),
        precedents=prec)


def _gene_addition(inp: TriageInput, catalog: Catalog | None) -> ModalityOption:
    mod = "gene_addition"
    tissue = _tissue(inp)
    prec = catalog_precedents(catalog, inp.gene, tissue, mod)
    reasons: list[Statement] = []
    caveats: list[Statement] = []
    lof = _lof(inp)
    if lof is False:
        return ModalityOption(mod, "not_applicable", (rule(
            f"{inp.gene} acts by {', '.join(m.replace('_', ' ') for m in _mech(inp).mechanisms)}"
            ": adding a working copy does not remove the harmful product"),), precedents=prec)
    if tissue == "hematopoietic":
        heme = _heme_products(catalog)
        return ModalityOption(mod, "not_applicable", (Statement(
            "the target tissue is hematopoietic: the approved products for blood-forming-cell "
            f"diseases ({', '.join(p.brand for p in heme)}) modify stem cells ex vivo, so this "
            "goes to ex vivo HSC gene addition", _csrc(*(p.route for p in heme))
            or ("genetx:triage",)),), precedents=prec)
    if inp.gene_reason:
        return _no_model(inp, mod, catalog)
    if inp.aav_fit is None:
        return ModalityOption(mod, "undetermined", (rule(
            f"the packaging fit was not computed: {inp.fit_reason or 'no coding sequence'}"),),
            precedents=prec, delivery=_delivery_from(prec, fallback="AAV"))
    verdict = "recommended"
    if lof is None:
        verdict = "possible"
        caveats.append(rule("the mechanism is unknown: gene addition helps only if the disease "
                            "is loss of function"))
    else:
        reasons.append(rule("loss of function: a working copy of the gene restores the missing "
                            "function whatever the patient's variant"))
    fit = inp.aav_fit
    reasons.append(computed(fit.text(), "add"))
    if not fit.fits:
        fitting_short = [s for s in inp.shortened if s.buildable and s.fit and s.fit.fits]
        built_big = [s for s in inp.shortened if s.buildable and s.fit and not s.fit.fits]
        unbuilt = [s for s in inp.shortened if not s.buildable]
        if fitting_short:
            s = fitting_short[0]
            reasons.append(computed(f"published shortened version {s.name} ({s.reference}): "
                                    f"{s.fit.text() if s.fit else ''}", "add"))
            caveats.append(computed(f"the design uses {s.name}, not the full-length protein",
                                    "add"))
        elif built_big:
            verdict = "possible"
            s = built_big[0]
            reasons.append(computed(f"published shortened version {s.name} ({s.reference}): "
                                    f"{s.fit.text() if s.fit else ''}", "add"))
            caveats.append(computed(
                f"even {s.name} leaves the cassette above the fine band: fewer full-length "
                "genomes are packaged; the design uses it and reports the margin", "add"))
        elif unbuilt:
            verdict = "possible"
            for s in unbuilt:
                caveats.append(computed(
                    f"micro-gene caveat: only a shortened protein fits one AAV; {s.name} "
                    f"({s.reference}) is the route taken, but {s.note}", "add"))
            same = [p for p in prec if p.level == "same_gene"]
            if catalog is not None:
                for p in same:
                    prod = catalog.get(p.product_id)
                    if prod.transgene.known:
                        caveats.append(Statement(
                            f"{prod.brand} delivers a shortened transgene: {prod.transgene.value}",
                            _csrc(prod.transgene)))
        else:
            verdict = "possible"
            caveats.append(rule("the CDS fits one AAV only as two halves: the designer checks "
                                "whether a split-intein dual-AAV design keeps both halves in "
                                "the packaging limit"))
    if lof and _harmful(inp):
        caveats.append(rule("the mechanism depends on the variant class: gene addition helps "
                            "only loss-of-function (null) variants"))
    if _mech(inp).dosage_sensitive and _mech(inp).dosage_statement is not None:
        caveats.append(_mech(inp).dosage_statement)  # type: ignore[arg-type]
    if tissue is None:
        caveats.append(rule("target tissue unknown: promoter, capsid and route are open"))
    return ModalityOption(mod, verdict, tuple(reasons), tuple(caveats), prec,
                          _delivery_from(prec, fallback="AAV"))


def _heme_products(catalog: Catalog | None) -> list[Product]:
    if catalog is None:
        return []
    return [p for p in catalog.products if p.target_tissue.value == "hematopoietic"]


def _ex_vivo(inp: TriageInput, catalog: Catalog | None) -> ModalityOption:
    mod = "ex_vivo_hsc"
    tissue = _tissue(inp)
    prec = catalog_precedents(catalog, inp.gene, tissue, mod)
    same_gene = [p for p in prec if p.level == "same_gene"]
    lof = _lof(inp)
    if lof is False:
        return ModalityOption(mod, "not_applicable", (rule(
            "gain of function or dominant negative: an added copy in stem cells does not remove "
            "the harmful product"),), precedents=prec)
    if tissue is None and not same_gene:
        return ModalityOption(mod, "undetermined", (rule(
            "the target tissue is unknown: ex vivo stem-cell therapy fits blood-forming-cell "
            "diseases (give --tissue)"),), precedents=prec)
    if tissue != "hematopoietic" and not same_gene:
        return ModalityOption(mod, "not_applicable", (rule(
            f"the target tissue is {tissue or 'unknown'}, not blood-forming, and no approved ex "
            f"vivo stem-cell product treats {inp.gene}"),), precedents=prec)
    reasons: list[Statement] = []
    if same_gene:
        reasons.append(same_gene[0].statement())
    else:
        reasons.append(rule("hematopoietic target: autologous stem cells corrected ex vivo "
                            "repopulate the blood-forming system"))
    if inp.gene_reason:
        return ModalityOption(mod, "undetermined", (*reasons, Statement(
            f"no gene model for {inp.gene}: {inp.gene_reason}", ("genetx:genes",),
            "computed")), precedents=prec)
    verdict = "recommended" if lof else "possible"
    caveats: list[Statement] = []
    if inp.lv_fit is not None:
        reasons.append(computed(inp.lv_fit.text(), "add"))
        if not inp.lv_fit.fits:
            verdict = "possible"
            caveats.append(computed("the lentiviral genome exceeds the fine band: titres fall "
                                    "with length", "add"))
    caveats.append(rule("ex vivo HSC therapy needs conditioning chemotherapy and an integrating "
                        "vector: see the safety dossier"))
    lv = [p for p in prec if p.vector == "LV"]
    basis = (Statement(f"GeneTx designs a lentiviral cassette for autologous CD34+ cells, as "
                       f"{', '.join(p.brand for p in lv[:3])}", lv[0].sources) if lv else
             rule("GeneTx designs a lentiviral cassette for autologous CD34+ cells"))
    delivery = Delivery("LV", None, "ex_vivo_hsc", ex_vivo=True, basis=basis)
    return ModalityOption(mod, verdict, tuple(reasons), tuple(caveats), prec, delivery)


def _exon_skipping(inp: TriageInput) -> ModalityOption:
    mod = "exon_skipping"
    if _harmful(inp) and not _lof(inp):
        return ModalityOption(mod, "not_applicable", (rule(
            "gain of function or dominant negative: restoring the reading frame does not remove "
            "the harmful product"),))
    gate = _variant_gate(inp, mod)
    if gate is not None:
        return gate
    plan = inp.skip_plan
    if plan is None:
        return ModalityOption(mod, "not_applicable", (computed(
            f"no frame-restoring skip: {inp.skip_reason or 'the variant is not one the skip '}"
            "planner reads", "skip"),))
    status = computed(f"patient transcript: {plan.reason}", "skip")
    if plan.status != "restorable":
        return ModalityOption(mod, "not_applicable", (computed(
            f"{plan.status.replace('_', ' ')}: {plan.reason}", "skip"),))
    reasons = [status]
    best = plan.strategies[0]
    lost = ", ".join(str(x) for x in best.exons_lost)
    skipped = (f"{best.skip[0]}-{best.skip[-1]}" if len(best.skip) > 1 else str(best.skip[0]))
    reasons.append(computed(
        f"skipping exon(s) {skipped} restores the frame ({len(plan.strategies)} "
        f"frame-restoring skip(s) found; best: exons {lost} absent, "
        f"{best.protein_length:,} aa)", "skip"))
    prec: list[Precedent] = []
    for d in plan.drugs:
        srcs = tuple(f"skip:{s}" for a in d.get("approvals", []) for s in a.get("sources", []))
        approval = d["approvals"][0] if d.get("approvals") else {}
        prec.append(Precedent(
            d["name"], d.get("brand", d["name"]), "same_gene",
            f"{d['name']} ({d.get('brand', '')}) skips exon {d.get('skips_exon')}; "
            f"{approval.get('agency', '')} {approval.get('date', '')} "
            f"({approval.get('pathway', '')})".strip(),
            srcs or ("genetx:skip",), "none", None, "intravenous", None))
    caveats = [computed("the skipped transcript makes an internally shortened protein (exons "
                        f"{lost} absent), not the full-length one", "skip")]
    for c in best.cautions:
        caveats.append(Statement(c.text, tuple(f"skip:{s}" for s in c.sources)))
    if _lof(inp) is None:
        caveats.append(rule("mechanism unknown: frame restoration helps a loss-of-function "
                            "disease"))
    delivery = Delivery("none", None, None, ex_vivo=False, basis=rule(
        "antisense oligonucleotides are given as drugs, without a vector"))
    return ModalityOption(mod, "recommended", tuple(reasons), tuple(caveats), tuple(prec),
                          delivery)


def _variant_gate(inp: TriageInput, mod: str) -> ModalityOption | None:
    """Not applicable / undetermined when a variant-specific modality has no placed variant."""
    if inp.gene_reason:
        return ModalityOption(mod, "undetermined", (Statement(
            f"no gene model for {inp.gene}: {inp.gene_reason}", ("genetx:genes",),
            "computed"),))
    if not inp.variant_text:
        return ModalityOption(mod, "undetermined", (rule(
            "needs the patient's variant (give --variant)"),))
    if inp.variant is None:
        return ModalityOption(mod, "undetermined", (computed(
            f"the variant {inp.variant_text!r} could not be placed: {inp.variant_reason}",
            "variants"),))
    return None


def _exon_deletion(inp: TriageInput, skip: ModalityOption,
                   catalog: Catalog | None) -> ModalityOption:
    mod = "exon_deletion"
    prec = catalog_precedents(catalog, inp.gene, _tissue(inp), mod)
    if skip.verdict != "recommended":
        return ModalityOption(mod, skip.verdict, (rule(
            "follows exon skipping: deleting the exons the skip would remove gives the same "
            "transcript"), *skip.reasons), precedents=prec)
    reasons = (rule("deleting the skipped exons from the genome with a guide pair in the "
                    "flanking introns gives the same transcript as exon skipping, once"),
               *skip.reasons[1:])
    caveats = (rule("two double-strand breaks: deletions, inversions and other repair outcomes "
                    "occur besides the intended deletion"), *skip.caveats[:1])
    return ModalityOption(mod, "possible", reasons, caveats, prec,
                          _delivery_from(_tissue_only(prec), fallback=None))


def _tissue_only(prec: tuple[Precedent, ...]) -> tuple[Precedent, ...]:
    return tuple(p for p in prec if p.level in ("same_gene", "same_tissue"))


def _snv(v: Variant) -> tuple[str, str] | None:
    if v.kind == "substitution" and v.ref and v.alt and len(v.ref) == 1 and len(v.alt) == 1:
        return v.ref.upper(), v.alt.upper()
    return None


def _base_editing(inp: TriageInput, catalog: Catalog | None) -> ModalityOption:
    mod = "base_editing"
    gate = _variant_gate(inp, mod)
    prec = catalog_precedents(catalog, inp.gene, _tissue(inp), mod)
    if gate is not None:
        return ModalityOption(mod, gate.verdict, gate.reasons, precedents=prec)
    v = inp.variant
    assert v is not None
    sub = _snv(v)
    if sub is None:
        kind = v.kind.replace("_", " ")
        article = "an" if kind[0] in "aeiou" else "a"
        return ModalityOption(mod, "not_applicable", (computed(
            f"the variant is {article} {kind}, not a single-nucleotide substitution",
            "variants"), fact("base_editing_transitions")), precedents=prec)
    ref, alt = sub
    transition = (ref in _PURINES) == (alt in _PURINES)
    if not transition:
        return ModalityOption(mod, "not_applicable", (computed(
            f"{ref}>{alt} (plus strand) is a transversion; base editors install transitions "
            "only", "variants"), fact("base_editing_transitions")), precedents=prec)
    editor = "adenine base editor (ABE)" if alt in "AT" else "cytosine base editor (CBE)"
    strand = "plus" if alt in "AC" else "minus"
    target = {"A": "A", "T": "A", "C": "C", "G": "C"}[alt]
    hgvs = f"{v.effect.hgvs_c}, " if v.effect is not None else ""
    reasons = (computed(f"{hgvs}{ref}>{alt} on the plus strand, is a transition: reverting "
                        f"it means converting the patient's {target} on the {strand} "
                        f"strand, the job of an {editor}", "variants"),
               fact("base_editing_transitions"))
    caveats = [fact("base_editing_window"),
               rule("the designer checks that a PAM places the base in the editing window and "
                    "lists bystander bases")]
    if not any(p.level != "same_modality" for p in prec):
        caveats.append(rule("no approved base-editing product in the catalog; the approved "
                            "genome-editing product edits cells ex vivo"))
    return ModalityOption(mod, "recommended", reasons, tuple(caveats), prec,
                          _delivery_from(_tissue_only(prec), fallback=None))


def _prime_editing(inp: TriageInput, catalog: Catalog | None) -> ModalityOption:
    mod = "prime_editing"
    gate = _variant_gate(inp, mod)
    prec = catalog_precedents(catalog, inp.gene, _tissue(inp), mod)
    if gate is not None:
        return ModalityOption(mod, gate.verdict, gate.reasons, precedents=prec)
    v = inp.variant
    assert v is not None
    if v.is_exon_level:
        return ModalityOption(mod, "not_applicable", (computed(
            f"the variant is an exon-level {v.kind.replace('exon_', '')}; prime editing "
            "writes small changes", "variants"), fact("prime_editing_scope")), precedents=prec)
    size = max(len(v.ref or ""), len(v.alt or ""))
    reasons = (computed(f"the variant ({v.kind}, {size} nt at {v.location}) is a small "
                        "sequence change", "variants"),
               fact("prime_editing_scope"))
    caveats = (rule("the designer builds pegRNAs (PBS and RT template) around the variant; "
                    "efficiency varies widely between sites"),)
    return ModalityOption(mod, "possible", reasons, caveats, prec,
                          _delivery_from(_tissue_only(prec), fallback=None))


def _silencing(inp: TriageInput) -> ModalityOption:
    mod = "silencing"
    harmful = _harmful(inp)
    if harmful is None:
        return ModalityOption(mod, "undetermined", (rule(
            "silencing fits gain of function or dominant negative; the mechanism is unknown "
            "(give --mechanism)"),))
    if not harmful:
        return ModalityOption(mod, "not_applicable", (rule(
            "loss of function: lowering expression of the gene cannot restore its function"),))
    reasons = [rule("gain of function or dominant negative: lowering the harmful product treats "
                    "the cause"), fact("allele_specific_silencing")]
    caveats: list[Statement] = []
    vclass = None
    if inp.variant is not None:
        from genetx.strategy.knowledge import variant_class

        vclass = variant_class(inp.variant, inp.exon_count)
    verdict = "recommended"
    if _lof(inp):
        verdict = "possible"
        caveats.append(rule("the mechanism depends on the variant class: silencing helps only "
                            "gain-of-function or dominant-negative variants, and would worsen "
                            "a loss-of-function (null) one"))
    if vclass == "copy_gain":
        reasons.append(computed("the variant adds whole copies of the gene: reducing total "
                                "expression towards normal is the aim", "variants"))
    elif inp.variant is not None:
        caveats.append(rule("a heterozygous patient keeps a normal allele: an allele-specific "
                            "design targets the variant (or a linked SNP)"))
    else:
        caveats.append(rule("without the variant, a design knocks down both alleles"))
    if inp.gene_reason:
        return ModalityOption(mod, "undetermined", (*reasons, Statement(
            f"no gene model for {inp.gene}: {inp.gene_reason}", ("genetx:genes",),
            "computed")))
    delivery = Delivery(None, basis=rule(
        "siRNAs are given as drugs or expressed from an shRNA cassette in a vector; no catalog "
        "product sets the vector, so it is left open"))
    return ModalityOption(mod, verdict, tuple(reasons), tuple(caveats), delivery=delivery)


def _knockout(inp: TriageInput, catalog: Catalog | None) -> ModalityOption:
    mod = "knockout"
    prec = catalog_precedents(catalog, inp.gene, _tissue(inp), mod)
    harmful = _harmful(inp)
    if harmful is None:
        return ModalityOption(mod, "undetermined", (rule(
            "knocking out an allele fits gain of function or dominant negative; the mechanism "
            "is unknown (give --mechanism)"),), precedents=prec)
    if not harmful:
        return ModalityOption(mod, "not_applicable", (rule(
            "loss of function: disrupting the gene further cannot restore its function"),),
            precedents=prec)
    if inp.gene_reason:
        return _no_model(inp, mod, catalog)
    caveats = [rule("a heterozygous patient needs guides that cut only the variant allele"),
               rule("knockout leaves one working allele: acceptable only when half the normal "
                    "dose suffices")]
    if _lof(inp):
        caveats.append(rule("the mechanism depends on the variant class: a knockout would "
                            "worsen a loss-of-function (null) variant"))
    return ModalityOption(mod, "possible", (rule(
        "gain of function or dominant negative: disrupting the harmful allele removes its "
        "product"),), tuple(caveats), prec, _delivery_from(_tissue_only(prec), fallback=None))


# --------------------------------------------------------------------------------------------
# entry point


def _rank(options: list[ModalityOption]) -> tuple[ModalityOption, ...]:
    from dataclasses import replace

    vorder = {v: i for i, v in enumerate(VERDICTS)}
    porder = {p: i for i, p in enumerate(PRECEDENT_LEVELS)}
    morder = {m: i for i, m in enumerate(MODALITIES)}
    ranked = sorted(options, key=lambda o: (vorder[o.verdict], porder[o.precedent_level],
                                            morder[o.modality]))
    out = []
    for i, o in enumerate(ranked, start=1):
        basis = (f"verdict {o.verdict.replace('_', ' ')}; precedent "
                 f"{o.precedent_level.replace('_', ' ')}")
        out.append(replace(o, rank=i, rank_basis=basis))
    return tuple(out)


def triage(inp: TriageInput, catalog: Catalog | None = None) -> Triage:
    """Rank every modality for a gene (and variant), with reasons, caveats and precedents.

    Parameters
    ----------
    inp
        The gathered facts (:class:`TriageInput`); ``mechanism`` and ``tissue`` must be set.
    catalog
        The approved-therapy catalog (None: no precedents).

    Returns
    -------
    The :class:`Triage`, every modality of :data:`MODALITIES` present.

    Examples
    --------
    >>> from genetx.strategy.knowledge import resolve_mechanism, resolve_tissue
    >>> inp = TriageInput("CSTB", cds_length=297,
    ...                   mechanism=resolve_mechanism("CSTB", None),
    ...                   tissue=resolve_tissue("CSTB"),
    ...                   aav_fit=FitFact("ssAAV", 297, 1100, 4700, "fine", "ref"))
    >>> t = triage(inp)
    >>> t.options[0].modality, t.options[0].verdict
    ('gene_addition', 'recommended')
    """
    if inp.mechanism is None or inp.tissue is None:
        msg = "TriageInput needs mechanism and tissue (see genetx.strategy.knowledge)"
        raise ValueError(msg)
    skip = _exon_skipping(inp)
    options = [
        _base_editing(inp, catalog), skip, _prime_editing(inp, catalog), _silencing(inp),
        _gene_addition(inp, catalog), _ex_vivo(inp, catalog),
        _exon_deletion(inp, skip, catalog), _knockout(inp, catalog),
    ]
    context: list[Statement] = [*inp.mechanism.statements, *inp.tissue.statements]
    return Triage(inp.gene, _rank(options), inp.mechanism, inp.tissue, tuple(context))


__all__ = ["MODALITIES", "PRECEDENT_LEVELS", "TITLES", "VERDICTS", "Delivery", "FitFact",
           "ModalityOption", "Precedent", "ShortenedFact", "Triage", "TriageInput",
           "catalog_precedents", "triage"]
