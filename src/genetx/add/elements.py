"""The vector element library: ITRs, promoters, introns, polyA signals and other cassette parts.

Every element is a real sequence cut from a public record and shipped in
``genetx/data/elements/elements.tsv`` with its repository, commit, path, coordinates and the
Addgene plasmids that hold the identical sequence (see ``data/elements/SOURCES.md``). An element
that could not be sourced is absent: asking for it raises :class:`UnknownElementError`, and
:data:`NOT_AVAILABLE` says why (CK8, desmin and RPE65 promoters, a tandem miR-142-3p cassette).

This module only loads and looks up; assembly lives in :mod:`genetx.add.cassette` and locating
elements in a plasmid in :mod:`genetx.add.locate`.
"""

from __future__ import annotations

import csv
import difflib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING

from genetx.errors import BadInputError

if TYPE_CHECKING:
    from collections.abc import Iterator

#: Element categories, in the order a cassette usually lists them.
CATEGORIES: tuple[str, ...] = (
    "itr", "promoter", "enhancer", "pol3_promoter", "intron", "kozak", "cds", "2a", "ires",
    "split_intein", "wpre", "mirna_target", "polya", "lentiviral",
)

#: Tissues accepted by :meth:`ElementLibrary.promoters_for`
#: (``data/elements/tissue_promoters.tsv``).
TISSUES: tuple[str, ...] = ("liver", "muscle", "neuron", "retina", "ubiquitous", "hsc")

#: Elements that were searched for and not found in any stored public source
#: (shared/data/SOURCES.md, "Vector elements"). They are absent from the library on purpose.
NOT_AVAILABLE: dict[str, str] = {
    "CK8": "CK8 muscle promoter: no sourced sequence was found in the public records searched",
    "desmin": "desmin promoter: no sourced sequence was found in the public records searched",
    "RPE65": "RPE65 promoter: no sourced sequence was found in the public records searched",
    "miR142_3p_tandem": ("tandem miR-142-3p target cassette: not found; only a single derived site "
                         "(miR142_3p_target_site_1x) is in the library"),
}


class UnknownElementError(BadInputError):
    """An element name that is not in the library."""


@dataclass(frozen=True)
class ElementSource:
    """Where an element's sequence was taken from.

    Attributes
    ----------
    repo, commit, path
        Public GitHub repository, snapshot commit and file the sequence was cut from.
    coordinates
        Position in that file or plasmid (as the source states it).
    representative
        The plasmid the coordinates refer to.
    addgene_ids
        Addgene plasmids holding the identical sequence (up to 8).
    n_identical
        Number of Addgene plasmids holding the identical sequence, when counted.
    method
        How the element's boundaries were set.
    shared_file
        The file under ``shared/data`` the library row was copied from.
    """

    repo: str
    commit: str
    path: str
    coordinates: str
    representative: str
    addgene_ids: tuple[str, ...]
    n_identical: int | None
    method: str
    shared_file: str


@dataclass(frozen=True)
class Element:
    """One cassette part.

    Attributes
    ----------
    name
        Library name (``HLP_hybrid_liver_promoter``).
    category
        One of :data:`CATEGORIES`.
    sequence
        The sequence, 5' to 3' in the orientation the element is used in.
    tissue
        Tissue the element is known to drive or de-target (``liver``, ``retina_rpe``,
        ``liver_detarget`` ...), or ``""``.
    use
        What the element is used for.
    use_reference
        The paper that established the tissue or use, when one is stated.
    notes, caveats
        What the element is; lower-confidence remarks of the source (exact ends uncertain ...).
    source
        Provenance.
    """

    name: str
    category: str
    sequence: str
    tissue: str
    use: str
    use_reference: str
    notes: str
    caveats: str
    source: ElementSource

    @property
    def length(self) -> int:
        """Length in bases."""
        return len(self.sequence)

    def to_dict(self, *, with_sequence: bool = False) -> dict[str, object]:
        """Plain-data view for JSON reports."""
        out: dict[str, object] = {
            "name": self.name, "category": self.category, "length": self.length,
            "tissue": self.tissue, "use": self.use, "use_reference": self.use_reference,
            "caveats": self.caveats,
            "source": {"repo": self.source.repo, "commit": self.source.commit,
                       "path": self.source.path, "coordinates": self.source.coordinates,
                       "representative": self.source.representative,
                       "addgene_ids": list(self.source.addgene_ids)},
        }
        if with_sequence:
            out["sequence"] = self.sequence
        return out


@dataclass(frozen=True)
class TissuePromoter:
    """A ranked promoter recommendation for a tissue, with the reason and its reference."""

    tissue: str
    rank: int
    promoter: str
    reason: str


