"""Assemble library elements and a coding sequence into an annotated cassette.

Layouts (5' to 3', every part a feature of the returned :class:`~Bio.SeqRecord.SeqRecord`):

* ``ssAAV``: ITR - promoter - [intron] - Kozak - CDS - [WPRE] - [miRNA target sites] - polyA
  - ITR (wild-type 145-nt AAV2 ITRs, flop configuration at both ends);
* ``scAAV``: mutant ITR - promoter - [intron] - Kozak - CDS - [WPRE] - [miRNA sites] - polyA
  - wild-type ITR;
* ``LV``: 5' LTR (R-U5) - psi - RRE - cPPT/CTS - promoter - [intron] - Kozak - CDS - WPRE -
  [miRNA sites] - SIN 3' LTR (the 3' LTR carries the polyA signal). The transfer plasmid's
  5' gag fragment between psi and RRE is not in the element library, so it is not included.

Elements are chosen by name or recommended from the tissue
(``data/elements/tissue_promoters.tsv``) so that the packaged length stays in the vector's
``fine`` band when possible; every choice is recorded with its reason. This module does not
optimise codons (see :mod:`genetx.add.codon`); it assembles what it is given.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from genetx.add.elements import Element, ElementLibrary, load_elements
from genetx.add.rules import check_vector, fine_limit
from genetx.errors import BadInputError

if TYPE_CHECKING:
    from pathlib import Path

    from Bio.SeqRecord import SeqRecord

    from genetx.add.locate import ElementHit

#: GenBank feature type of each element category.
FEATURE_TYPES: dict[str, str] = {
    "itr": "repeat_region", "promoter": "promoter", "enhancer": "enhancer",
    "pol3_promoter": "promoter", "intron": "intron", "kozak": "regulatory", "cds": "CDS",
    "2a": "misc_feature", "ires": "misc_feature", "split_intein": "misc_feature",
    "wpre": "misc_feature", "mirna_target": "misc_binding", "polya": "polyA_signal",
    "lentiviral": "misc_feature",
}

#: Default parts of each vector that the user does not choose.
ITR_LEFT = "AAV2_ITR_145_left_flop"
ITR_RIGHT = "AAV2_ITR_145_right_flop"
MUTANT_ITR = "AAV2_mITR_scAAV"
LV_5PRIME = ("HIV1_5LTR_truncated", "HIV1_psi_packaging", "RRE", "cPPT_CTS")
LV_3PRIME_LTR = "HIV1_3LTR_deltaU3_SIN"
LV_WPRE = "WPRE"
POLYA_ORDER = ("bGH_polyA", "SV40_polyA", "synthetic_polyA_SPA")
KOZAK = "Kozak_consensus"


@dataclass(frozen=True)
class Part:
    """One piece of a cassette before placement.

    Attributes
    ----------
    name
        Element name, or the transgene name for the CDS.
    category
        Element category (``cds`` for the coding sequence).
    sequence
        Its sequence, 5' to 3'.
    feature_type
        GenBank feature type.
    note
        Provenance or remark written into the feature.
    element
        The library element it comes from (None for the CDS and derived pieces).
    qualifiers
        Extra GenBank qualifiers.
    """

    name: str
    category: str
    sequence: str
    feature_type: str
    note: str = ""
    element: Element | None = None
    qualifiers: tuple[tuple[str, str], ...] = ()

    @property
    def length(self) -> int:
        """Length in bases."""
        return len(self.sequence)


@dataclass(frozen=True)
class PlacedPart:
    """A part at its position in the cassette (0-based, half-open)."""

    part: Part
    start: int
    end: int

    def to_dict(self) -> dict[str, Any]:
        """Plain-data view."""
        el = self.part.element
        return {"name": self.part.name, "category": self.part.category, "start": self.start,
                "end": self.end, "length": self.end - self.start,
                "source": (f"{el.source.repo}@{el.source.commit[:10]}:{el.source.path} "
                           f"{el.source.coordinates}") if el else self.part.note}


@dataclass(frozen=True)
class Cassette:
    """An assembled cassette.

    Attributes
    ----------
    name
        Cassette name.
    vector
        ``ssAAV``, ``scAAV`` or ``LV``.
    parts
        Placed parts in order.
    choices
        Why each element was chosen (one line each).
    record
        The annotated record (molecule_type DNA, linear): ITR to ITR, or LTR to LTR.
    """

    name: str
    vector: str
    parts: tuple[PlacedPart, ...]
    choices: tuple[str, ...]
    record: SeqRecord = field(compare=False, repr=False)

    @property
    def sequence(self) -> str:
        """The cassette sequence."""
        return str(self.record.seq)

    @property
    def length(self) -> int:
        """Packaged length: ITR to ITR (AAV) or LTR to LTR (LV)."""
        return len(self.record.seq)

    def part(self, category: str) -> PlacedPart | None:
        """The first placed part of a category, or None."""
        return next((p for p in self.parts if p.part.category == category), None)

    def to_dict(self) -> dict[str, Any]:
        """Plain-data view."""
        return {"name": self.name, "vector": self.vector, "length": self.length,
                "parts": [p.to_dict() for p in self.parts], "choices": list(self.choices)}


# --------------------------------------------------------------------------- parts

def element_part(element: Element, *, note: str = "") -> Part:
    """A :class:`Part` for a library element, with its provenance as the note."""
    src = element.source
    prov = (f"GeneTx element {element.name}; {src.repo}@{src.commit[:10]} {src.path} "
            f"{src.coordinates}")
    if src.addgene_ids:
        prov += f"; Addgene {','.join(src.addgene_ids[:4])}"
    ftype = "LTR" if "LTR" in element.name else FEATURE_TYPES.get(element.category,
                                                                   "misc_feature")
    return Part(element.name, element.category, element.sequence, ftype, note or prov, element)


def kozak_part(library: ElementLibrary) -> Part:
    """The Kozak context placed before the CDS: the 6 bases of ``Kozak_consensus`` that
    precede its ATG (GCCACC); the ATG is the CDS's own start codon."""
    el = library.get(KOZAK)
    head, atg = el.sequence[:6], el.sequence[6:9]
    if atg != "ATG":  # pragma: no cover - guards the shipped data
        msg = f"expected ATG at 7-9 of the Kozak element, found {atg}"
        raise BadInputError(KOZAK, msg)
    return Part("Kozak", "kozak", head, "regulatory",
                f"nt 1-6 of {KOZAK} ({el.sequence}); the ATG is the CDS start codon",
                el, (("regulatory_class", "other"),))


