"""Cited knowledge the triage uses: disease mechanism and target tissue per gene, modality facts.

The facts live in ``genetx/data/strategy`` (``mechanisms.json``, ``modalities.json``; sources in
``SOURCES.md``). This module reads them, checks that every fact names sources the file defines,
and answers two questions with the reasons as :class:`~genetx.strategy.evidence.Statement`:

* :func:`resolve_mechanism` -- which mechanism applies to this gene and variant (the user's
  ``--mechanism`` wins; otherwise the cited table, filtered by the variant's class; otherwise
  unknown, which the triage reports rather than guesses);
* :func:`resolve_tissue` -- which tissue a therapy must reach (``--tissue``, the cited table, the
  tissue of approved products for the same gene in the catalog, or unknown).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Literal

from genetx._data import read_checked_json
from genetx.errors import BadInputError
from genetx.strategy.evidence import Reference, Statement

if TYPE_CHECKING:
    from genetx.catalog import Catalog
    from genetx.genome.variants import Variant

Mechanism = Literal["loss_of_function", "gain_of_function", "dominant_negative"]
MECHANISMS: tuple[str, ...] = ("loss_of_function", "gain_of_function", "dominant_negative")
_MECH_ALIASES = {"lof": "loss_of_function", "loss-of-function": "loss_of_function",
                 "gof": "gain_of_function", "gain-of-function": "gain_of_function",
                 "dn": "dominant_negative", "dominant-negative": "dominant_negative",
                 "haploinsufficiency": "loss_of_function"}
#: Variant classes of ``applies_to`` in ``mechanisms.json``.
VARIANT_CLASSES: tuple[str, ...] = ("null", "missense", "copy_gain", "other")
#: Tissues GeneTx knows: the catalog's vocabulary plus tissues without a catalog product.
EXTRA_TISSUES: tuple[str, ...] = ("bone", "inner_ear")

_NULL_CONSEQUENCES = frozenset({
    "stop_gained", "frameshift_variant", "splice_donor_variant", "splice_acceptor_variant",
    "start_lost", "exon_loss_variant"})
_MISSENSE_CONSEQUENCES = frozenset({
    "missense_variant", "inframe_deletion", "inframe_insertion", "protein_altering_variant",
    "stop_lost"})


def _read(name: str) -> dict[str, Any]:
    return read_checked_json("strategy", name, validate)


def _facts(node: Any, path: str = "") -> list[tuple[str, list[str]]]:
    """Every ``sources`` list in a JSON tree (outside the top-level sources table)."""
    out: list[tuple[str, list[str]]] = []
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "sources" and isinstance(v, list):
                out.append((path, v))
            elif not (path == "" and k == "sources"):
                out.extend(_facts(v, f"{path}/{k}"))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out.extend(_facts(v, f"{path}[{i}]"))
    return out


def validate(doc: dict[str, Any]) -> list[str]:
    """Every way a strategy data document breaks the rules (empty when it is sound).

    Rules: a top-level ``sources`` table whose rows have a ``citation``; every fact names at
    least one source, and only sources of the table; mechanisms come from :data:`MECHANISMS`.
    """
    problems: list[str] = []
    table = doc.get("sources")
    if not isinstance(table, dict) or not table:
        return ["no sources table"]
    for sid, row in table.items():
        if not isinstance(row, dict) or not row.get("citation"):
            problems.append(f"source {sid} has no citation")
    for path, ids in _facts(doc):
        if not ids:
            problems.append(f"{path}: fact without sources")
        problems.extend(f"{path}: unknown source {i}" for i in ids if i not in table)
    for sym, entry in doc.get("genes", {}).items():
        for m in entry.get("mechanisms", []):
            if m.get("mechanism") not in MECHANISMS:
                problems.append(f"{sym}: unknown mechanism {m.get('mechanism')!r}")
            if not m.get("sources"):
                problems.append(f"{sym}: mechanism {m.get('mechanism')!r} without sources")
            bad = [c for c in m.get("applies_to", []) if c not in (*VARIANT_CLASSES, "any")]
            if bad:
                problems.append(f"{sym}: unknown variant classes {bad}")
        for key in ("inheritance", "tissue"):
            if key in entry and not entry[key].get("sources"):
                problems.append(f"{sym}: {key} without sources")
    for key, fact in doc.get("facts", {}).items():
        if not fact.get("sources"):
            problems.append(f"facts/{key} without sources")
    return problems


@lru_cache(maxsize=1)
def mechanism_table() -> dict[str, Any]:
    """The parsed ``mechanisms.json`` (cached)."""
    return _read("mechanisms.json")


@lru_cache(maxsize=1)
def modality_facts() -> dict[str, Any]:
    """The parsed ``modalities.json`` (cached)."""
    return _read("modalities.json")


def references() -> list[Reference]:
    """Every source of the strategy data, as ``strategy:`` references."""
    out = []
    for doc in (mechanism_table(), modality_facts()):
        for sid, row in doc["sources"].items():
            note = row.get("read_via")
            out.append(Reference(f"strategy:{sid}", row["citation"], row.get("url"),
                                 f"read via {note}" if note else None))
    return out


def fact(key: str) -> Statement:
    """A cited modality fact of ``modalities.json`` as a statement."""
    row = modality_facts()["facts"][key]
    return Statement(row["text"], tuple(f"strategy:{s}" for s in row["sources"]))


def parse_mechanism(text: str) -> str:
    """Canonical mechanism name for ``--mechanism`` (``lof``, ``gof``, ``dn`` accepted).

    Raises
    ------
    BadInputError
        For anything else, listing the accepted values.
    """
    key = text.strip().lower().replace(" ", "_")
    if key in MECHANISMS:
        return key
    if key.replace("_", "-") in _MECH_ALIASES:
        return _MECH_ALIASES[key.replace("_", "-")]
    if key in _MECH_ALIASES:
        return _MECH_ALIASES[key]
    msg = (f"unknown mechanism {text!r}; use loss_of_function (lof), gain_of_function (gof) or "
           f"dominant_negative (dn)")
    where = "--mechanism"
    raise BadInputError(where, msg)


def parse_tissue(text: str) -> str:
    """Canonical tissue name for ``--tissue`` (the catalog's vocabulary plus bone, inner_ear).

    Raises
    ------
    BadInputError
        For a tissue GeneTx does not know, listing the accepted values.
    """
    from genetx.catalog.models import TISSUES

    key = text.strip().lower().replace(" ", "_").replace("-", "_")
    aliases = {"blood": "hematopoietic", "hsc": "hematopoietic", "brain": "cns",
               "neuron": "cns", "eye": "retina", "skeletal_muscle": "muscle", "lung": "airway"}
    key = aliases.get(key, key)
    allowed = (*TISSUES, *EXTRA_TISSUES)
    if key in allowed:
        return key
    msg = f"unknown tissue {text!r}; allowed: {', '.join(allowed)}"
    where = "--tissue"
    raise BadInputError(where, msg)


def variant_class(variant: Variant | None, exon_count: int | None = None) -> str | None:
    """``null``, ``missense``, ``copy_gain`` or ``other`` for a mapped variant (None: no variant).

    An exon duplication of every exon of the transcript is a copy gain; other exon-level changes
    and the consequences ``stop_gained``, ``frameshift_variant``, canonical splice-site hits,
    ``start_lost`` and ``exon_loss_variant`` are null; missense and in-frame changes are missense.
    """
    if variant is None:
        return None
    if variant.kind == "exon_duplication" and variant.exon_range and exon_count:
        if variant.exon_range == (1, exon_count):
            return "copy_gain"
    eff = variant.effect
    if variant.is_exon_level:
        if eff is not None and eff.frame == "in_frame":
            return "missense"
        return "null"
    if eff is None:
        return "other"
    if eff.consequence in _NULL_CONSEQUENCES or eff.splice_site:
        return "null"
    if eff.consequence in _MISSENSE_CONSEQUENCES:
        return "missense"
    return "other"


@dataclass(frozen=True)
class MechanismCall:
    """The mechanism(s) the triage works with, and why.

    Attributes
    ----------
    mechanisms
        Mechanisms that apply (empty when unknown; two when the variant does not decide).
    origin
        ``user`` (``--mechanism``), ``table`` (cited data) or ``unknown``.
    statements
        Why, with sources.
    disease, inheritance
        From the cited table, when the gene is listed.
    dosage_sensitive
        True when the table marks the gene as dosage-sensitive.
    """

    mechanisms: tuple[str, ...]
    origin: str
    statements: tuple[Statement, ...]
    disease: str | None = None
    inheritance: str | None = None
    dosage_sensitive: bool = False
    dosage_statement: Statement | None = None

    @property
    def known(self) -> bool:
        """True when at least one mechanism applies."""
        return bool(self.mechanisms)

    def to_dict(self) -> dict[str, Any]:
        """Plain types (for JSON)."""
        return {"mechanisms": list(self.mechanisms), "origin": self.origin,
                "disease": self.disease, "inheritance": self.inheritance,
                "dosage_sensitive": self.dosage_sensitive,
                "statements": [s.to_dict() for s in self.statements]}


def _src(ids: list[str]) -> tuple[str, ...]:
    return tuple(f"strategy:{s}" for s in ids)


def _words(m: str) -> str:
    return m.replace("_", " ")


def resolve_mechanism(gene: str, vclass: str | None, user: str | None = None) -> MechanismCall:
    """The mechanism for ``gene`` given the variant class, with its reasons.

    Parameters
    ----------
    gene
        Gene symbol (case-insensitive).
    vclass
        The variant class from :func:`variant_class` (None without a variant).
    user
        The user's ``--mechanism`` (already canonical), which wins over the table.

    Returns
    -------
    The :class:`MechanismCall`.
    """
    entry = next((v for k, v in mechanism_table()["genes"].items() if k.upper() == gene.upper()),
                 None)
    disease = entry.get("disease") if entry else None
    inherit = entry["inheritance"]["value"] if entry and "inheritance" in entry else None
    dose = bool(entry and entry.get("dosage_sensitive", {}).get("value"))
    dose_st = None
    if dose and entry is not None:
        dose_st = Statement(f"{gene} is dosage-sensitive: extra copies cause disease too, so an "
                            f"added copy must not overshoot normal expression",
                            _src(entry["dosage_sensitive"]["sources"]))
    statements: list[Statement] = []
    if entry and "inheritance" in entry:
        statements.append(Statement(
            f"{gene}: {disease}; inheritance {inherit}", _src(entry["inheritance"]["sources"])))
    if user is not None:
        statements.append(Statement(f"mechanism {_words(user)} as given with --mechanism",
                                    ("genetx:triage",), "input"))
        return MechanismCall((user,), "user", tuple(statements), disease, inherit, dose, dose_st)
    if entry is None:
        statements.append(Statement(
            f"GeneTx holds no cited mechanism for {gene}; give --mechanism (loss_of_function, "
            f"gain_of_function or dominant_negative) to rank mechanism-dependent modalities",
            ("genetx:triage",), "rule"))
        return MechanismCall((), "unknown", tuple(statements))
    chosen: list[str] = []
    for m in entry["mechanisms"]:
        applies = m.get("applies_to", ["any"])
        if "any" in applies or (vclass is not None and vclass in applies):
            if m["mechanism"] not in chosen:
                chosen.append(m["mechanism"])
                scope = ("" if "any" in applies else
                         f" (for {', '.join(applies)} variants)")
                statements.append(Statement(
                    f"{_words(m['mechanism'])}{scope}: {m.get('note', '')}".rstrip(": "),
                    _src(m["sources"])))
    if not chosen:
        # the variant does not decide (no variant, or a class no entry covers): list all
        for m in entry["mechanisms"]:
            if m["mechanism"] not in chosen:
                chosen.append(m["mechanism"])
                statements.append(Statement(
                    f"{_words(m['mechanism'])} for {', '.join(m.get('applies_to', []))} "
                    f"variants: {m.get('note', '')}", _src(m["sources"])))
        why = ("no variant was given" if vclass is None
               else f"the variant's class ({vclass}) is not one the cited mechanisms cover")
        statements.append(Statement(
            f"the mechanism of {gene} depends on the variant and {why}: modalities for each "
            f"mechanism are considered", ("genetx:triage",), "rule"))
    return MechanismCall(tuple(chosen), "table", tuple(statements), disease, inherit, dose,
                         dose_st)


@dataclass(frozen=True)
class TissueCall:
    """The tissue a therapy must reach, and why (``tissue`` None when unknown)."""

    tissue: str | None
    origin: str
    statements: tuple[Statement, ...]

    def to_dict(self) -> dict[str, Any]:
        """Plain types (for JSON)."""
        return {"tissue": self.tissue, "origin": self.origin,
                "statements": [s.to_dict() for s in self.statements]}


def resolve_tissue(gene: str, catalog: Catalog | None = None,
                   user: str | None = None) -> TissueCall:
    """The target tissue of ``gene``: ``--tissue``, the cited table, catalog precedent, unknown."""
    if user is not None:
        return TissueCall(user, "user", (Statement(f"target tissue {user} as given with --tissue",
                                                   ("genetx:triage",), "input"),))
    entry = next((v for k, v in mechanism_table()["genes"].items() if k.upper() == gene.upper()),
                 None)
    if entry is not None and "tissue" in entry:
        t = entry["tissue"]
        note = f" ({t['note']})" if t.get("note") else ""
        return TissueCall(t["value"], "table", (Statement(
            f"target tissue {t['value']}{note}", _src(t["sources"])),))
    if catalog is not None:
        from genetx.catalog import filter_products

        try:
            products = filter_products(catalog.products, gene=gene)
        except BadInputError:
            products = ()
        tissues = {p.target_tissue.value for p in products if p.target_tissue.known}
        if len(tissues) == 1:
            t = tissues.pop()
            srcs = tuple(f"catalog:{s}" for p in products for s in p.target_tissue.sources)
            names = ", ".join(p.brand for p in products)
            return TissueCall(t, "catalog", (Statement(
                f"target tissue {t}: the tissue of the approved {gene} product(s) {names}",
                srcs),))
    return TissueCall(None, "unknown", (Statement(
        f"GeneTx holds no cited target tissue for {gene}; give --tissue to match catalog "
        f"precedents by tissue", ("genetx:triage",), "rule"),))


__all__ = ["EXTRA_TISSUES", "MECHANISMS", "VARIANT_CLASSES", "MechanismCall", "TissueCall",
           "fact", "mechanism_table", "modality_facts", "parse_mechanism", "parse_tissue",
           "references", "resolve_mechanism", "resolve_tissue", "validate", "variant_class"]