class ElementLibrary:
    """Name -> :class:`Element` lookup with category and tissue queries.

    Examples
    --------
    >>> lib = load_elements()
    >>> lib.get("HLP_hybrid_liver_promoter").length
    252
    >>> [p.promoter for p in lib.promoters_for("muscle")]
    ['MHCK7_promoter']
    """

    def __init__(self, elements: dict[str, Element],
                 tissue_promoters: tuple[TissuePromoter, ...]) -> None:
        self._elements = dict(elements)
        self._tissue = tissue_promoters

    def __len__(self) -> int:
        return len(self._elements)

    def __iter__(self) -> Iterator[Element]:
        return iter(self._elements.values())

    def __contains__(self, name: object) -> bool:
        return name in self._elements

    @property
    def names(self) -> tuple[str, ...]:
        """All element names."""
        return tuple(self._elements)

    def get(self, name: str, category: str | None = None) -> Element:
        """The element called ``name``.

        The match is case-insensitive, and a unique prefix is enough (``HLP`` finds
        ``HLP_hybrid_liver_promoter``); ``category`` narrows the candidates (``CAG`` with
        ``category="promoter"`` is ``CAG_promoter``).

        Raises
        ------
        UnknownElementError
            The name is not in the library (the message says why when the element is known to
            be unavailable, else lists close matches), is ambiguous, or is of another category.
        """
        pool = {k: e for k, e in self._elements.items()
                if category is None or e.category == category}
        hit = pool.get(name)
        if hit is None:
            low = {k.lower(): k for k in pool}
            key = name.lower()
            if key in low:
                hit = pool[low[key]]
            else:
                pref = [k for k in pool if k.lower().startswith(key)]
                if len(pref) == 1:
                    hit = pool[pref[0]]
                elif len(pref) > 1:
                    msg = f"is ambiguous: {', '.join(sorted(pref))}"
                    raise UnknownElementError(name, msg)
        if hit is not None:
            return hit
        for key, why in NOT_AVAILABLE.items():
            if key.lower() in name.lower():
                msg = f"not in the element library ({why})"
                raise UnknownElementError(name, msg)
        what = f"a {category} " if category else "an "
        if name in self._elements and category is not None:
            msg = f"is a {self._elements[name].category}, not a {category}"
            raise UnknownElementError(name, msg)
        low_all = {k.lower(): k for k in pool}
        close = difflib.get_close_matches(name.lower(), list(low_all), n=4, cutoff=0.5)
        hint = ("close matches: " + ", ".join(low_all[c] for c in close)) if close else (
            "'genetx cassette --list-elements' lists them")
        msg = f"not {what}element of the library ({hint})"
        raise UnknownElementError(name, msg)

    def by_category(self, category: str) -> tuple[Element, ...]:
        """Elements of one category (see :data:`CATEGORIES`)."""
        if category not in CATEGORIES:
            msg = f"unknown element category (one of {', '.join(CATEGORIES)})"
            raise BadInputError(category, msg)
        return tuple(e for e in self._elements.values() if e.category == category)

    def promoters_for(self, tissue: str) -> tuple[TissuePromoter, ...]:
        """Ranked promoter recommendations for ``tissue`` (one of :data:`TISSUES`)."""
        key = tissue.lower()
        if key not in TISSUES:
            msg = f"unknown tissue (one of {', '.join(TISSUES)})"
            raise BadInputError(tissue, msg)
        return tuple(sorted((t for t in self._tissue if t.tissue == key), key=lambda t: t.rank))


def _data_file(name: str) -> str:
    return resources.files("genetx").joinpath("data", "elements", name).read_text(encoding="utf-8")


def read_tsv(name: str) -> list[dict[str, str]]:
    """Rows of a TSV file shipped in ``genetx/data/elements``."""
    return list(csv.DictReader(_data_file(name).splitlines(), delimiter="\t"))


@lru_cache(maxsize=1)
def load_elements() -> ElementLibrary:
    """Load the element library shipped with GeneTx (cached).

    Returns
    -------
    The :class:`ElementLibrary` (80 elements at the time of writing).
    """
    elements: dict[str, Element] = {}
    for row in read_tsv("elements.tsv"):
        seq = row["sequence"].upper()
        n = row["n_identical"]
        src = ElementSource(
            repo=row["source_repo"], commit=row["source_commit"], path=row["source_path"],
            coordinates=row["coordinates"], representative=row["representative"],
            addgene_ids=tuple(a for a in row["addgene_ids"].split(",") if a),
            n_identical=int(n) if n.isdigit() else None, method=row["method"],
            shared_file=row["shared_file"])
        elements[row["name"]] = Element(
            name=row["name"], category=row["category"], sequence=seq, tissue=row["tissue"],
            use=row["use"], use_reference=row["use_reference"], notes=row["notes"],
            caveats=row["caveats"], source=src)
    tissue = tuple(TissuePromoter(r["tissue"], int(r["rank"]), r["promoter"], r["reason"])
                   for r in read_tsv("tissue_promoters.tsv"))
    return ElementLibrary(elements, tissue)


__all__ = ["CATEGORIES", "NOT_AVAILABLE", "TISSUES", "Element", "ElementLibrary",
           "ElementSource", "TissuePromoter", "UnknownElementError", "load_elements",
           "read_tsv"]