def cds_part(cds: str, protein: str, name: str) -> Part:
    """The coding sequence as a CDS feature with its translation."""
    return Part(name, "cds", cds.upper(), "CDS", f"{name} coding sequence", None,
                (("translation", protein.rstrip("*")), ("codon_start", "1"),
                 ("product", name)))


def assemble(parts: list[Part], *, name: str, vector: str,
             choices: tuple[str, ...] = (), description: str = "") -> Cassette:
    """Concatenate ``parts`` into an annotated :class:`Cassette`.

    Examples
    --------
    >>> lib = load_elements()
    >>> c = assemble([element_part(lib.get("SV40_polyA"))], name="demo", vector="ssAAV")
    >>> c.length, c.record.features[0].type
    (122, 'polyA_signal')
    """
    from Bio.Seq import Seq
    from Bio.SeqFeature import SeqFeature, SimpleLocation
    from Bio.SeqRecord import SeqRecord

    v = check_vector(vector)
    placed: list[PlacedPart] = []
    pos = 0
    for p in parts:
        placed.append(PlacedPart(p, pos, pos + p.length))
        pos += p.length
    seq = "".join(p.sequence for p in parts)
    locus = "".join(ch for ch in name if ch.isalnum() or ch in "-_")[:16] or "cassette"
    rec = SeqRecord(Seq(seq), id=locus, name=locus,
                    description=description or f"GeneTx {v} cassette {name}",
                    annotations={"molecule_type": "DNA", "topology": "linear",
                                 "data_file_division": "SYN"})
    for pp in placed:
        q: dict[str, list[str]] = {"label": [pp.part.name], "note": [pp.part.note]}
        if pp.part.element is not None:
            q["genetx_element"] = [pp.part.element.name]
        if pp.part.category == "itr":
            q["rpt_type"] = ["inverted"]
        for key, val in pp.part.qualifiers:
            q.setdefault(key, []).append(val)
        rec.features.append(SeqFeature(SimpleLocation(pp.start, pp.end, strand=1),
                                       type=pp.part.feature_type, qualifiers=q))
    return Cassette(name=name, vector=v, parts=tuple(placed), choices=choices, record=rec)


# --------------------------------------------------------------------------- choice

@dataclass(frozen=True)
class ElementChoice:
    """The elements picked for a cassette, and why."""

    promoter: Element
    polya: Element | None
    intron: Element | None
    wpre: Element | None
    mirna_targets: tuple[Element, ...]
    reasons: tuple[str, ...]


def fixed_parts(vector: str, library: ElementLibrary) -> tuple[list[Part], list[Part]]:
    """The vector's own parts before the promoter and after the 3' elements."""
    v = check_vector(vector)
    if v == "ssAAV":
        return [element_part(library.get(ITR_LEFT))], [element_part(library.get(ITR_RIGHT))]
    if v == "scAAV":
        return [element_part(library.get(MUTANT_ITR))], [element_part(library.get(ITR_RIGHT))]
    five = [element_part(library.get(n)) for n in LV_5PRIME]
    return five, [element_part(library.get(LV_3PRIME_LTR))]


