"""Frozen records of the approved gene-therapy catalog.

Every fact in the catalog is a :class:`Fact`: a value plus the ids of the sources that state it
(rows of :class:`Source` in the catalog's sources table). A fact that could not be verified is
kept as a :class:`Fact` whose ``value`` is ``None`` and whose ``unverified`` says what was claimed
and why it is not encoded; such a fact has no sources. Nothing here reads files.

Controlled vocabularies (modality, vector, route, tissue, agency, event kind) are declared once
below; the loader rejects values outside them and the query layer lists them in its errors.
``modality``, ``route`` and ``target_tissue`` are GeneTx classifications of the cited facts (the
source ids on them are the facts they were derived from), chosen so that precedent look-ups
("same gene / tissue / vector") and class-risk look-ups ("boxed warnings by vector and route")
are plain equality filters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Generic, Literal, TypeVar

T = TypeVar("T")

Modality = Literal[
    "gene_addition",          # in vivo transgene delivery (AAV, HSV-1, adenovirus)
    "ex_vivo_gene_addition",  # autologous cells transduced ex vivo (LV, gamma-retrovirus)
    "genome_editing",         # nuclease editing of autologous cells (CRISPR-Cas9)
    "oncolytic",              # replicating virus that lyses tumour cells and carries a payload
    "vectored_immunotherapy",  # non-replicating vector expressing antigens to raise immunity
    "encapsulated_cell",      # engineered cells in an implanted semi-permeable capsule
]
MODALITIES: tuple[str, ...] = (
    "gene_addition", "ex_vivo_gene_addition", "genome_editing", "oncolytic",
    "vectored_immunotherapy", "encapsulated_cell",
)

Vector = Literal["AAV", "LV", "gammaretrovirus", "HSV-1", "adenovirus", "none"]
#: ``none``: no viral vector (e.g. CRISPR-Cas9 editing of cells ex vivo).
VECTORS: tuple[str, ...] = ("AAV", "LV", "gammaretrovirus", "HSV-1", "adenovirus", "none")

Route = Literal[
    "intravenous", "subretinal", "intrathecal", "intraparenchymal", "intramuscular",
    "ex_vivo_hsc", "ex_vivo_graft", "intravitreal_implant", "intralesional", "intravesical",
    "topical", "subcutaneous",
]
#: ``ex_vivo_hsc``: autologous CD34+ cells modified ex vivo and infused intravenously;
#: ``ex_vivo_graft``: autologous cells modified ex vivo and surgically grafted.
ROUTES: tuple[str, ...] = (
    "intravenous", "subretinal", "intrathecal", "intraparenchymal", "intramuscular",
    "ex_vivo_hsc", "ex_vivo_graft", "intravitreal_implant", "intralesional", "intravesical",
    "topical", "subcutaneous",
)

TISSUES: tuple[str, ...] = (
    "retina", "cns", "liver", "muscle", "hematopoietic", "skin", "tumor", "bladder", "airway",
)

AGENCIES: tuple[str, ...] = ("FDA", "EC", "EMA", "MHRA", "company")

#: ``unspecified``: the source gives the approval without naming a special pathway;
#: ``traditional``: FDA traditional ("full") approval stated as such.
PATHWAYS: tuple[str, ...] = (
    "unspecified", "accelerated", "conditional", "exceptional_circumstances", "traditional",
)

EVENT_KINDS: tuple[str, ...] = (
    "label_expansion",             # indication widened
    "label_restriction",           # indication narrowed or use restricted
    "boxed_warning_added",
    "safety_update",               # label/safety information updated (no new boxed warning)
    "safety_communication",        # regulator safety communication or investigation
    "treatment_paused",            # sponsor or regulator paused dosing
    "positive_opinion",            # CHMP positive opinion
    "negative_opinion",            # CHMP negative opinion
    "complete_response_letter",
    "market_retreat",              # sponsor narrowed the markets it serves
    "divestiture",
    "marketing_authorisation_transfer",
    "withdrawn",                   # marketing authorisation withdrawn
    "marketing_authorisation_expired",
    "discontinued",                # product discontinued by the sponsor
)

#: Event kinds that mean the product is no longer (or less) available; see :attr:`Product.flags`.
WITHDRAWAL_KINDS = frozenset({"withdrawn", "marketing_authorisation_expired"})
DISCONTINUATION_KINDS = frozenset({"discontinued"})
RESTRICTION_KINDS = frozenset({"label_restriction"})

_DATE_RE = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$")


def is_partial_date(text: str) -> bool:
    """True when ``text`` is ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``."""
    return bool(_DATE_RE.match(text))


def latest_day(text: str) -> str:
    """The last ``YYYY-MM-DD`` a partial date can stand for (``2024`` -> ``2024-12-31``).

    Used only to order dates; month ends are taken as day 31, which orders correctly.
    """
    parts = text.split("-")
    if len(parts) == 1:
        return f"{parts[0]}-12-31"
    if len(parts) == 2:
        return f"{parts[0]}-{parts[1]}-31"
    return text


@dataclass(frozen=True)
class Source:
    """One row of the sources table.

    Attributes
    ----------
    id
        Identifier used by facts (``S03`` as in the shared facts catalog; ``V-...`` for sources
        read while verifying facts the catalog marked unverified).
    citation
        Title, publisher or document as cited.
    url
        Address of the page or document, when known.
    date
        Publication or record date (``YYYY[-MM[-DD]]``), when known.
    note
        What the source was used for, or a caveat (secondary source, mirror copy ...).
    """

    id: str
    citation: str
    url: str | None = None
    date: str | None = None
    note: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Plain-JSON form (the loader's input format)."""
        return {"id": self.id, "citation": self.citation, "url": self.url, "date": self.date,
                "note": self.note}

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Source:
        """Inverse of :meth:`to_dict`."""
        return cls(id=raw["id"], citation=raw["citation"], url=raw.get("url"),
                   date=raw.get("date"), note=raw.get("note"))


