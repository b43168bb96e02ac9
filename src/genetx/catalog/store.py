"""Load, validate and serialise the cited catalog of approved gene therapies.

The catalog ships inside the package as ``genetx/data/catalog/catalog.json`` (sources in
``SOURCES.md`` beside it) and is read with :mod:`importlib.resources`, so it works from an
installed wheel. This module is the only catalog I/O; it imports nothing heavier than
:mod:`json`.

JSON layout::

    {"schema_version": 1,
     "sources":  [{"id", "citation", "url", "date", "note"}, ...],
     "products": [PRODUCT, ...],
     "car_t":    {"products": [CAR_T, ...], "class_events": [EVENT, ...]}}

Every fact is ``{"value": ..., "sources": [ids], "note"?: str}``; a fact that could not be
verified is ``{"value": null, "sources": [], "unverified": "what was claimed and why it is
absent"}``, and one that does not apply is ``{"value": null, "sources": [], "note": "not
applicable: ..."}``. :func:`validate` lists every way a document breaks these rules.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from genetx.catalog.models import (
    AGENCIES,
    EVENT_KINDS,
    MODALITIES,
    PATHWAYS,
    ROUTES,
    TISSUES,
    VECTORS,
    Approval,
    BoxedWarning,
    CarTProduct,
    Dose,
    Fact,
    Price,
    Product,
    Source,
    StatusEvent,
    is_partial_date,
)
from genetx.errors import BadInputError, MalformedFileError

if TYPE_CHECKING:
    from collections.abc import Callable

SCHEMA_VERSION = 1
DATA_NAME = "catalog.json"

_STR_FACTS = ("sponsor", "indication", "transgene", "cassette", "route_detail", "immunomodulation",
              "conditioning", "serotype")
_VOCAB_FACTS = {"modality": MODALITIES, "vector": VECTORS, "route": ROUTES,
                "target_tissue": TISSUES}
_LIST_FACTS = ("serious_adverse_events", "warnings", "contraindications", "eligibility", "notes")
_DOSE_BASES = ("per_kg", "min_per_kg", "total", "per_eye", "descriptive")
_CURRENCIES = ("USD", "GBP", "EUR")


@dataclass(frozen=True)
class Catalog:
    """The loaded catalog.

    Attributes
    ----------
    products
        Approved gene therapies (AAV, LV/gamma-retroviral ex vivo, CRISPR-edited cells, topical,
        oncolytic and other vectors).
    car_t
        CAR-T products, kept apart and flagged (``section == "car_t"``).
    car_t_class_events
        Events that apply to CAR-T products as a class (boxed warning, REMS removal).
    sources
        Sources table by id.
    """

    products: tuple[Product, ...]
    car_t: tuple[CarTProduct, ...]
    car_t_class_events: tuple[StatusEvent, ...]
    sources: dict[str, Source]

    def get(self, name: str) -> Product:
        """Return the product whose id, brand, alias or generic name is ``name`` (any case).

        Raises
        ------
        BadInputError
            When no product has that name.
        """
        key = name.strip().casefold()
        for product in self.products:
            if key == product.id or key in (n.casefold() for n in product.names):
                return product
        msg = "no approved gene therapy of that name in the catalog"
        raise BadInputError(name, msg)

    def sources_for(self, product: Product | CarTProduct) -> tuple[Source, ...]:
        """The sources cited by ``product``, in id order."""
        return tuple(self.sources[s] for s in product.source_ids())


# --------------------------------------------------------------------------- loading


def data_path() -> Path:
    """Path of the shipped ``catalog.json`` (inside the installed package)."""
    return Path(str(resources.files("genetx").joinpath("data", "catalog", DATA_NAME)))


@lru_cache(maxsize=1)
def _load_shipped() -> Catalog:
    ref = resources.files("genetx").joinpath("data", "catalog", DATA_NAME)
    text = ref.read_text(encoding="utf-8")
    return _parse(text, f"genetx/data/catalog/{DATA_NAME}")


def load_catalog(path: str | Path | None = None) -> Catalog:
    """Load and validate the catalog.

    Parameters
    ----------
    path
        A catalog JSON file to read instead of the shipped one (for curators and tests).

    Returns
    -------
    Catalog
        The validated catalog (the shipped one is cached after the first call).

    Raises
    ------
    MalformedFileError
        When the file is not JSON or breaks the schema; the message names the first problem.
    """
    if path is None:
        return _load_shipped()
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        msg = f"cannot read the catalog: {exc.strerror or exc}"
        raise MalformedFileError(str(p), msg) from exc
    return _parse(text, str(p))


def _parse(text: str, where: str) -> Catalog:
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        msg = f"not valid JSON: {exc.msg}"
        raise MalformedFileError(where, msg, line=exc.lineno) from exc
    problems = validate(raw)
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise MalformedFileError(where, problems[0] + more)
    return catalog_from_dict(raw)


# --------------------------------------------------------------------------- validation


def validate(raw: Any) -> list[str]:
    """Return every reason ``raw`` is not a valid catalog document (empty when valid).

    Checks the layout, that each present fact cites at least one source id found in the
    sources table, that absent facts say why, controlled vocabularies, dates and duplicates.
    """
    if not isinstance(raw, dict):
        return ["document: the top level must be a JSON object"]
    out: list[str] = []
    if raw.get("schema_version") != SCHEMA_VERSION:
        out.append(f"schema_version: expected {SCHEMA_VERSION}, got {raw.get('schema_version')!r}")
    ids = _validate_sources(raw.get("sources"), out)
    products = raw.get("products")
    if not isinstance(products, list) or not products:
        out.append("products: must be a non-empty list")
        products = []
    seen: set[str] = set()
    for i, prod in enumerate(products):
        where = f"products[{i}]"
        if isinstance(prod, dict) and isinstance(prod.get("id"), str):
            where = f"products[{i}] ({prod['id']})"
            if prod["id"] in seen:
                out.append(f"{where}: duplicate id")
            seen.add(prod["id"])
        _validate_product(prod, where, ids, out)
    car_t = raw.get("car_t")
    if not isinstance(car_t, dict):
        out.append("car_t: must be an object with `products` and `class_events`")
    else:
        for i, prod in enumerate(car_t.get("products") or []):
            where = f"car_t.products[{i}]"
            if isinstance(prod, dict) and isinstance(prod.get("id"), str):
                where = f"car_t.products[{i}] ({prod['id']})"
                if prod["id"] in seen:
                    out.append(f"{where}: duplicate id")
                seen.add(prod["id"])
            _validate_car_t(prod, where, ids, out)
        for j, ev in enumerate(car_t.get("class_events") or []):
            _validate_event(ev, f"car_t.class_events[{j}]", ids, out)
    return out


def _validate_sources(sources: Any, out: list[str]) -> set[str]:
    ids: set[str] = set()
    if not isinstance(sources, list) or not sources:
        out.append("sources: must be a non-empty list")
        return ids
    for i, src in enumerate(sources):
        if not isinstance(src, dict) or not isinstance(src.get("id"), str) or not src["id"]:
            out.append(f"sources[{i}]: needs a string `id`")
            continue
        if src["id"] in ids:
            out.append(f"sources[{i}] ({src['id']}): duplicate id")
        ids.add(src["id"])
        if not isinstance(src.get("citation"), str) or not src["citation"].strip():
            out.append(f"sources[{i}] ({src['id']}): needs a `citation`")
        date = src.get("date")
        if date is not None and not (isinstance(date, str) and is_partial_date(date)):
            out.append(f"sources[{i}] ({src['id']}): date {date!r} is not YYYY[-MM[-DD]]")
    return ids


def _check_sources(obj: dict[str, Any], where: str, ids: set[str], out: list[str], *,
                   required: bool) -> None:
    srcs = obj.get("sources")
    if not isinstance(srcs, list) or not all(isinstance(s, str) for s in srcs):
        out.append(f"{where}: `sources` must be a list of source ids")
        return
    if required and not srcs:
        out.append(f"{where}: a present fact needs at least one source")
    for s in srcs:
        if s not in ids:
            out.append(f"{where}: source {s!r} is not in the sources table")


def _validate_fact(fact: Any, where: str, ids: set[str], out: list[str],
                   check_value: Any = None) -> None:
    if not isinstance(fact, dict) or "value" not in fact:
        out.append(f"{where}: must be an object with `value` and `sources`")
        return
    extra = set(fact) - {"value", "sources", "note", "unverified"}
    if extra:
        out.append(f"{where}: unexpected keys {sorted(extra)}")
    for key in ("note", "unverified"):
        if key in fact and not (isinstance(fact[key], str) and fact[key].strip()):
            out.append(f"{where}: `{key}` must be non-empty text")
    if fact["value"] is None:
        _check_sources(fact, where, ids, out, required=False)
        if fact.get("sources"):
            out.append(f"{where}: an absent value must not cite sources (say why in `unverified`)")
        if not fact.get("unverified") and not fact.get("note"):
            out.append(f"{where}: an absent value needs `unverified` (or a not-applicable `note`)")
        return
    if "unverified" in fact:
        out.append(f"{where}: a present value cannot be marked `unverified`")
    _check_sources(fact, where, ids, out, required=True)
    if check_value is not None:
        problem = check_value(fact["value"])
        if problem:
            out.append(f"{where}: {problem}")


def _is_text(v: Any) -> str | None:
    return None if isinstance(v, str) and v.strip() else "value must be non-empty text"


def _in_vocab(allowed: tuple[str, ...]) -> Callable[[Any], str | None]:
    def check(v: Any) -> str | None:
        return None if v in allowed else f"value {v!r} is not one of {', '.join(allowed)}"
    return check


def _check_genes(v: Any) -> str | None:
    if not isinstance(v, list) or not all(isinstance(g, str) and g and g == g.strip() for g in v):
        return "value must be a list of gene symbols"
    return None


def _check_dose(v: Any) -> str | None:
    if not isinstance(v, dict) or _is_text(v.get("text")):
        return "dose needs `text`"
    if v.get("basis", "descriptive") not in _DOSE_BASES:
        return f"dose basis {v.get('basis')!r} is not one of {', '.join(_DOSE_BASES)}"
    amount = v.get("amount")
    if amount is not None and (isinstance(amount, bool) or not isinstance(amount, (int, float))
                               or amount <= 0):
        return "dose amount must be a positive number"
    if (amount is None) != (v.get("unit") is None):
        return "dose `amount` and `unit` go together"
    return None


def _check_boxed(v: Any) -> str | None:
    if not isinstance(v, dict) or not isinstance(v.get("present"), bool):
        return "boxed warning needs boolean `present`"
    if v["present"] and _is_text(v.get("text")):
        return "a present boxed warning needs its `text`"
    return None


def _check_price(v: Any) -> str | None:
    if not isinstance(v, dict):
        return "price must be an object"
    amount = v.get("amount")
    if isinstance(amount, bool) or not isinstance(amount, (int, float)) or amount <= 0:
        return "price amount must be a positive number"
    if v.get("currency") not in _CURRENCIES:
        return f"price currency must be one of {', '.join(_CURRENCIES)}"
    if _is_text(v.get("region")):
        return "price needs a `region`"
    return None


def _validate_dated(obj: Any, where: str, ids: set[str], out: list[str],
                    vocab: tuple[tuple[str, tuple[str, ...]], ...]) -> None:
    """A dated, cited record: ``date``, then each ``(field, allowed values)`` of ``vocab``."""
    if not isinstance(obj, dict):
        out.append(f"{where}: must be an object")
        return
    if not (isinstance(obj.get("date"), str) and is_partial_date(obj["date"])):
        out.append(f"{where}: date {obj.get('date')!r} is not YYYY[-MM[-DD]]")
    for key, allowed in vocab:
        if obj.get(key) not in allowed:
            out.append(f"{where}: {key} {obj.get(key)!r} is not one of {', '.join(allowed)}")
    _check_sources(obj, where, ids, out, required=True)


def _validate_event(ev: Any, where: str, ids: set[str], out: list[str]) -> None:
    _validate_dated(ev, where, ids, out, (("kind", EVENT_KINDS), ("agency", AGENCIES)))


def _validate_approval(ap: Any, where: str, ids: set[str], out: list[str]) -> None:
    _validate_dated(ap, where, ids, out, (("agency", AGENCIES), ("pathway", PATHWAYS)))


def _validate_product(prod: Any, where: str, ids: set[str], out: list[str]) -> None:
    if not isinstance(prod, dict):
        out.append(f"{where}: must be an object")
        return
    for key in ("id", "brand", "generic_name"):
        if _is_text(prod.get(key)):
            out.append(f"{where}: needs text `{key}`")
    if not isinstance(prod.get("aliases", []), list):
        out.append(f"{where}: `aliases` must be a list")
    for key in _STR_FACTS:
        _validate_fact(prod.get(key), f"{where}.{key}", ids, out, _is_text)
    for key, allowed in _VOCAB_FACTS.items():
        _validate_fact(prod.get(key), f"{where}.{key}", ids, out, _in_vocab(allowed))
    _validate_fact(prod.get("genes"), f"{where}.genes", ids, out, _check_genes)
    _validate_fact(prod.get("dose"), f"{where}.dose", ids, out, _check_dose)
    _validate_fact(prod.get("boxed_warning"), f"{where}.boxed_warning", ids, out, _check_boxed)
    for key in _LIST_FACTS:
        items = prod.get(key, [])
        if not isinstance(items, list):
            out.append(f"{where}.{key}: must be a list")
            continue
        for j, fact in enumerate(items):
            _validate_fact(fact, f"{where}.{key}[{j}]", ids, out, _is_text)
            if isinstance(fact, dict) and fact.get("value") is None:
                out.append(f"{where}.{key}[{j}]: list entries hold facts; drop unverified ones")
    for j, fact in enumerate(prod.get("prices", [])):
        _validate_fact(fact, f"{where}.prices[{j}]", ids, out, _check_price)
    approvals = prod.get("approvals")
    if not isinstance(approvals, list) or not approvals:
        out.append(f"{where}.approvals: an approved product needs at least one approval")
        approvals = []
    for j, ap in enumerate(approvals):
        _validate_approval(ap, f"{where}.approvals[{j}]", ids, out)
    for j, ev in enumerate(prod.get("status_history", [])):
        _validate_event(ev, f"{where}.status_history[{j}]", ids, out)


def _validate_car_t(prod: Any, where: str, ids: set[str], out: list[str]) -> None:
    if not isinstance(prod, dict):
        out.append(f"{where}: must be an object")
        return
    for key in ("id", "brand"):
        if _is_text(prod.get(key)):
            out.append(f"{where}: needs text `{key}`")
    _validate_fact(prod.get("target_antigen"), f"{where}.target_antigen", ids, out, _is_text)
    _validate_fact(prod.get("boxed_warning"), f"{where}.boxed_warning", ids, out, _check_boxed)
    for j, fact in enumerate(prod.get("indications", [])):
        _validate_fact(fact, f"{where}.indications[{j}]", ids, out, _is_text)
    approvals = prod.get("approvals")
    if not isinstance(approvals, list) or not approvals:
        out.append(f"{where}.approvals: an approved product needs at least one approval")
        approvals = []
    for j, ap in enumerate(approvals):
        _validate_approval(ap, f"{where}.approvals[{j}]", ids, out)


# --------------------------------------------------------------------------- (de)serialisation


def _fact_from(raw: dict[str, Any], convert: Any = None) -> Fact[Any]:
    value = raw["value"]
    if value is not None and convert is not None:
        value = convert(value)
    return Fact(value=value, sources=tuple(raw.get("sources", ())), note=raw.get("note"),
                unverified=raw.get("unverified"))


def _fact_to(fact: Fact[Any], convert: Any = None) -> dict[str, Any]:
    value = fact.value
    if value is not None and convert is not None:
        value = convert(value)
    out: dict[str, Any] = {"value": value, "sources": list(fact.sources)}
    if fact.note is not None:
        out["note"] = fact.note
    if fact.unverified is not None:
        out["unverified"] = fact.unverified
    return out


def _dose_from(v: dict[str, Any]) -> Dose:
    amount = v.get("amount")
    return Dose(text=v["text"], amount=None if amount is None else float(amount),
                unit=v.get("unit"), basis=v.get("basis", "descriptive"))


def _dose_to(d: Dose) -> dict[str, Any]:
    return {"text": d.text, "amount": d.amount, "unit": d.unit, "basis": d.basis}


def _boxed_from(v: dict[str, Any]) -> BoxedWarning:
    return BoxedWarning(present=v["present"], text=v.get("text"))


def _boxed_to(b: BoxedWarning) -> dict[str, Any]:
    return {"present": b.present, "text": b.text}


def _price_from(v: dict[str, Any]) -> Price:
    return Price(amount=float(v["amount"]), currency=v["currency"], region=v["region"],
                 basis=v.get("basis", "per treatment"), approximate=bool(v.get("approximate")))


def _price_to(p: Price) -> dict[str, Any]:
    return {"amount": p.amount, "currency": p.currency, "region": p.region, "basis": p.basis,
            "approximate": p.approximate}


def _approval_from(v: dict[str, Any]) -> Approval:
    return Approval(agency=v["agency"], date=v["date"], pathway=v["pathway"],
                    sources=tuple(v["sources"]), detail=v.get("detail"))


def _approval_to(a: Approval) -> dict[str, Any]:
    return {"agency": a.agency, "date": a.date, "pathway": a.pathway, "detail": a.detail,
            "sources": list(a.sources)}


def _event_from(v: dict[str, Any]) -> StatusEvent:
    return StatusEvent(date=v["date"], kind=v["kind"], agency=v["agency"],
                       sources=tuple(v["sources"]), detail=v.get("detail"))


def _event_to(e: StatusEvent) -> dict[str, Any]:
    return {"date": e.date, "kind": e.kind, "agency": e.agency, "detail": e.detail,
            "sources": list(e.sources)}


def product_from_dict(raw: dict[str, Any]) -> Product:
    """Build a :class:`Product` from its JSON form (validate first with :func:`validate`)."""
    kwargs: dict[str, Any] = {
        "id": raw["id"], "brand": raw["brand"], "aliases": tuple(raw.get("aliases", ())),
        "generic_name": raw["generic_name"],
    }
    for key in (*_STR_FACTS, *_VOCAB_FACTS):
        kwargs[key] = _fact_from(raw[key])
    kwargs["genes"] = _fact_from(raw["genes"], tuple)
    kwargs["dose"] = _fact_from(raw["dose"], _dose_from)
    kwargs["boxed_warning"] = _fact_from(raw["boxed_warning"], _boxed_from)
    for key in _LIST_FACTS:
        kwargs[key] = tuple(_fact_from(f) for f in raw.get(key, ()))
    kwargs["prices"] = tuple(_fact_from(f, _price_from) for f in raw.get("prices", ()))
    kwargs["approvals"] = tuple(_approval_from(a) for a in raw["approvals"])
    kwargs["status_history"] = tuple(_event_from(e) for e in raw.get("status_history", ()))
    return Product(**kwargs)


def product_to_dict(product: Product) -> dict[str, Any]:
    """JSON form of a :class:`Product` (every field, each fact with its sources)."""
    out: dict[str, Any] = {"id": product.id, "brand": product.brand,
                           "aliases": list(product.aliases), "generic_name": product.generic_name}
    for key in (*_STR_FACTS, *_VOCAB_FACTS):
        out[key] = _fact_to(getattr(product, key))
    out["genes"] = _fact_to(product.genes, list)
    out["dose"] = _fact_to(product.dose, _dose_to)
    out["boxed_warning"] = _fact_to(product.boxed_warning, _boxed_to)
    for key in _LIST_FACTS:
        out[key] = [_fact_to(f) for f in getattr(product, key)]
    out["prices"] = [_fact_to(f, _price_to) for f in product.prices]
    out["approvals"] = [_approval_to(a) for a in product.approvals]
    out["status_history"] = [_event_to(e) for e in product.status_history]
    return out


def car_t_from_dict(raw: dict[str, Any]) -> CarTProduct:
    """Build a :class:`CarTProduct` from its JSON form."""
    return CarTProduct(
        id=raw["id"], brand=raw["brand"], target_antigen=_fact_from(raw["target_antigen"]),
        indications=tuple(_fact_from(f) for f in raw.get("indications", ())),
        approvals=tuple(_approval_from(a) for a in raw["approvals"]),
        boxed_warning=_fact_from(raw["boxed_warning"], _boxed_from))


def car_t_to_dict(product: CarTProduct) -> dict[str, Any]:
    """JSON form of a :class:`CarTProduct`, flagged with ``"section": "car_t"``."""
    return {"id": product.id, "brand": product.brand, "section": product.section,
            "target_antigen": _fact_to(product.target_antigen),
            "indications": [_fact_to(f) for f in product.indications],
            "approvals": [_approval_to(a) for a in product.approvals],
            "boxed_warning": _fact_to(product.boxed_warning, _boxed_to)}


def car_t_section_to_dict(catalog: Catalog) -> dict[str, Any]:
    """JSON form of the CAR-T section: products, class events and the sources they cite."""
    ids = {s for p in catalog.car_t for s in p.source_ids()}
    ids |= {s for e in catalog.car_t_class_events for s in e.sources}
    return {"section": "car_t",
            "note": "CAR-T products are kept apart from the gene-therapy catalog.",
            "products": [car_t_to_dict(p) for p in catalog.car_t],
            "class_events": [_event_to(e) for e in catalog.car_t_class_events],
            "sources": [catalog.sources[i].to_dict() for i in sorted(ids)]}


def catalog_from_dict(raw: dict[str, Any]) -> Catalog:
    """Build a :class:`Catalog` from a validated document."""
    car_t = raw.get("car_t") or {}
    return Catalog(
        products=tuple(product_from_dict(p) for p in raw["products"]),
        car_t=tuple(car_t_from_dict(p) for p in car_t.get("products", ())),
        car_t_class_events=tuple(_event_from(e) for e in car_t.get("class_events", ())),
        sources={s["id"]: Source.from_dict(s) for s in raw["sources"]},
    )


def catalog_to_dict(catalog: Catalog) -> dict[str, Any]:
    """JSON form of a :class:`Catalog` (:func:`catalog_from_dict` reads it back unchanged)."""
    return {
        "schema_version": SCHEMA_VERSION,
        "sources": [s.to_dict() for s in catalog.sources.values()],
        "products": [product_to_dict(p) for p in catalog.products],
        "car_t": {"products": [car_t_to_dict(p) for p in catalog.car_t],
                  "class_events": [_event_to(e) for e in catalog.car_t_class_events]},
    }


__all__ = [
    "Catalog",
    "car_t_from_dict",
    "car_t_section_to_dict",
    "car_t_to_dict",
    "catalog_from_dict",
    "catalog_to_dict",
    "data_path",
    "load_catalog",
    "product_from_dict",
    "product_to_dict",
    "validate",
]