def _lookup(library: ElementLibrary, name: str | None, category: str) -> Element | None:
    return library.get(name, category) if name else None


def choose_elements(cds_length: int, *, vector: str = "ssAAV", tissue: str | None = None,
                    promoter: str | None = None, polya: str | None = None,
                    intron: str | None = None, wpre: str | None = None,
                    mirna_targets: tuple[str, ...] = (),
                    library: ElementLibrary | None = None) -> ElementChoice:
    """Pick the promoter and polyA (and take the optional elements) for a CDS length.

    Named elements are used as given. Otherwise the promoter comes from the tissue's ranked
    list (``ubiquitous`` for AAV and ``hsc`` for LV when no tissue is given) and the polyA
    from bGH, SV40, synthetic: the first combination, in rank order, whose packaged length
    stays in the vector's ``fine`` band; when none does, the shortest combination.
    """
    lib = library or load_elements()
    v = check_vector(vector)
    intron_el = _lookup(lib, intron, "intron")
    wpre_el = _lookup(lib, wpre, "wpre")
    if v == "LV" and wpre_el is None:
        wpre_el = lib.get(LV_WPRE)
    mirna = tuple(lib.get(m, "mirna_target") for m in mirna_targets)
    reasons: list[str] = []
    if promoter:
        promoters = [(lib.get(promoter, "promoter"), "chosen by name")]
    else:
        t = (tissue or ("hsc" if v == "LV" else "ubiquitous")).lower()
        promoters = [(lib.get(tp.promoter, "promoter"), f"rank {tp.rank} for {t}: {tp.reason}")
                     for tp in lib.promoters_for(t)]
    if v == "LV":
        if polya:
            msg = "a lentiviral vector takes its polyA signal from the 3' LTR; leave out --polya"
            raise BadInputError(polya, msg)
        polyas: list[tuple[Element | None, str]] = [(None, "")]
    elif polya:
        polyas = [(lib.get(polya, "polya"), "chosen by name")]
    else:
        polyas = [(lib.get(n), f"{n} ({lib.get(n).length} bp)") for n in POLYA_ORDER]
    five, three = fixed_parts(v, lib)
    base = (sum(p.length for p in five + three) + 6 + cds_length
            + (intron_el.length if intron_el else 0) + (wpre_el.length if wpre_el else 0)
            + sum(m.length for m in mirna))
    limit = fine_limit(v)
    combos = [(pr, pa, base + pr.length + (pa.length if pa else 0), why_p, why_a)
              for pr, why_p in promoters for pa, why_a in polyas]
    fitting = [c for c in combos if c[2] <= limit]
    pick = fitting[0] if fitting else min(combos, key=lambda c: c[2])
    pr, pa, total, why_p, why_a = pick
    reasons.append(f"promoter {pr.name} ({pr.length} bp): {why_p}")
    if pr.caveats:
        reasons.append(f"caveat for {pr.name}: {pr.caveats}")
    if pa is not None:
        reasons.append(f"polyA {pa.name} ({pa.length} bp): "
                       + (why_a if why_a == "chosen by name" else
                          "the longest of bGH, SV40, synthetic that keeps the fit"))
    fit = "fits" if total <= limit else "does not fit"
    reasons.append(f"estimated packaged length {total:,} nt: {fit} the {v} fine band "
                   f"(up to {limit:,} nt)" + ("" if fitting else
                                              "; no promoter/polyA combination fits, so "
                                              "the shortest one is used"))
    for el in (intron_el, wpre_el, *mirna):
        if el is not None:
            reasons.append(f"{el.category} {el.name} ({el.length} bp)"
                           + (f"; caveat: {el.caveats}" if el.caveats else ""))
    return ElementChoice(pr, pa, intron_el, wpre_el, mirna, tuple(reasons))


def layout(vector: str, choice: ElementChoice, cds: Part,
           library: ElementLibrary | None = None) -> list[Part]:
    """Parts of a cassette in order (see the module docstring)."""
    lib = library or load_elements()
    five, three = fixed_parts(vector, lib)
    parts = [*five, element_part(choice.promoter)]
    if choice.intron is not None:
        parts.append(element_part(choice.intron))
    parts += [kozak_part(lib), cds]
    if choice.wpre is not None:
        parts.append(element_part(choice.wpre))
    parts += [element_part(m) for m in choice.mirna_targets]
    if choice.polya is not None:
        parts.append(element_part(choice.polya))
    return parts + three