@dataclass(frozen=True)
class Fact(Generic[T]):
    """A value with the ids of the sources that state it.

    Attributes
    ----------
    value
        The fact, or ``None`` when it could not be verified (see ``unverified``).
    sources
        Source ids (at least one whenever ``value`` is not ``None``).
    note
        Optional qualifier of the value (scope, caveat).
    unverified
        For an absent value: what was claimed and why it is not encoded.
    """

    value: T | None
    sources: tuple[str, ...] = ()
    note: str | None = None
    unverified: str | None = None

    @property
    def known(self) -> bool:
        """True when the fact holds a (verified) value."""
        return self.value is not None


@dataclass(frozen=True)
class Dose:
    """A labelled or trial dose.

    Attributes
    ----------
    text
        The dose as stated (with regimen details).
    amount
        The number, when the dose is one number (``1.1e14``); ``None`` for descriptive doses.
    unit
        Unit of ``amount`` (``vg/kg``, ``gc/kg``, ``vg``, ``vg/eye``, ``CD34+ cells/kg``).
    basis
        ``per_kg``, ``min_per_kg`` (labelled minimum), ``total`` (fixed dose), ``per_eye`` or
        ``descriptive``.
    """

    text: str
    amount: float | None = None
    unit: str | None = None
    basis: str = "descriptive"


@dataclass(frozen=True)
class BoxedWarning:
    """Presence and gist of a boxed warning in the US label."""

    present: bool
    text: str | None = None


@dataclass(frozen=True)
class Price:
    """A public price.

    Attributes
    ----------
    amount
        Amount in ``currency``.
    currency
        ISO 4217 code (``USD``, ``GBP``, ``EUR``).
    region
        Market the price applies to (``US``, ``UK``, ``EU``).
    basis
        What the amount buys (``per treatment``, ``per vial``, ``per year``, ``wholesale
        acquisition cost`` ...).
    approximate
        True when the source gives a rounded figure ("~$2.1M").
    """

    amount: float
    currency: str
    region: str
    basis: str = "per treatment"
    approximate: bool = False


@dataclass(frozen=True)
class Approval:
    """A marketing approval (or authorisation) by one agency."""

    agency: str
    date: str
    pathway: str
    sources: tuple[str, ...]
    detail: str | None = None


@dataclass(frozen=True)
class StatusEvent:
    """A regulatory or commercial change after (or around) approval."""

    date: str
    kind: str
    agency: str
    sources: tuple[str, ...]
    detail: str | None = None


