"""When a coding sequence does not fit: say so with numbers, and propose what the field does.

Three ways out, each computed, not asserted:

* **A published shortened version** built from the RefSeq record when its definition is
  residue-exact (``data/elements/shortened_versions.tsv``). FVIII-SQ (B domain deleted) lacks
  Gln744-Ser1637 of mature FVIII (Sandberg et al. 2001 Thromb Haemost 85:93): GeneTx checks
  that the record has Gln and Ser at those positions (after the 19-aa signal peptide), removes
  those codons and verifies the 14-residue SQ link. Micro-dystrophins are listed but not built
  (their junctions are not residue-exact in the data GeneTx holds).
* **Dual AAV with a split intein**: the protein is cut in two; the N-terminal half is fused to
  the Npu DnaE N-intein and the C-terminal half follows the Npu DnaE C-intein, each in its own
  AAV with its own promoter and polyA. Protein trans-splicing needs Cys, Ser or Thr as the first
  C-extein residue (+1), the nucleophile of the splicing reaction (Shah & Muir 2014 Chem Sci
  5:446); split sites are chosen at such residues, Cys first (the native +1 of Npu DnaE;
  Iwai et al. 2006 FEBS Lett 580:1853), to balance the two vector sizes.
* **A lentiviral vector** for ex vivo use (haematopoietic stem cells), whose capacity is larger.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from genetx.add.cassette import (
    Cassette,
    ElementChoice,
    Part,
    assemble,
    cds_part,
    choose_elements,
    element_part,
    fixed_parts,
    kozak_part,
)
from genetx.add.elements import ElementLibrary, load_elements, read_tsv
from genetx.add.rules import check_vector, classify_length, fine_limit
from genetx.core.seq import translate
from genetx.errors import BadInputError, InfeasibleDesignError

if TYPE_CHECKING:
    from collections.abc import Sequence

#: Library elements of the split intein.
INTEIN_N = "Npu_DnaE_N_intein"
INTEIN_C = "Npu_DnaE_C_intein_MIK"
#: First C-extein residues that support trans-splicing, best first.
SPLIT_RESIDUES = ("C", "S", "T")
_STOP = "TAA"


@dataclass(frozen=True)
class ShortenedVersion:
    """A published shortened protein (``data/elements/shortened_versions.tsv``)."""

    name: str
    gene: str
    transcript: str
    signal_peptide: int
    removed_mature: tuple[int, int] | None
    expect: dict[int, str]
    link: str
    buildable: bool
    reference: str
    note: str

    def to_dict(self) -> dict[str, Any]:
        """Plain-data view."""
        return {"name": self.name, "gene": self.gene, "transcript": self.transcript,
                "buildable": self.buildable, "removed_mature": self.removed_mature,
                "signal_peptide": self.signal_peptide, "reference": self.reference,
                "note": self.note}


@lru_cache(maxsize=1)
def shortened_versions() -> tuple[ShortenedVersion, ...]:
    """All shortened versions GeneTx knows, buildable or not."""
    out = []
    for r in read_tsv("shortened_versions.tsv"):
        rem = None
        if r["removed_mature"]:
            a, b = r["removed_mature"].split("-")
            rem = (int(a), int(b))
        expect = {int(k): v for k, v in (x.split(":") for x in r["expect"].split(",") if x)}
        out.append(ShortenedVersion(
            r["name"], r["gene"], r["transcript"],
            int(r["signal_peptide"]) if r["signal_peptide"] else 0, rem, expect, r["link"],
            r["buildable"] == "yes", r["reference"], r["note"]))
    return tuple(out)


def versions_for(gene: str) -> tuple[ShortenedVersion, ...]:
    """Shortened versions of ``gene`` (case-insensitive symbol)."""
    return tuple(v for v in shortened_versions() if v.gene.lower() == gene.lower())


def get_version(name: str) -> ShortenedVersion:
    """The shortened version called ``name`` (case-insensitive)."""
    for v in shortened_versions():
        if v.name.lower() == name.lower():
            return v
    names = ", ".join(v.name for v in shortened_versions())
    msg = f"not a known shortened version ({names})"
    raise BadInputError(name, msg)


@dataclass(frozen=True)
class ShortenedCDS:
    """A shortened version built from a record's CDS.

    Attributes
    ----------
    version
        Its definition.
    cds, protein
        The shortened CDS (original codons kept) and protein.
    removed_precursor
        Removed residues in precursor numbering, 1-based inclusive.
    junction
        The residues around the junction, as built (for FVIII-SQ the 14-aa SQ link).
    """

    version: ShortenedVersion
    cds: str
    protein: str
    removed_precursor: tuple[int, int]
    junction: str

    def to_dict(self) -> dict[str, Any]:
        """Plain-data view."""
        return {**self.version.to_dict(), "cds_length": len(self.cds),
                "protein_length": len(self.protein),
                "removed_precursor": list(self.removed_precursor), "junction": self.junction}


def build_shortened(version: ShortenedVersion | str, cds: str, *,
                    transcript: str | None = None) -> ShortenedCDS:
    """Build a shortened version from the full CDS of ``version.transcript``.

    Parameters
    ----------
    version
        A :class:`ShortenedVersion` or its name.
    cds
        The full CDS of the record (start to stop codon).
    transcript
        Accession the CDS comes from; must equal the version's transcript when given.

    Raises
    ------
    BadInputError
        Not buildable, another transcript, or the record disagrees with the definition (the
        residues expected at the cut points are not there).
    """
    v = get_version(version) if isinstance(version, str) else version
    if not v.buildable or v.removed_mature is None:
        msg = f"is not built by GeneTx: {v.note}"
        raise BadInputError(v.name, msg)
    if transcript is not None and transcript.split(".")[0] != v.transcript.split(".")[0]:
        msg = f"is defined on {v.transcript}, not on {transcript}"
        raise BadInputError(v.name, msg)
    protein = translate(cds).rstrip("*")
    for pos, aa in v.expect.items():
        i = pos + v.signal_peptide - 1
        if i >= len(protein) or protein[i] != aa:
            got = protein[i] if i < len(protein) else "nothing"
            msg = (f"the record has {got} at mature residue {pos}, where the definition "
                   f"({v.reference}) needs {aa}")
            raise BadInputError(v.name, msg)
    a, b = v.removed_mature
    p0, p1 = a + v.signal_peptide, b + v.signal_peptide  # precursor, 1-based inclusive
    new_cds = cds[:3 * (p0 - 1)] + cds[3 * p1:]
    new_protein = protein[:p0 - 1] + protein[p1:]
    j = p0 - 1  # index of the first residue after the junction
    lo = max(0, j - max(len(v.link), 7))
    window = new_protein[lo:j + max(len(v.link), 7)]
    junction = window
    if v.link:
        at = window.find(v.link)
        if at == -1 or not lo + at < j < lo + at + len(v.link):
            msg = (f"the junction built from the record ({window}) does not hold the "
                   f"published link {v.link}")
            raise BadInputError(v.name, msg)
        junction = v.link
    return ShortenedCDS(v, new_cds, new_protein, (p0, p1), junction)


# --------------------------------------------------------------------------- split intein

@dataclass(frozen=True)
class SplitSite:
    """A split of the protein between two AAVs.

    Attributes
    ----------
    residue
        1-based position of the first residue of the C-terminal half (the C-extein +1).
    aa
        That residue (C, S or T).
    n_length, c_length
        Packaged length of the N- and C-terminal vectors.
    n_band, c_band
        Their packaging bands.
    """

    residue: int
    aa: str
    n_length: int
    c_length: int
    n_band: str
    c_band: str

    @property
    def worst(self) -> int:
        """The longer of the two vectors."""
        return max(self.n_length, self.c_length)

    def to_dict(self) -> dict[str, Any]:
        """Plain-data view."""
        return {"residue": self.residue, "aa": self.aa, "n_vector_length": self.n_length,
                "c_vector_length": self.c_length, "n_band": self.n_band,
                "c_band": self.c_band}


@dataclass(frozen=True)
class SplitDesign:
    """The chosen split and what it implies."""

    site: SplitSite
    vector: str
    overhead: int
    choice: ElementChoice = field(compare=False, repr=False)
    n_cds: str = ""
    c_cds: str = ""
    alternatives: tuple[SplitSite, ...] = ()

    @property
    def fits(self) -> bool:
        """Both vectors in the fine band."""
        return self.site.n_band == "fine" and self.site.c_band == "fine"

    def to_dict(self) -> dict[str, Any]:
        """Plain-data view."""
        return {"site": self.site.to_dict(), "vector": self.vector, "fits": self.fits,
                "intein_n": INTEIN_N, "intein_c": INTEIN_C, "per_vector_overhead": self.overhead,
                "promoter": self.choice.promoter.name,
                "polya": self.choice.polya.name if self.choice.polya else None,
                "alternatives": [a.to_dict() for a in self.alternatives]}


def split_sites(protein: str, overhead: int, *, vector: str = "ssAAV",
                library: ElementLibrary | None = None, min_half: int = 30) -> list[SplitSite]:
    """Every admissible split (C, S or T as the C-extein +1), with both vector lengths.

    ``overhead`` is the length of one vector without its coding part (ITRs, promoter, Kozak,
    polyA ...). The N vector holds ``3 x (residue - 1)`` nt of CDS, the N-intein and a stop
    codon; the C vector the C-intein (with its own ATG) and the rest of the CDS with its stop.
    """
    lib = library or load_elements()
    n_int, c_int = lib.get(INTEIN_N).length, lib.get(INTEIN_C).length
    prot = protein.rstrip("*")
    out = []
    for i in range(max(min_half, 1), len(prot) - min_half + 1):
        aa = prot[i]
        if aa not in SPLIT_RESIDUES:
            continue
        n_len = overhead + 3 * i + n_int + 3
        c_len = overhead + c_int + 3 * (len(prot) - i) + 3
        out.append(SplitSite(i + 1, aa, n_len, c_len, classify_length(n_len, vector)[0],
                             classify_length(c_len, vector)[0]))
    return out


def choose_split(protein: str, cds: str, *, vector: str = "ssAAV", tissue: str | None = None,
                 promoter: str | None = None, polya: str | None = None,
                 library: ElementLibrary | None = None) -> SplitDesign | None:
    """Pick the split site: both vectors in the fine band if possible, Cys before Ser/Thr,
    then the most even sizes. Returns None when the protein has no admissible residue."""
    lib = library or load_elements()
    v = check_vector(vector)
    if v == "LV":
        msg = "a split-intein design is for two AAV vectors"
        raise BadInputError(v, msg)
    half = len(cds) // 2 + lib.get(INTEIN_N).length
    choice = choose_elements(half, vector=v, tissue=tissue, promoter=promoter, polya=polya,
                             library=lib)
    five, three = fixed_parts(v, lib)
    overhead = (sum(p.length for p in five + three) + choice.promoter.length + 6
                + (choice.polya.length if choice.polya else 0))
    sites = split_sites(protein, overhead, vector=v, library=lib)
    if not sites:
        return None
    limit = fine_limit(v)

    def key(s: SplitSite) -> tuple[int, int, int]:
        fits = s.worst <= limit
        return (0 if fits else 1, SPLIT_RESIDUES.index(s.aa) if fits else 0, s.worst)

    ranked = sorted(sites, key=key)
    best = ranked[0]
    i = best.residue - 1
    return SplitDesign(best, v, overhead, choice, cds[:3 * i], cds[3 * i:],
                       tuple(ranked[1:4]))


def split_cassettes(design: SplitDesign, protein: str, *, name: str = "transgene",
                    library: ElementLibrary | None = None) -> tuple[Cassette, Cassette]:
    """Assemble the N- and C-terminal vectors of a split design.

    Each coding part is one ORF (the N-terminal half fused to the N-intein and a stop codon;
    the C-intein, with its own ATG, fused to the C-terminal half); the intein is annotated as a
    feature inside that CDS.
    """
    from Bio.SeqFeature import SeqFeature, SimpleLocation

    lib = library or load_elements()
    five, three = fixed_parts(design.vector, lib)
    ch = design.choice
    i = design.site.residue - 1
    prot = protein.rstrip("*")
    n_int, c_int = lib.get(INTEIN_N), lib.get(INTEIN_C)
    n_protein = prot[:i] + translate(n_int.sequence)
    c_protein = translate(c_int.sequence) + prot[i:]

    def vec(coding: Part, intein: Part, offset: int, label: str) -> Cassette:
        parts = [*five, element_part(ch.promoter), kozak_part(lib), coding]
        if ch.polya is not None:
            parts.append(element_part(ch.polya))
        parts += three
        cas = assemble(parts, name=f"{name}-{label}", vector=design.vector,
                       choices=(*ch.reasons, f"split before residue {design.site.residue} "
                                f"({design.site.aa}); {label}-terminal half"))
        cds_at = next(pp.start for pp in cas.parts if pp.part is coding)
        start = cds_at + offset
        cas.record.features.append(SeqFeature(
            SimpleLocation(start, start + intein.length, strand=1), type="misc_feature",
            qualifiers={"label": [intein.name], "note": [intein.note],
                        "genetx_element": [intein.name]}))
        return cas

    n_vec = vec(cds_part(design.n_cds + n_int.sequence + _STOP, n_protein, f"{name}-N"),
                element_part(n_int), len(design.n_cds), "N")
    c_vec = vec(cds_part(c_int.sequence + design.c_cds, c_protein, f"{name}-C"),
                element_part(c_int), 0, "C")
    return n_vec, c_vec


# --------------------------------------------------------------------------- proposals

@dataclass(frozen=True)
class FitAssessment:
    """Whether a CDS fits a vector, with the numbers."""

    vector: str
    cds_length: int
    packaged_length: int
    fine_limit: int
    band: str
    reference: str

    @property
    def fits(self) -> bool:
        """In the fine band."""
        return self.band == "fine"

    @property
    def overflow(self) -> int:
        """Bases over the fine limit (negative: room left)."""
        return self.packaged_length - self.fine_limit

    @property
    def message(self) -> str:
        """One line with the numbers."""
        if self.fits:
            return (f"the {self.cds_length:,}-nt CDS fits: {self.packaged_length:,} nt packaged, "
                    f"{-self.overflow:,} nt below the {self.vector} limit of {self.fine_limit:,}")
        return (f"the {self.cds_length:,}-nt CDS does not fit: {self.packaged_length:,} nt "
                f"packaged, {self.overflow:,} nt over the {self.vector} limit of "
                f"{self.fine_limit:,} ({self.band.replace('_', ' ')}; {self.reference})")

    def to_dict(self) -> dict[str, Any]:
        """Plain-data view."""
        return {"vector": self.vector, "cds_length": self.cds_length,
                "packaged_length": self.packaged_length, "fine_limit": self.fine_limit,
                "band": self.band, "fits": self.fits, "overflow": self.overflow,
                "message": self.message, "reference": self.reference}


def assess_fit(cds_length: int, packaged_length: int, vector: str) -> FitAssessment:
    """Classify a packaged length."""
    v = check_vector(vector)
    band, _meaning, ref = classify_length(packaged_length, v)
    return FitAssessment(v, cds_length, packaged_length, fine_limit(v), band, ref)


@dataclass(frozen=True)
class Proposal:
    """One way to deliver an oversized CDS."""

    kind: str
    summary: str
    details: dict[str, Any] = field(default_factory=dict)
    feasible: bool = False

    def to_dict(self) -> dict[str, Any]:
        """Plain-data view."""
        return {"kind": self.kind, "feasible": self.feasible, "summary": self.summary,
                "details": self.details}


def propose(protein: str, cds: str, *, gene: str | None = None, full_cds: str | None = None,
            transcript: str | None = None, vector: str = "ssAAV", tissue: str | None = None,
            promoter: str | None = None, polya: str | None = None,
            library: ElementLibrary | None = None) -> list[Proposal]:
    """What the field does with a CDS that does not fit ``vector``.

    Parameters
    ----------
    protein, cds
        The transgene.
    gene
        Gene symbol, to look up shortened versions.
    full_cds, transcript
        The record's full CDS and accession (to build a shortened version); default ``cds``.
    vector, tissue, promoter, polya
        As for :func:`genetx.add.cassette.choose_elements`.
    """
    lib = library or load_elements()
    v = check_vector(vector)
    out: list[Proposal] = []
    for ver in versions_for(gene or ""):
        if not ver.buildable:
            out.append(Proposal("shortened", f"{ver.name}: {ver.note}", ver.to_dict(),
                                feasible=False))
            continue
        try:
            built = build_shortened(ver, full_cds or cds, transcript=transcript)
        except BadInputError as err:
            out.append(Proposal("shortened", f"{ver.name}: {err.reason}", ver.to_dict(),
                                feasible=False))
            continue
        aav = "ssAAV" if v == "LV" else v
        ch = choose_elements(len(built.cds), vector=aav, tissue=tissue, promoter=promoter,
                             polya=polya, library=lib)
        five, three = fixed_parts(aav, lib)
        total = (sum(p.length for p in five + three) + ch.promoter.length + 6 + len(built.cds)
                 + (ch.polya.length if ch.polya else 0))
        fit = assess_fit(len(built.cds), total, aav)
        out.append(Proposal(
            "shortened",
            f"{ver.name}: {len(built.protein)} aa, {len(built.cds):,}-nt CDS; with "
            f"{ch.promoter.name} and {ch.polya.name if ch.polya else 'no polyA'}: "
            f"{fit.message} ({ver.reference})",
            {**built.to_dict(), "fit": fit.to_dict(), "promoter": ch.promoter.name},
            feasible=fit.fits))
    if v != "LV":
        design = choose_split(protein, cds, vector=v, tissue=tissue, promoter=promoter,
                              polya=polya, library=lib)
        if design is None:
            out.append(Proposal("dual_aav_split_intein",
                                "no Cys, Ser or Thr where the protein could be split",
                                feasible=False))
        else:
            s = design.site
            limit = fine_limit(v)
            text = (f"split before residue {s.residue} ({s.aa}) with Npu DnaE: N vector "
                    f"{s.n_length:,} nt ({s.n_band.replace('_', ' ')}), C vector "
                    f"{s.c_length:,} nt ({s.c_band.replace('_', ' ')}); limit {limit:,}")
            if not design.fits:
                text += ("; even the best split leaves a vector over the limit; three or more "
                         "vectors would need a second, orthogonal split intein, which the "
                         "element library does not hold")
            out.append(Proposal("dual_aav_split_intein", text, design.to_dict(),
                                feasible=design.fits))
    ch = choose_elements(len(cds), vector="LV", library=lib)
    five, three = fixed_parts("LV", lib)
    total = (sum(p.length for p in five + three) + ch.promoter.length + 6 + len(cds)
             + (ch.wpre.length if ch.wpre else 0))
    fit = assess_fit(len(cds), total, "LV")
    out.append(Proposal(
        "lentiviral_ex_vivo",
        f"lentiviral vector for ex vivo transduction (e.g. haematopoietic stem cells) with "
        f"{ch.promoter.name}: LTR-to-LTR {total:,} nt ({fit.band.replace('_', ' ')}, "
        f"limit {fit.fine_limit:,}); integrating vector, so insertion-site risk applies",
        {"fit": fit.to_dict(), "promoter": ch.promoter.name}, feasible=fit.fits))
    return out


def require_fit(fit: FitAssessment, name: str) -> None:
    """Raise :class:`InfeasibleDesignError` when ``fit`` is not in the fine band."""
    if not fit.fits:
        raise InfeasibleDesignError(name, fit.message)


def summarize(proposals: Sequence[Proposal]) -> list[str]:
    """One line per proposal."""
    return [f"[{'feasible' if p.feasible else 'not feasible'}] {p.kind}: {p.summary}"
            for p in proposals]


__all__ = [
    "INTEIN_C", "INTEIN_N", "SPLIT_RESIDUES", "FitAssessment", "Proposal", "ShortenedCDS",
    "ShortenedVersion", "SplitDesign", "SplitSite", "assess_fit", "build_shortened",
    "choose_split", "get_version", "propose", "require_fit", "shortened_versions",
    "split_cassettes", "split_sites", "summarize", "versions_for",
]