def build_cassette(cds: str, protein: str, *, name: str = "transgene", vector: str = "ssAAV",
                   tissue: str | None = None, promoter: str | None = None,
                   polya: str | None = None, intron: str | None = None,
                   wpre: str | None = None, mirna_targets: tuple[str, ...] = (),
                   library: ElementLibrary | None = None) -> Cassette:
    """Choose elements for ``cds`` and assemble the cassette.

    Parameters
    ----------
    cds
        The (optimised) coding sequence, ATG to stop.
    protein
        Its protein (written as the CDS feature's translation).
    name
        Transgene / cassette name.
    vector, tissue, promoter, polya, intron, wpre, mirna_targets
        See :func:`choose_elements`.

    Returns
    -------
    The :class:`Cassette`; whether it fits is judged by :mod:`genetx.add.rules`.

    Examples
    --------
    >>> c = build_cassette("ATGAAATGA", "MK", name="demo", tissue="liver")
    >>> [p.part.name for p in c.parts][:3], c.length
    (['AAV2_ITR_145_left_flop', 'HLP_hybrid_liver_promoter', 'Kozak'], 782)
    """
    lib = library or load_elements()
    choice = choose_elements(len(cds), vector=vector, tissue=tissue, promoter=promoter,
                             polya=polya, intron=intron, wpre=wpre,
                             mirna_targets=mirna_targets, library=lib)
    parts = layout(vector, choice, cds_part(cds, protein, name), lib)
    return assemble(parts, name=name, vector=vector, choices=choice.reasons)


# --------------------------------------------------------------------------- plasmids

def annotate_record(record: SeqRecord, hits: list[ElementHit]) -> SeqRecord:
    """A copy of ``record`` with one feature per library hit added (``/note`` gives the
    identity and coverage). Hits across the origin of a circular record get a compound
    location."""
    from Bio.SeqFeature import CompoundLocation, SeqFeature, SimpleLocation

    out = record[:]
    out.annotations = dict(record.annotations)
    out.annotations.setdefault("molecule_type", "DNA")
    n = len(record.seq)
    lib = load_elements()
    for h in hits:
        el = lib.get(h.element)
        ftype = FEATURE_TYPES.get(h.category, "misc_feature")
        if el.name.startswith("HIV1_") and "LTR" in el.name:
            ftype = "LTR"
        if h.end <= n:
            loc: Any = SimpleLocation(h.start, h.end, strand=h.strand)
        else:
            loc = CompoundLocation([SimpleLocation(h.start, n, strand=h.strand),
                                    SimpleLocation(0, h.end - n, strand=h.strand)])
        note = (f"GeneTx library match {h.element}: {100 * h.identity:.1f}% identity over "
                f"{100 * h.coverage:.0f}% of the element (nt {h.element_start + 1}-"
                f"{h.element_end})")
        out.features.append(SeqFeature(loc, type=ftype, qualifiers={
            "label": [h.element], "note": [note], "genetx_element": [h.element]}))
    return out


def annotate_plasmid(record: SeqRecord, library: ElementLibrary | None = None,
                     **kwargs: Any) -> tuple[SeqRecord, list[ElementHit]]:
    """Locate library elements in ``record`` and return the annotated copy and the hits.

    ``kwargs`` go to :func:`genetx.add.locate.locate_elements`.
    """
    from genetx.add.locate import locate_elements

    lib = library or load_elements()
    circular = str(record.annotations.get("topology", "")).lower() == "circular"
    kwargs.setdefault("circular", circular)
    hits = locate_elements(str(record.seq), lib, **kwargs)
    bare = record[:]
    bare.features = []
    bare.annotations = dict(record.annotations)
    return annotate_record(bare, hits), hits


def write_genbank(record: SeqRecord | Cassette, path: str | Path) -> None:
    """Write a cassette (or record) as GenBank."""
    from Bio import SeqIO

    rec = record.record if isinstance(record, Cassette) else record
    SeqIO.write([rec], str(path), "genbank")


def write_fasta(record: SeqRecord | Cassette, path: str | Path) -> None:
    """Write a cassette (or record) as FASTA."""
    from Bio import SeqIO

    rec = record.record if isinstance(record, Cassette) else record
    SeqIO.write([rec], str(path), "fasta")


__all__ = [
    "FEATURE_TYPES", "ITR_LEFT", "ITR_RIGHT", "MUTANT_ITR", "POLYA_ORDER", "Cassette",
    "ElementChoice", "Part", "PlacedPart", "annotate_plasmid", "annotate_record", "assemble",
    "build_cassette", "cds_part", "choose_elements", "element_part", "fixed_parts",
    "kozak_part", "layout", "write_fasta", "write_genbank",
]