@dataclass(frozen=True)
class Product:
    """One approved gene therapy.

    Attributes
    ----------
    id
        Stable slug (``zolgensma``).
    brand
        Brand name (first US brand where there is one).
    aliases
        Other brand names (EU/US pairs such as Upstaza/Kebilidi).
    generic_name
        INN with the FDA suffix where there is one.
    sponsor, indication, genes, transgene, modality, vector, serotype, cassette, route,
    route_detail, target_tissue, dose, immunomodulation, conditioning, boxed_warning
        Facts; ``genes`` holds HGNC symbols of the delivered, replaced or edited gene(s).
    serious_adverse_events, warnings, contraindications, eligibility, notes, prices
        Tuples of facts (key serious adverse events; other label warnings; contraindications;
        eligibility requirements such as antibody screens; efficacy and context notes; prices).
    approvals, status_history
        Approvals and later regulatory or commercial events.
    """

    id: str
    brand: str
    aliases: tuple[str, ...]
    generic_name: str
    sponsor: Fact[str]
    indication: Fact[str]
    genes: Fact[tuple[str, ...]]
    transgene: Fact[str]
    modality: Fact[str]
    vector: Fact[str]
    serotype: Fact[str]
    cassette: Fact[str]
    route: Fact[str]
    route_detail: Fact[str]
    target_tissue: Fact[str]
    dose: Fact[Dose]
    immunomodulation: Fact[str]
    conditioning: Fact[str]
    boxed_warning: Fact[BoxedWarning]
    serious_adverse_events: tuple[Fact[str], ...] = ()
    warnings: tuple[Fact[str], ...] = ()
    contraindications: tuple[Fact[str], ...] = ()
    eligibility: tuple[Fact[str], ...] = ()
    notes: tuple[Fact[str], ...] = ()
    prices: tuple[Fact[Price], ...] = ()
    approvals: tuple[Approval, ...] = ()
    status_history: tuple[StatusEvent, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        """Brand, aliases and generic name (for look-ups)."""
        return (self.brand, *self.aliases, self.generic_name)

    @property
    def gene_symbols(self) -> tuple[str, ...]:
        """Gene symbols, empty when unknown or when the payload is not a human gene."""
        return self.genes.value or ()

    @property
    def first_approval(self) -> Approval | None:
        """The earliest approval by any agency.

        A partial date counts as the last day it could stand for (``2024`` as 2024-12-31), so
        an approval known only by year never displaces one with a full earlier date.
        """
        return min(self.approvals, key=lambda a: (latest_day(a.date), -len(a.date)),
                   default=None)

    @property
    def flags(self) -> tuple[str, ...]:
        """Status flags derived from :attr:`status_history`.

        Each flag is ``withdrawn``, ``discontinued`` or ``restricted`` followed by the agency in
        brackets (``withdrawn (EC)``; no bracket for a sponsor decision), once per pair, in
        history order.
        """
        out: list[str] = []
        for event in self.status_history:
            if event.kind in WITHDRAWAL_KINDS:
                flag = "withdrawn"
            elif event.kind in DISCONTINUATION_KINDS:
                flag = "discontinued"
            elif event.kind in RESTRICTION_KINDS:
                flag = "restricted"
            else:
                continue
            text = flag if event.agency == "company" else f"{flag} ({event.agency})"
            if text not in out:
                out.append(text)
        return tuple(out)

    def source_ids(self) -> tuple[str, ...]:
        """Every source id cited by this product, sorted."""
        return tuple(sorted(_collect_source_ids(self)))


@dataclass(frozen=True)
class CarTProduct:
    """An approved CAR-T product, kept apart from the gene-therapy catalog.

    CAR-T cells are genetically modified immune cells, out of scope for the design engine; they
    are listed for the safety dossier (class boxed warning, REMS history).
    """

    id: str
    brand: str
    target_antigen: Fact[str]
    indications: tuple[Fact[str], ...]
    approvals: tuple[Approval, ...]
    boxed_warning: Fact[BoxedWarning]
    section: str = field(default="car_t")

    def source_ids(self) -> tuple[str, ...]:
        """Every source id cited by this product, sorted."""
        return tuple(sorted(_collect_source_ids(self)))


def _collect_source_ids(obj: object) -> set[str]:
    found: set[str] = set()
    if isinstance(obj, (Fact, Approval, StatusEvent)):
        found.update(obj.sources)
    if isinstance(obj, (Product, CarTProduct, Fact)):
        for name in obj.__dataclass_fields__:
            if name == "sources":
                continue
            found |= _collect_source_ids(getattr(obj, name))
    elif isinstance(obj, tuple):
        for item in obj:
            found |= _collect_source_ids(item)
    return found


__all__ = [
    "AGENCIES",
    "EVENT_KINDS",
    "MODALITIES",
    "PATHWAYS",
    "ROUTES",
    "TISSUES",
    "VECTORS",
    "Approval",
    "BoxedWarning",
    "CarTProduct",
    "Dose",
    "Fact",
    "Modality",
    "Price",
    "Product",
    "Route",
    "Source",
    "StatusEvent",
    "Vector",
    "is_partial_date",
    "latest_day",
]
