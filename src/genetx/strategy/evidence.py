"""Statements and the sources they cite: the currency of the triage, the dossier and the report.

Every sentence GeneTx writes into a design report is a :class:`Statement` that names at least one
source key. Keys are namespaced by where the source is defined:

``catalog:S10``
    a row of the approved-therapy catalog's sources table (``genetx/data/catalog``);
``skip:FDA-2016-09-19``
    a source of the exon-skipping facts (``genetx/data/skip``);
``strategy:OMIM-300377``
    a source of the mechanism and modality facts (``genetx/data/strategy``);
``safety:FDA-LTFU-2020``
    a source of the class-risk facts (``genetx/data/safety``);
``genetx:<module>``
    a computation or decision rule of GeneTx itself (what was computed, and by which module).

A :class:`Bibliography` resolves keys to :class:`Reference` rows and numbers them in order of
first citation, so the HTML report can link each statement to its entries.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Basis = Literal["cited", "computed", "rule", "input"]

#: GeneTx's own "sources": the modules whose computations or rules a statement reports.
GENETX_SOURCES: dict[str, tuple[str, str]] = {
    "genetx:triage": ("GeneTx strategy triage rules", "genetx.strategy.triage (rules listed in "
                      "its module docstring)"),
    "genetx:genes": ("GeneTx gene resolution", "genetx.genome.genes.load_gene"),
    "genetx:variants": ("GeneTx variant mapping", "genetx.genome.variants.parse_variant"),
    "genetx:skip": ("GeneTx exon-skip planner (reading-frame arithmetic)",
                    "genetx.skip.strategies.plan_skips"),
    "genetx:aso": ("GeneTx antisense oligonucleotide designer", "genetx.skip.aso.design_asos"),
    "genetx:add": ("GeneTx gene-addition designer (packaging, codon optimisation, rules)",
                   "genetx.add"),
    "genetx:edit": ("GeneTx genome-editing designer", "genetx.edit"),
    "genetx:silence": ("GeneTx silencing designer", "genetx.silence"),
    "genetx:offtarget": ("GeneTx off-target search (exact enumeration within the mismatch "
                         "limit) with CFD/MIT scores", "genetx.edit.offtarget"),
    "genetx:dossier": ("GeneTx safety dossier assembly", "genetx.safety.dossier"),
}


@dataclass(frozen=True)
class Statement:
    """One sentence of a report, with the sources it rests on.

    Attributes
    ----------
    text
        The sentence.
    sources
        Namespaced source keys (see the module docstring); never empty.
    basis
        ``cited`` (a published fact), ``computed`` (GeneTx computed it from the inputs),
        ``rule`` (a GeneTx decision rule) or ``input`` (what the user gave).
    """

    text: str
    sources: tuple[str, ...]
    basis: Basis = "cited"

    def __post_init__(self) -> None:
        if not self.sources:
            msg = f"statement without a source: {self.text!r}"
            raise ValueError(msg)
        object.__setattr__(self, "sources", tuple(dict.fromkeys(self.sources)))

    def to_dict(self) -> dict[str, Any]:
        """Plain types (for JSON)."""
        return {"text": self.text, "sources": list(self.sources), "basis": self.basis}


def computed(text: str, module: str, *extra: str) -> Statement:
    """A statement GeneTx computed (``module`` is a ``genetx:`` key without the prefix)."""
    return Statement(text, (f"genetx:{module}", *extra), "computed")


def rule(text: str, *extra: str) -> Statement:
    """A statement made by a GeneTx decision rule (sources: the triage rules, plus ``extra``)."""
    return Statement(text, ("genetx:triage", *extra), "rule")


@dataclass(frozen=True)
class Reference:
    """A resolved source.

    Attributes
    ----------
    key
        Namespaced key.
    citation
        Title, publisher or document as cited.
    url
        Address, when known.
    note
        How it was read or what it was used for.
    """

    key: str
    citation: str
    url: str | None = None
    note: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Plain types (for JSON)."""
        return {"key": self.key, "citation": self.citation, "url": self.url, "note": self.note}


@dataclass
class Bibliography:
    """Sources by key, numbered in order of first use."""

    entries: dict[str, Reference] = field(default_factory=dict)
    order: list[str] = field(default_factory=list)

    def add(self, ref: Reference) -> None:
        """Register a source (the first registration of a key wins)."""
        self.entries.setdefault(ref.key, ref)

    def cite(self, key: str) -> int:
        """The 1-based number of ``key``, assigning the next number on first use."""
        if key not in self.order:
            self.order.append(key)
        return self.order.index(key) + 1

    def resolve(self, key: str) -> Reference:
        """The reference of ``key``; an unknown key resolves to a row saying so."""
        ref = self.entries.get(key)
        if ref is not None:
            return ref
        if key in GENETX_SOURCES:
            title, where = GENETX_SOURCES[key]
            return Reference(key, title, None, where)
        return Reference(key, f"{key} (no entry in the loaded source tables)")

    def used(self) -> list[tuple[int, Reference]]:
        """Numbered references in citation order."""
        return [(i + 1, self.resolve(k)) for i, k in enumerate(self.order)]

    def unknown_keys(self) -> list[str]:
        """Cited keys that resolve to no table entry (should be empty)."""
        return [k for k in self.order if k not in self.entries and k not in GENETX_SOURCES]


__all__ = ["GENETX_SOURCES", "Basis", "Bibliography", "Reference", "Statement", "computed",
           "rule"]
