"""Patient variants: parse the forms users write, map them to the genome, describe the effect.

One string holds one variant, in one of four forms (surrounding white space is ignored, and so
are spaces inside an HGVS description such as ``c.1890 + 1G>T``):

* **HGVS on a transcript** -- ``c.31A>T``, ``NM_004006.2:c.31A>T``, ``NM_004006.2(DMD):c.…``:
  substitutions (``c.4375C>T``), deletions (``c.100_102del``, bases may be stated:
  ``c.100_102delAGG``), duplications (``c.10dup``), insertions (``c.76_77insT``) and
  deletion-insertions (``c.5_6delinsTT``), at coding, UTR (``c.-14``, ``c.*18``) and intronic
  (``c.6614+1``, ``c.6615-2``) positions;
* **HGVS on the chromosome** -- ``g.32389644G>A``, ``chrX:g.32389644G>A`` or
  ``NC_000023.11:g.32389644G>A`` (1-based), with the same changes;
* **VCF style** -- ``X:32389644:G:A`` or ``chrX-32389644-G-A``: chromosome, 1-based position,
  REF and ALT as in a VCF line;
* **exon-level copy-number changes** -- ``del ex45-50``, ``dup ex2`` (also ``ex45_50del``,
  ``deletion of exons 45-50``), on the exon numbering of the chosen transcript.

:func:`parse_variant` maps the variant onto the genome and returns a :class:`Variant`:

* ``start``/``end`` are 0-based half-open on the plus strand, ``ref``/``alt`` the plus-strand
  alleles in their normalised form: common bases trimmed, indels shifted to the left as far as
  the sequence allows (the VCF convention; Tan, Abecasis & Kang 2015, Bioinformatics 31:2202).
  An insertion has ``start == end`` and ``ref == ""``; a duplication is the insertion of the
  duplicated bases. ``vcf`` is the same change as a VCF record (anchor base added for indels).
* ``effect`` (:class:`VariantEffect`) describes the variant on the chosen transcript: the HGVS
  c. description (3' rule of the HGVS recommendations, den Dunnen et al. 2016, Hum Mutat
  37:564; the shift follows the genomic sequence, across exon edges too), exons and introns
  touched, the regions
  (``utr5``, ``cds``, ``utr3``, ``intron``, ``upstream``, ``downstream``, ``exon`` for
  non-coding transcripts), in-frame vs frameshift, the protein change of coding substitutions,
  whether an intronic +1/+2/-1/-2 base is hit, and a consequence term of the Sequence Ontology
  (Eilbeck et al. 2005, Genome Biol 6:R44) as used by Ensembl VEP.

Protein changes are written in HGVS three-letter code inside parentheses, because they are
predicted from DNA, with ``Ter`` for a stop codon: ``p.(Arg1459Ter)`` (nonsense),
``p.(Ala331Thr)`` (missense), ``p.(Ala331=)`` (synonymous), ``p.(Met1?)`` (start codon lost),
``p.(Ter3686GlnextTer17)`` (stop codon lost; ``extTer?`` when no new stop is found before the
transcript ends).

Where an indel sits in a repeat it has several equivalent places. The effect is read at the most
3' place that stays inside one exon: when such a place exists the sequence at the exon edge,
splice-site bases included, comes out as before (``c.24del`` of a G before an intronic G is
described ``c.24+1del`` but is an exonic frameshift). Otherwise it is read at the HGVS place.

Reading frame of a change: a sequence change inside the coding part of one exon is in frame when
the net change in length is a multiple of 3. A sequence deletion that removes whole internal
exons and cuts only in the introns around them, sparing the donor before and the acceptor after,
is read as the deletion of those exons. An exon deletion removes the coding bases of its
exons; a deletion that takes the exon with the start or the stop codon has no frame verdict. An
exon duplication inserts a second copy of whole exons after the last one; it is in frame when
their total length is a multiple of 3, and has no verdict when the range holds the stop codon
(translation ends in the first copy) or no coding base.

Bad input raises :class:`~genetx.errors.InvalidVariantError` (does not parse, positions outside
the transcript or gene, reversed ranges, exon numbers the transcript does not have) or
:class:`~genetx.errors.ReferenceMismatchError` when a stated reference base disagrees with the
genome; each message names the input and both bases. Nothing is guessed silently.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from genetx.core.seq import AA3, CODON_TABLE, reverse_complement
from genetx.errors import (
    BadInputError,
    InvalidVariantError,
    MissingDataError,
    ReferenceMismatchError,
)
from genetx.genome._base import chrom_key
from genetx.genome.models import CPos, Gene, Transcript, split_version

if TYPE_CHECKING:
    from genetx.genome._base import Genome

VariantKind = Literal["substitution", "deletion", "duplication", "insertion", "delins",
                      "exon_deletion", "exon_duplication"]
Region = Literal["upstream", "utr5", "cds", "utr3", "exon", "intron", "downstream"]
Frame = Literal["in_frame", "frameshift"]
System = Literal["c", "g", "vcf", "exon"]

VARIANT_KINDS: tuple[str, ...] = ("substitution", "deletion", "duplication", "insertion",
                                  "delins", "exon_deletion", "exon_duplication")

#: RefSeq accessions of the human chromosomes (NCBI assembly reports for GRCh37 and GRCh38:
#: NC_000001-NC_000022 are chromosomes 1-22, NC_000023 is X, NC_000024 is Y, NC_012920 is the
#: mitochondrial genome). The version tells the build (NC_000023.10 GRCh37, .11 GRCh38); GeneTx
#: maps by chromosome only and does not check the version against the genome.
_REFSEQ_CHROM = re.compile(r"^NC_0000(?P<n>\d\d)(?:\.\d+)?$")
_REFSEQ_MT = re.compile(r"^NC_012920(?:\.\d+)?$")

_EXPECTED = ("expected HGVS c. (c.31A>T, NM_004006.2:c.6614+1G>A, c.100_102del, c.10dup, "
             "c.76_77insT, c.5_6delinsTT), HGVS g. (chrX:g.32389644G>A), VCF style "
             "(X:32389644:G:A) or an exon change (del ex45-50, dup ex2)")

_CPOS = r"[-*]?\d+(?:[-+]\d+)?"
_ACC = r"(?P<acc>[A-Za-z][A-Za-z0-9_]*(?:\.\d+)?)(?:\((?P<sym>[^()\s:]+)\))?"
_C_RE = re.compile(rf"^(?:{_ACC}:)?c\.(?P<p1>{_CPOS})(?:_(?P<p2>{_CPOS}))?(?P<change>.*)$",
                   re.IGNORECASE)
_G_RE = re.compile(r"^(?:(?P<acc>[A-Za-z0-9_.]+):)?g\.(?P<p1>\d+)(?:_(?P<p2>\d+))?"
                   r"(?P<change>.*)$", re.IGNORECASE)
_VCF_RE = re.compile(r"^(?P<chrom>[A-Za-z0-9_.]+)[:\-](?P<pos>\d[\d,]*)[:\-](?P<ref>[A-Za-z]+)"
                     r"[:\-](?P<alt>[A-Za-z.*<>,]+)$")
_EXON_PRE = re.compile(r"^(?P<op>del|dup)(?:etion|lication)?\s*(?:of\s+)?ex(?:on)?s?\s*"
                       r"(?P<a>\d+)(?:\s*[-_\u2013]\s*(?P<b>\d+))?$", re.IGNORECASE)
_EXON_POST = re.compile(r"^ex(?:on)?s?\s*(?P<a>\d+)(?:\s*[-_\u2013]\s*(?P<b>\d+))?\s*"
                        r"(?P<op>del|dup)(?:etion|lication)?$", re.IGNORECASE)
_SUB = re.compile(r"^(?P<ref>[ACGT])>(?P<alt>[ACGT])$", re.IGNORECASE)
_DELINS = re.compile(r"^del(?P<ref>[ACGT]*)ins(?P<alt>[ACGT]+)$", re.IGNORECASE)
_DEL = re.compile(r"^del(?P<ref>[ACGT]*)$", re.IGNORECASE)
_DUP = re.compile(r"^dup(?P<ref>[ACGT]*)$", re.IGNORECASE)
_INS = re.compile(r"^ins(?P<alt>[ACGT]+)$", re.IGNORECASE)
_OTHER_HGVS = re.compile(r"^(?:[A-Za-z][\w.()]*:)?(?P<sys>[prnmo])\.", re.IGNORECASE)


# --------------------------------------------------------------------------------------------
# result types


@dataclass(frozen=True)
class VcfRecord:
    """A variant as the CHROM/POS/REF/ALT columns of a VCF line.

    Attributes
    ----------
    chrom
        Chromosome name as the genome and annotation spell it.
    pos
        1-based position of the first REF base.
    ref, alt
        Alleles on the plus strand; indels carry the anchor base before the change (the base
        after it when the change starts the contig). Exon-level changes use symbolic ALT
        alleles ``<DEL>`` / ``<DUP>`` with the anchor base (``N`` when no genome was given).
    end
        1-based last base covered by a symbolic allele (the VCF ``INFO/END``), else None.
    """

    chrom: str
    pos: int
    ref: str
    alt: str
    end: int | None = None

    def __str__(self) -> str:
        """``CHROM:POS:REF:ALT``, the form :func:`parse_variant` reads back."""
        return f"{self.chrom}:{self.pos}:{self.ref}:{self.alt}"


@dataclass(frozen=True)
class VariantEffect:
    """What a variant does to one transcript.

    Attributes
    ----------
    transcript
        Transcript id.
    hgvs_c
        HGVS description on the transcript, without the accession (``c.4375C>T``,
        ``c.6614+1G>A``, ``c.(6438+1_6439-1)_(7309+1_7310-1)del``); ``n.`` for non-coding
        transcripts.
    exons
        Numbers of the exons the variant touches (transcript order, exon 1 is 5'-most).
    introns
        Numbers of the introns it touches (intron k follows exon k).
    regions
        Parts of the transcript it touches, 5' to 3': ``upstream``, ``utr5``, ``cds``,
        ``utr3``, ``exon`` (non-coding transcript), ``intron``, ``downstream``.
    coding_change
        Net change in coding length in nucleotides (negative for a loss) when the change stays
        inside the coding sequence or is an exon-level change with a frame verdict, else None.
    frame
        ``"in_frame"`` or ``"frameshift"`` for indels and exon-level changes that alter the
        coding sequence; None otherwise (substitutions, non-coding, splice junctions, start or
        stop exon removed).
    protein
        HGVS p. change of a coding substitution (``p.(Arg1459Ter)``), else None.
    splice_site
        True when the variant hits an intronic +1, +2, -1 or -2 base (or an insertion splits the
        GT/AG dinucleotide from its exon).
    consequence
        A Sequence Ontology term: ``missense_variant``, ``stop_gained``, ``synonymous_variant``,
        ``start_lost``, ``stop_lost``, ``stop_retained_variant``, ``frameshift_variant``,
        ``inframe_deletion``, ``inframe_insertion``, ``protein_altering_variant``,
        ``splice_donor_variant``, ``splice_acceptor_variant``, ``intron_variant``,
        ``5_prime_UTR_variant``, ``3_prime_UTR_variant``, ``upstream_gene_variant``,
        ``downstream_gene_variant``, ``coding_sequence_variant``,
        ``non_coding_transcript_exon_variant``, ``exon_loss_variant`` or
        ``feature_amplification`` (exon duplication).
    notes
        Short remarks that qualify the verdict (start or stop codon removed, exon-intron
        junction crossed ...).
    """

    transcript: str
    hgvs_c: str
    exons: tuple[int, ...]
    introns: tuple[int, ...]
    regions: tuple[str, ...]
    coding_change: int | None
    frame: Frame | None
    protein: str | None
    splice_site: bool
    consequence: str
    notes: tuple[str, ...] = ()

    @property
    def in_frame(self) -> bool | None:
        """True for an in-frame change, False for a frameshift, None without a verdict."""
        return None if self.frame is None else self.frame == "in_frame"


@dataclass(frozen=True)
class Variant:
    """A patient variant mapped onto the genome.

    Attributes
    ----------
    notation
        The string as given (outer white space removed).
    kind
        ``substitution``, ``deletion``, ``duplication``, ``insertion``, ``delins``,
        ``exon_deletion`` or ``exon_duplication``. HGVS input keeps the stated kind; VCF-style
        input is classified from its alleles (an insertion that copies the bases next to it is a
        duplication).
    chrom
        Chromosome, spelled as in the transcript model.
    start, end
        0-based half-open plus-strand span of the normalised change (``start == end`` for an
        insertion); for exon-level changes, the span from the first to the last exon.
    ref, alt
        Normalised plus-strand alleles; None for exon-level changes, whose breakpoints in the
        introns are unknown.
    transcript
        Id of the transcript the variant was mapped on, when there was one.
    accession
        The reference named in the notation (``NM_004006.2``, ``NC_000023.11``, ``chrX``), or
        None.
    exon_range
        ``(first, last)`` exon numbers of an exon-level change, else None.
    vcf
        The change as a VCF record.
    effect
        Its effect on :attr:`transcript`.
    """

    notation: str
    kind: str
    chrom: str
    start: int
    end: int
    ref: str | None
    alt: str | None
    transcript: str | None = None
    accession: str | None = None
    exon_range: tuple[int, int] | None = None
    vcf: VcfRecord | None = None
    effect: VariantEffect | None = None

    @property
    def is_exon_level(self) -> bool:
        """True for exon deletions and duplications."""
        return self.kind in ("exon_deletion", "exon_duplication")

    @property
    def length_change(self) -> int | None:
        """``len(alt) - len(ref)`` on the genome (None for exon-level changes)."""
        if self.ref is None or self.alt is None:
            return None
        return len(self.alt) - len(self.ref)

    @property
    def location(self) -> str:
        """``CHROM:START-END`` with 1-based inclusive numbers (an insertion names its flanks)."""
        if self.start == self.end:
            return f"{self.chrom}:{self.start:,}^{self.start + 1:,}"
        if self.end - self.start == 1:
            return f"{self.chrom}:{self.start + 1:,}"
        return f"{self.chrom}:{self.start + 1:,}-{self.end:,}"

    def to_dict(self) -> dict[str, Any]:
        """Plain types only (for JSON): the fields, the VCF record and the effect."""
        out: dict[str, Any] = {
            "notation": self.notation, "kind": self.kind, "chrom": self.chrom,
            "start": self.start, "end": self.end, "ref": self.ref, "alt": self.alt,
            "transcript": self.transcript, "accession": self.accession,
            "exon_range": list(self.exon_range) if self.exon_range else None,
            "vcf": None, "effect": None,
        }
        if self.vcf is not None:
            out["vcf"] = {"chrom": self.vcf.chrom, "pos": self.vcf.pos, "ref": self.vcf.ref,
                          "alt": self.vcf.alt, "end": self.vcf.end}
        if self.effect is not None:
            e = self.effect
            out["effect"] = {
                "transcript": e.transcript, "hgvs_c": e.hgvs_c, "exons": list(e.exons),
                "introns": list(e.introns), "regions": list(e.regions),
                "coding_change": e.coding_change, "frame": e.frame, "protein": e.protein,
                "splice_site": e.splice_site, "consequence": e.consequence,
                "notes": list(e.notes),
            }
        return out


@dataclass(frozen=True)
class Notation:
    """The syntax of a variant string, before it is placed on a genome.

    Attributes
    ----------
    text
        The string as given (outer white space removed).
    system
        ``c`` (HGVS on a transcript), ``g`` (HGVS on a chromosome), ``vcf`` or ``exon``.
    kind
        The variant kind (see :class:`Variant`).
    accession
        Reference named before the colon (transcript accession for ``c``, chromosome or RefSeq
        accession for ``g``), or None.
    gene
        Gene symbol given in parentheses after the accession (``NM_004006.2(DMD):c.…``).
    chrom
        Chromosome of ``g`` and ``vcf`` notations (RefSeq ``NC_`` accessions translated).
    first, last
        Positions: :class:`~genetx.genome.models.CPos` for ``c``, 1-based integers for ``g``
        and ``vcf``, exon numbers for ``exon``. ``last`` equals ``first`` for single positions.
    ref
        Stated reference bases (transcript strand for ``c``), ``""`` when not stated.
    alt
        Stated new bases (inserted or substituted), ``""`` for deletions and duplications.
    """

    text: str
    system: System
    kind: str
    first: Any
    last: Any
    ref: str = ""
    alt: str = ""
    accession: str | None = None
    gene: str | None = None
    chrom: str | None = None


# --------------------------------------------------------------------------------------------
# syntax


def _fail(text: str, reason: str) -> InvalidVariantError:
    return InvalidVariantError(text, reason)


def _refseq_to_chrom(acc: str) -> str | None:
    m = _REFSEQ_CHROM.match(acc)
    if m:
        n = int(m["n"])
        if 1 <= n <= 22:
            return str(n)
        return {23: "X", 24: "Y"}.get(n)
    return "MT" if _REFSEQ_MT.match(acc) else None


def _parse_change(text: str, change: str) -> tuple[str, str, str]:
    """Kind, stated ref and alt of an HGVS change (``A>T``, ``del``, ``dupAG`` ...)."""
    for rx, kind in ((_SUB, "substitution"), (_DELINS, "delins"), (_DEL, "deletion"),
                     (_DUP, "duplication"), (_INS, "insertion")):
        m = rx.match(change)
        if m:
            d = m.groupdict()
            return kind, (d.get("ref") or "").upper(), (d.get("alt") or "").upper()
    low = change.lower()
    if not change:
        reason = "has a position but no change; " + _EXPECTED
    elif low.startswith(("inv", "con")) or "[" in change or "(" in change:
        reason = (f"change {change!r} is not supported (inversions, conversions, repeats and "
                  "uncertain ranges are not); use >, del, dup, ins or delins")
    elif re.match(r"^(del|dup|ins)\d", low) or re.match(r"^delins\d", low):
        reason = (f"change {change!r} gives a length instead of bases; state the bases "
                  "(c.76_77insTTA), or none for del/dup")
    elif low == "=":
        reason = "describes no change (=)"
    elif ">" in change:
        reason = (f"substitution {change!r} must be one base to another, A, C, G or T "
                  "(c.31A>T); use delins for longer changes")
    else:
        reason = (f"change {change!r} is not one of >, del, dup, ins, delins with bases "
                  "A, C, G, T")
    raise _fail(text, reason)


def _parse_cpos(text: str, raw: str) -> CPos:
    star = raw.startswith("*")
    body = raw[1:] if star else raw
    m = re.match(r"^(?P<pos>-?\d+)(?P<off>[-+]\d+)?$", body)
    if not m:  # pragma: no cover - the outer regex only lets valid shapes through
        raise _fail(text, f"position c.{raw} is not a c. position")
    pos = int(m["pos"])
    off = int(m["off"]) if m["off"] else 0
    if star and pos < 1:
        raise _fail(text, f"position c.{raw} is not valid: c.*N needs N >= 1")
    if pos == 0:
        raise _fail(text, "there is no position c.0 (c.-1 is the base before c.1)")
    if m["off"] and off == 0:
        raise _fail(text, f"position c.{raw} has a zero intronic offset")
    return CPos(pos, off, star)


def parse_notation(text: str) -> Notation:
    """Read the syntax of a variant string without placing it on a genome.

    Parameters
    ----------
    text
        One variant: HGVS c. or g., VCF style ``CHROM:POS:REF:ALT`` or an exon change.

    Returns
    -------
    The :class:`Notation`.

    Raises
    ------
    InvalidVariantError
        When the string is not one of the accepted forms; the message names the string and
        what was expected.

    Examples
    --------
    >>> n = parse_notation("NM_004006.2:c.6614+1G>A")
    >>> n.system, n.kind, str(n.first), n.ref, n.alt, n.accession
    ('c', 'substitution', '6614+1', 'G', 'A', 'NM_004006.2')
    >>> parse_notation("del ex45-50").first, parse_notation("del ex45-50").last
    (45, 50)
    >>> parse_notation("21:25585733:C:T").chrom
    '21'
    """
    raw = str(text).strip()
    if not raw:
        raise _fail(repr(str(text)), "is empty; " + _EXPECTED)

    m = _EXON_PRE.match(raw) or _EXON_POST.match(raw)
    if m:
        a = int(m["a"])
        b = int(m["b"]) if m["b"] else a
        kind = "exon_deletion" if m["op"].lower() == "del" else "exon_duplication"
        if a < 1 or b < 1:
            raise _fail(raw, "exon numbers start at 1")
        if b < a:
            raise _fail(raw, f"exon range {a}-{b} is reversed; write the lower number first "
                             f"({b}-{a})")
        return Notation(raw, "exon", kind, a, b)

    compact = re.sub(r"\s+", "", raw)
    m = _C_RE.match(compact)
    if m:
        first = _parse_cpos(raw, m["p1"])
        last = _parse_cpos(raw, m["p2"]) if m["p2"] else first
        kind, ref, alt = _parse_change(raw, m["change"])
        _check_shape(raw, kind, m["p2"] is not None, ref)
        return Notation(raw, "c", kind, first, last, ref, alt, accession=m["acc"],
                        gene=m["sym"])

    m = _G_RE.match(compact)
    if m:
        first = int(m["p1"])
        last = int(m["p2"]) if m["p2"] else first
        if first < 1 or last < 1:
            raise _fail(raw, "genomic positions are 1-based (g.1 is the first base)")
        kind, ref, alt = _parse_change(raw, m["change"])
        _check_shape(raw, kind, m["p2"] is not None, ref)
        acc = m["acc"]
        chrom = None
        if acc:
            chrom = _refseq_to_chrom(acc)
            if chrom is None:
                if re.match(r"^(N[CGMRT]|X[MR]|LRG|ENS)[A-Z]*_?\d", acc, re.IGNORECASE):
                    raise _fail(raw, f"reference {acc} is not a chromosome; give the chromosome "
                                     "(chrX:g.…) or an NC_ accession")
                chrom = acc
        return Notation(raw, "g", kind, first, last, ref, alt, accession=acc, chrom=chrom)

    m = _VCF_RE.match(compact)
    if m:
        pos = int(m["pos"].replace(",", ""))
        ref, alt = m["ref"].upper(), m["alt"].upper()
        if pos < 1:
            raise _fail(raw, "VCF positions are 1-based (POS 1 is the first base)")
        if "," in alt:
            raise _fail(raw, f"ALT {alt} holds several alleles; give one variant at a time")
        if alt in (".", "*") or alt.startswith("<"):
            raise _fail(raw, f"ALT {alt} is not a sequence; symbolic and missing alleles are "
                             "not supported (use del exN-M / dup exN for exon changes)")
        for name, allele in (("REF", ref), ("ALT", alt)):
            bad = sorted(set(allele) - set("ACGT"))
            if bad:
                raise _fail(raw, f"{name} {allele} holds {''.join(bad)}; alleles must be A, C, "
                                 "G, T")
        if ref == alt:
            raise _fail(raw, "REF and ALT are the same; there is no change")
        kind = _classify(ref, alt)
        return Notation(raw, "vcf", kind, pos, pos + len(ref) - 1, ref, alt, chrom=m["chrom"])

    m = _OTHER_HGVS.match(compact)
    if m:
        sysname = m["sys"].lower()
        if sysname == "p":
            reason = ("protein (p.) descriptions cannot be mapped to one DNA change; give the "
                      "c. or g. description")
        else:
            reason = f"HGVS {sysname}. descriptions are not supported; " + _EXPECTED
        raise _fail(raw, reason)
    raise _fail(raw, "is not a variant GeneTx can read; " + _EXPECTED)


def _check_shape(text: str, kind: str, is_range: bool, ref: str) -> None:
    if kind == "substitution" and is_range:
        raise _fail(text, "a substitution (>) names one position; use delins for a range")
    if kind == "insertion" and not is_range:
        raise _fail(text, "an insertion names the two bases it lies between (c.76_77insT)")


def _classify(ref: str, alt: str) -> str:
    """Kind of a VCF-style change from its alleles (before normalisation)."""
    r, a = ref, alt
    while r and a and r[-1] == a[-1]:
        r, a = r[:-1], a[:-1]
    while r and a and r[0] == a[0]:
        r, a = r[1:], a[1:]
    if len(r) == 1 and len(a) == 1:
        return "substitution"
    if not a:
        return "deletion"
    if not r:
        return "insertion"  # duplication is decided against the genome later
    return "delins"


# --------------------------------------------------------------------------------------------
# genome helpers


def _fmt(pos0: int) -> str:
    return f"{pos0 + 1:,}"


def _bounds(genome: Genome, chrom: str, start: int, end: int) -> tuple[int, int]:
    """Span ``[lo, hi)`` of the stored record that holds ``chrom:[start, end)``."""
    key = chrom_key(chrom)
    for s in genome.segments():
        if chrom_key(s.chrom) == key and s.offset <= start and end <= s.end:
            return s.offset, s.end
    recs = genome.records()
    if chrom in recs:
        return 0, recs[chrom]
    # let fetch raise its own MissingDataError naming the available spans
    genome.fetch(chrom, start, max(end, start + 1))
    return start, end  # pragma: no cover


def _fetch(genome: Genome, chrom: str, start: int, end: int, strand: str = "+") -> str:
    return genome.fetch(chrom, start, end, strand).upper()  # type: ignore[arg-type]


def _shift(genome: Genome, chrom: str, start: int, seq: str, *, deletion: bool,
           right: bool, lo: int, hi: int) -> tuple[int, str]:
    """Slide an indel of ``seq`` at ``start`` as far left (or right) as the sequence allows.

    For a deletion ``seq`` is the deleted stretch ``[start, start + len)``; for an insertion it
    is inserted before ``start``. Returns the new start and the rotated ``seq``.
    """
    n = len(seq)
    chunk = 64
    if not right:
        while start > lo:
            a = max(lo, start - chunk)
            flank = _fetch(genome, chrom, a, start)
            moved = 0
            for base in reversed(flank):
                if base != seq[-1]:
                    return start, seq
                seq = base + seq[:-1]
                start -= 1
                moved += 1
            if moved < len(flank):  # pragma: no cover - loop returns first
                break
        return start, seq
    pos = start + n if deletion else start  # first base after the indel
    while pos < hi:
        b = min(hi, pos + chunk)
        flank = _fetch(genome, chrom, pos, b)
        for base in flank:
            if base != seq[0]:
                return pos - (n if deletion else 0), seq
            seq = seq[1:] + base
            pos += 1
    return pos - (n if deletion else 0), seq


def _normalise(genome: Genome, chrom: str, start: int, end: int, ref: str,
               alt: str) -> tuple[int, int, str, str]:
    """Trim shared bases, then left-align an indel (VCF normal form)."""
    while ref and alt and ref[-1] == alt[-1]:
        ref, alt, end = ref[:-1], alt[:-1], end - 1
    while ref and alt and ref[0] == alt[0]:
        ref, alt, start = ref[1:], alt[1:], start + 1
    if ref and alt:
        return start, end, ref, alt
    lo, hi = _bounds(genome, chrom, start, end)
    if alt:  # insertion before `start`
        start, alt = _shift(genome, chrom, start, alt, deletion=False, right=False, lo=lo,
                            hi=hi)
        return start, start, "", alt
    start, ref = _shift(genome, chrom, start, ref, deletion=True, right=False, lo=lo, hi=hi)
    return start, start + len(ref), ref, ""


def _vcf_record(genome: Genome, chrom: str, start: int, end: int, ref: str,
                alt: str) -> VcfRecord:
    if ref and alt:
        return VcfRecord(chrom, start + 1, ref, alt)
    lo, _hi = _bounds(genome, chrom, start, end)
    if start > lo:
        anchor = _fetch(genome, chrom, start - 1, start)
        return VcfRecord(chrom, start, anchor + ref, anchor + alt)
    after = _fetch(genome, chrom, end, end + 1)
    return VcfRecord(chrom, start + 1, ref + after, alt + after)


# --------------------------------------------------------------------------------------------
# transcript helpers


def _features(tx: Transcript) -> list[tuple[int, int, str, int]]:
    """Genomic pieces ``(start, end, region, number)`` of the transcript, in transcript order.

    ``number`` is the exon number for exonic pieces and the intron number for introns.
    """
    out: list[tuple[int, int, str, int]] = []
    introns = tx.introns
    for k, (s, e) in enumerate(tx.exons):
        if tx.cds is None:
            out.append((s, e, "exon", k + 1))
        else:
            cs, ce = tx.cds
            left = (s, min(e, cs)) if s < cs else None
            mid = (max(s, cs), min(e, ce)) if max(s, cs) < min(e, ce) else None
            right = (max(s, ce), e) if e > ce else None
            parts = ([(left, "utr5"), (mid, "cds"), (right, "utr3")] if tx.strand == "+"
                     else [(right, "utr5"), (mid, "cds"), (left, "utr3")])
            for iv, name in parts:
                if iv is not None:
                    out.append((iv[0], iv[1], name, k + 1))
        if k < len(introns):
            out.append((introns[k][0], introns[k][1], "intron", k + 1))
    return out


def _splice_dinucleotides(tx: Transcript) -> list[tuple[int, str, int]]:
    """``(start, side, exon_side)`` of each intron's first and last two bases.

    ``side`` is ``donor`` or ``acceptor``; ``exon_side`` is -1 when the neighbouring exon lies to
    the left on the plus strand, +1 when it lies to the right.
    """
    out = []
    for s, e in tx.introns:
        if e - s < 2:
            continue
        if tx.strand == "+":
            out.append((s, "donor", -1))
            out.append((e - 2, "acceptor", +1))
        else:
            out.append((e - 2, "donor", +1))
            out.append((s, "acceptor", -1))
    return out


def _cstr(tx: Transcript, pos: int) -> str:
    """HGVS c. (or n.) position string of a genomic base."""
    if tx.cds is None:
        return str(tx.genome_to_n(pos))
    return str(tx.genome_to_c(pos))


def _cprefix(tx: Transcript) -> str:
    return "c." if tx.cds is not None else "n."


# --------------------------------------------------------------------------------------------
# mapping


def _pick_transcript(target: Gene | Transcript, wanted: str | None, notation: Notation,
                     ) -> tuple[Transcript, Gene | None]:
    acc = notation.accession if notation.system == "c" else None
    if isinstance(target, Transcript):
        tx = target
        for name in (wanted, acc):
            if name and not _same_accession(name, tx.id):
                msg = f"names transcript {name}, but the variant is mapped on {tx.id}"
                raise InvalidVariantError(notation.text, msg)
        return tx, None
    gene = target
    if wanted and acc and not (_same_accession(wanted, acc) or _same_accession(acc, wanted)):
        msg = f"names transcript {acc}, but --transcript asks for {wanted}"
        raise InvalidVariantError(notation.text, msg)
    tx = gene.transcript(acc or wanted)
    if acc and not _same_accession(acc, tx.id):  # pragma: no cover - Gene.transcript is exact
        msg = f"names transcript {acc}, but the model has {tx.id}"
        raise InvalidVariantError(notation.text, msg)
    if notation.gene and notation.gene.upper() != gene.symbol.upper():
        msg = f"names gene {notation.gene}, but the variant is mapped on {gene.symbol}"
        raise InvalidVariantError(notation.text, msg)
    return tx, gene


def _same_accession(asked: str, have: str) -> bool:
    """``NM_004006`` matches ``NM_004006.2``; with a version both must agree."""
    if asked == have:
        return True
    base, version = split_version(asked)
    return version is None and split_version(have)[0] == base


def _c_to_genome(tx: Transcript, cp: CPos, text: str, gene: Gene | None = None) -> int:
    if tx.cds is None:
        msg = f"{tx.id} is non-coding, so it has no c. positions"
        raise InvalidVariantError(text, msg)
    a, b = tx.cds_tx_range  # type: ignore[misc]
    cds_len = b - a
    if not cp.utr3 and cp.pos > cds_len:
        msg = (f"c.{cp.pos} is past the stop codon of {tx.id} (the CDS is c.1-c.{cds_len}); "
               "positions after it are written c.*N")
        raise InvalidVariantError(text, msg)
    if not cp.utr3 and cp.pos < 0 and -cp.pos > a:
        first = f"c.-{a}" if a else "c.1"
        msg = f"c.{cp} lies upstream of {tx.id}, whose first base is {first}"
        raise InvalidVariantError(text, msg)
    if cp.utr3 and cp.pos > tx.length - b:
        last = f"c.*{tx.length - b}" if tx.length > b else f"c.{cds_len}"
        msg = f"c.{cp} lies downstream of {tx.id}, whose last base is {last}"
        raise InvalidVariantError(text, msg)
    if cp.offset:
        _check_offset(tx, cp, text)
    try:
        pos = tx.c_to_genome(cp)
    except BadInputError as exc:
        raise InvalidVariantError(text, exc.reason) from None
    lo, hi = (min(gene.start, tx.start), max(gene.end, tx.end)) if gene else (tx.start, tx.end)
    if not lo <= pos < hi:
        label = gene.symbol if gene is not None else tx.id
        msg = (f"c.{cp} ({_span_where(tx.chrom, pos, pos + 1)}) lies outside {label} "
               f"({tx.chrom}:{_fmt(lo)}-{hi:,})")
        raise InvalidVariantError(text, msg)
    return pos


def _check_offset(tx: Transcript, cp: CPos, text: str) -> None:
    """An intronic offset counts from an exon's edge base and stays inside its intron."""
    anchor = tx.tx_to_genome(tx.c_to_tx(CPos(cp.pos, 0, cp.utr3)))
    k = tx.exon_at(anchor)
    if k is None:  # pragma: no cover - tx_to_genome returns exonic positions
        return
    s, e = tx.exons[k - 1]
    first, last = (s, e - 1) if tx.strand == "+" else (e - 1, s)
    base = CPos(cp.pos, 0, cp.utr3)
    if cp.offset > 0 and anchor != last:
        msg = (f"c.{cp}: a + offset counts from the last base of an exon, and c.{base} is not "
               f"one (exon {k} ends at c.{_cstr(tx, last)})")
        raise InvalidVariantError(text, msg)
    if cp.offset < 0 and anchor != first:
        msg = (f"c.{cp}: a - offset counts from the first base of an exon, and c.{base} is not "
               f"one (exon {k} starts at c.{_cstr(tx, first)})")
        raise InvalidVariantError(text, msg)
    intron = k if cp.offset > 0 else k - 1
    if 1 <= intron <= len(tx.introns):
        i_s, i_e = tx.introns[intron - 1]
        if abs(cp.offset) > i_e - i_s:
            msg = f"c.{cp} runs past intron {intron}, which is {i_e - i_s:,} bp long"
            raise InvalidVariantError(text, msg)


def _check_ref(text: str, stated: str, actual: str, where: str) -> None:
    if stated and stated != actual:
        msg = f"reference is {actual} at {where}, not {stated}"
        raise ReferenceMismatchError(text, msg)


def _span_where(chrom: str, start: int, end: int, strand: str = "+") -> str:
    span = _fmt(start) if end - start == 1 else f"{_fmt(start)}-{end:,}"
    side = "" if strand == "+" else " (minus strand)"
    return f"{chrom}:{span}{side}"


def _need_genome(genome: Genome | None, text: str) -> Genome:
    if genome is None:
        msg = "a genome is needed to check the reference bases of this variant"
        raise MissingDataError(text, msg)
    return genome


def _map_sequence_variant(n: Notation, tx: Transcript, gene: Gene | None,
                          genome: Genome) -> tuple[str, int, int, str, str]:
    """Chromosome, plus-strand span and alleles of a c./g./VCF notation (not yet normalised)."""
    text = n.text
    if n.system == "c":
        chrom, strand = tx.chrom, tx.strand
        g1 = _c_to_genome(tx, n.first, text, gene)
        g2 = _c_to_genome(tx, n.last, text, gene) if n.last != n.first else g1
        forward = g2 >= g1 if strand == "+" else g2 <= g1
        if not forward or (n.kind == "insertion" and g1 == g2):
            msg = (f"range c.{n.first}_{n.last} is reversed; write the 5' position first "
                   f"(c.{n.last}_{n.first})") if g1 != g2 else (
                f"range c.{n.first}_{n.last} names the same base twice")
            raise InvalidVariantError(text, msg)
        lo, hi = min(g1, g2), max(g1, g2) + 1
        ins_point = hi - 1  # an insertion goes before the right-hand base on the plus strand
    else:
        strand = "+"
        chrom = n.chrom or tx.chrom
        if chrom_key(chrom) != chrom_key(tx.chrom):
            label = gene.symbol if gene is not None else tx.id
            msg = f"is on chromosome {chrom}, but {label} is on {tx.chrom}"
            raise InvalidVariantError(text, msg)
        chrom = tx.chrom
        lo, hi = n.first - 1, n.last
        if hi <= lo:
            msg = f"range g.{n.first}_{n.last} is reversed; write the lower position first"
            raise InvalidVariantError(text, msg)
        ins_point = hi - 1
        _check_inside(text, tx, gene, lo, hi)
    if n.system == "vcf":
        ref_plus = _fetch(genome, chrom, lo, hi)
        _check_ref(text, n.ref, ref_plus, _span_where(chrom, lo, hi))
        return chrom, lo, hi, ref_plus, n.alt
    if n.kind == "insertion":
        if hi - lo != 2:
            where = "c." if n.system == "c" else "g."
            msg = (f"an insertion lies between two neighbouring bases, but {where}{n.first} and "
                   f"{where}{n.last} are not neighbours")
            raise InvalidVariantError(text, msg)
        alt = n.alt if strand == "+" else reverse_complement(n.alt)
        return chrom, ins_point, ins_point, "", alt

    ref_plus = _fetch(genome, chrom, lo, hi)
    ref_tx = ref_plus if strand == "+" else reverse_complement(ref_plus)
    where = _span_where(chrom, lo, hi, strand)
    if n.ref and len(n.ref) != hi - lo:
        msg = (f"states {len(n.ref)} reference base{'s' if len(n.ref) != 1 else ''} "
               f"({n.ref}) but the range covers {hi - lo}")
        raise InvalidVariantError(text, msg)
    _check_ref(text, n.ref, ref_tx, where)
    if n.kind == "substitution":
        if n.ref == n.alt:
            raise InvalidVariantError(text, "substitutes a base by itself; there is no change")
        alt = n.alt if strand == "+" else reverse_complement(n.alt)
        return chrom, lo, hi, ref_plus, alt
    if n.kind == "deletion":
        return chrom, lo, hi, ref_plus, ""
    if n.kind == "duplication":
        return chrom, lo, hi, ref_plus, ref_plus + ref_plus
    alt = n.alt if strand == "+" else reverse_complement(n.alt)  # delins
    if alt == ref_plus:
        raise InvalidVariantError(text, f"replaces {ref_tx} by the same bases; there is no "
                                        "change")
    return chrom, lo, hi, ref_plus, alt


def _check_inside(text: str, tx: Transcript, gene: Gene | None, lo: int, hi: int) -> None:
    if gene is not None:
        s, e, label = min(gene.start, tx.start), max(gene.end, tx.end), gene.symbol
    else:
        s, e, label = tx.start, tx.end, tx.id
    if hi <= s or lo >= e:
        msg = (f"{_span_where(tx.chrom, lo, hi)} lies outside {label} "
               f"({tx.chrom}:{_fmt(s)}-{e:,})")
        raise InvalidVariantError(text, msg)


def parse_variant(text: str, target: Gene | Transcript, genome: Genome | None = None, *,
                  transcript: str | None = None) -> Variant:
    """Parse a variant, map it onto the genome and describe its effect on a transcript.

    Parameters
    ----------
    text
        The variant (see the module docstring for the accepted forms).
    target
        The gene (its transcript is chosen as below) or one transcript.
    genome
        The genome holding the gene's sequence. Needed for every form except exon-level
        changes, whose effect follows from the exon table alone.
    transcript
        Transcript to use when ``target`` is a gene: an id with or without version. When None,
        the accession in the notation (``NM_004006.2:c.…``) decides, else the gene's canonical
        transcript (:meth:`~genetx.genome.models.Gene.canonical`).

    Returns
    -------
    The :class:`Variant` with its :class:`VariantEffect`.

    Raises
    ------
    InvalidVariantError
        The string does not parse, names another transcript or gene, lies outside the
        transcript (c.) or the gene (g., VCF), or names exons the transcript does not have.
    ReferenceMismatchError
        A stated reference base disagrees with the genome.
    UnknownGeneError
        The transcript asked for is not a transcript of the gene.
    MissingDataError
        No genome was given for a sequence-level variant, or the genome lacks the region.

    Examples
    --------
    >>> from genetx.genome import InMemoryGenome, Transcript
    >>> g = InMemoryGenome({"chr1": "GGGGGGGGGGATGAAACGATGAGGGGGG"})
    >>> tx = Transcript("T1", "G1", "chr1", "+", ((10, 22),), cds=(10, 22))
    >>> v = parse_variant("c.7C>T", tx, g)
    >>> v.start, v.ref, v.alt, v.effect.protein, v.effect.consequence
    (16, 'C', 'T', 'p.(Arg3Ter)', 'stop_gained')
    """
    n = parse_notation(text)
    tx, gene = _pick_transcript(target, transcript, n)
    if n.system == "exon":
        return _exon_variant(n, tx, genome)
    g = _need_genome(genome, n.text)
    chrom, start, end, ref, alt = _map_sequence_variant(n, tx, gene, g)
    start, end, ref, alt = _normalise(g, chrom, start, end, ref, alt)
    kind = n.kind
    if n.system == "vcf" and kind == "insertion" and _is_dup(g, chrom, start, alt):
        kind = "duplication"
    vcf = _vcf_record(g, chrom, start, end, ref, alt)
    v = Variant(n.text, kind, chrom, start, end, ref, alt, transcript=tx.id,
                accession=n.accession, vcf=vcf)
    return dataclasses.replace(v, effect=effect_on(v, tx, g))


def _is_dup(genome: Genome, chrom: str, start: int, alt: str) -> bool:
    """A left-aligned insertion copies its neighbours when the bases after it equal ``alt``."""
    _lo, hi = _bounds(genome, chrom, start, start)
    if start + len(alt) > hi:
        return False
    return _fetch(genome, chrom, start, start + len(alt)) == alt


# --------------------------------------------------------------------------------------------
# exon-level changes


def _exon_variant(n: Notation, tx: Transcript, genome: Genome | None) -> Variant:
    a, b = n.first, n.last
    count = len(tx.exons)
    if b > count or a > count:
        bad = b if b > count else a
        msg = f"{tx.id} has exons 1-{count}; there is no exon {bad}"
        raise InvalidVariantError(n.text, msg)
    spans = tx.exons[a - 1:b]
    start = min(s for s, _ in spans)
    end = max(e for _, e in spans)
    anchor = "N"
    if genome is not None and start > 0:
        try:
            anchor = _fetch(genome, tx.chrom, start - 1, start)
        except (MissingDataError, BadInputError):
            anchor = "N"
    symbolic = "<DEL>" if n.kind == "exon_deletion" else "<DUP>"
    vcf = VcfRecord(tx.chrom, start, anchor, symbolic, end=end)
    effect = _exon_effect(n.kind, tx, a, b)
    return Variant(n.text, n.kind, tx.chrom, start, end, None, None, transcript=tx.id,
                   accession=None, exon_range=(a, b), vcf=vcf, effect=effect)


def _exon_hgvs(kind: str, tx: Transcript, a: int, b: int) -> str:
    """HGVS with uncertain intronic breakpoints: ``c.(6438+1_6439-1)_(7309+1_7310-1)del``."""
    exons, introns = tx.exons, tx.introns

    def edge(k: int) -> str:  # intron k (1-based), both ends
        s, e = introns[k - 1]
        first, last = (s, e - 1) if tx.strand == "+" else (e - 1, s)
        return f"({_cstr(tx, first)}_{_cstr(tx, last)})"

    if a == 1:
        first_base = exons[0][0] if tx.strand == "+" else exons[0][1] - 1
        left = f"(?_{_cstr(tx, first_base)})"
    else:
        left = edge(a - 1)
    if b == len(exons):
        last_base = exons[-1][1] - 1 if tx.strand == "+" else exons[-1][0]
        right = f"({_cstr(tx, last_base)}_?)"
    else:
        right = edge(b)
    op = "del" if kind == "exon_deletion" else "dup"
    return f"{_cprefix(tx)}{left}_{right}{op}"


def _exon_effect(kind: str, tx: Transcript, a: int, b: int) -> VariantEffect:
    nums = tuple(range(a, b + 1))
    introns = tuple(range(a, b))
    feats = [f for f in _features(tx)
             if (a <= f[3] < b) or (f[2] != "intron" and f[3] == b)]
    regions = list(dict.fromkeys(f[2] for f in feats))
    hgvs = _exon_hgvs(kind, tx, a, b)
    notes: list[str] = []
    frame: Frame | None = None
    change: int | None = None
    if tx.cds is None:
        consequence = "exon_loss_variant" if kind == "exon_deletion" else "feature_amplification"
        notes.append("non-coding transcript: no reading frame")
        return VariantEffect(tx.id, hgvs, nums, introns, tuple(regions), None, None, None,
                             splice_site=False, consequence=consequence, notes=tuple(notes))
    coding = [sum(f[1] - f[0] for f in feats if f[3] == k and f[2] == "cds") for k in nums]
    total_coding = sum(coding)
    start_exon = tx.exon_at(tx.cds[0] if tx.strand == "+" else tx.cds[1] - 1)
    stop_exon = tx.exon_at(tx.cds[1] - 1 if tx.strand == "+" else tx.cds[0])
    has_start = start_exon is not None and a <= start_exon <= b
    has_stop = stop_exon is not None and a <= stop_exon <= b
    if kind == "exon_deletion":
        consequence = "exon_loss_variant"
        if total_coding == 0:
            notes.append("the exons hold no coding bases")
        elif has_start:
            notes.append(f"removes the start codon (exon {start_exon}): no frame verdict")
        elif has_stop:
            notes.append(f"removes the stop codon (exon {stop_exon}): no frame verdict")
        else:
            change = -total_coding
            frame = "in_frame" if total_coding % 3 == 0 else "frameshift"
            notes.append(f"removes {total_coding} coding nt")
        if a == 1 and b == len(tx.exons):
            notes.append("deletes every exon")
    else:
        consequence = "feature_amplification"
        lengths = [tx.exons[k - 1][1] - tx.exons[k - 1][0] for k in nums]
        if total_coding == 0:
            notes.append("the exons hold no coding bases")
        elif has_stop:
            notes.append(f"includes the stop codon (exon {stop_exon}): translation ends in the "
                         "first copy; no frame verdict")
        else:
            change = sum(lengths)
            frame = "in_frame" if change % 3 == 0 else "frameshift"
            notes.append(f"inserts {change} nt (a second copy of exon"
                         f"{'s' if len(nums) > 1 else ''} {a}{f'-{b}' if b > a else ''})")
            if has_start:
                notes.append("the second copy includes the 5' UTR part of the start exon")
    return VariantEffect(tx.id, hgvs, nums, introns, tuple(regions), change, frame, None,
                         splice_site=False, consequence=consequence, notes=tuple(notes))


# --------------------------------------------------------------------------------------------
# effect of a sequence change


def _placements(genome: Genome, v: Variant) -> tuple[int, int, str, str, int]:
    """Left-aligned form of an indel (plus strand) and how far right it can slide.

    Returns ``(start, end, ref, alt, room)``: the leftmost equivalent placement and the number of
    positions it can move to the right with the same outcome (0 for substitutions, delins and
    indels outside repeats).
    """
    start, end, ref, alt = v.start, v.end, v.ref or "", v.alt or ""
    if ref and alt:
        return start, end, ref, alt, 0
    lo, hi = _bounds(genome, v.chrom, start, end)
    seq = ref or alt
    left, lseq = _shift(genome, v.chrom, start, seq, deletion=bool(ref), right=False, lo=lo,
                        hi=hi)
    right, _ = _shift(genome, v.chrom, left, lseq, deletion=bool(ref), right=True, lo=lo, hi=hi)
    if ref:
        return left, left + len(lseq), lseq, "", right - left
    return left, left, "", lseq, right - left


def _rotate(seq: str, k: int) -> str:
    k %= len(seq) if seq else 1
    return seq[k:] + seq[:k]


def _in_one_exon(tx: Transcript, start: int, end: int) -> bool:
    """True when a change at ``[start, end)`` (an insertion when empty) stays inside one exon."""
    if end > start:
        first = tx.exon_at(start)
        return first is not None and first == tx.exon_at(end - 1)
    first = tx.exon_at(start - 1)
    return first is not None and first == tx.exon_at(start)


def _describe(genome: Genome, tx: Transcript, start: int, end: int, ref: str, alt: str) -> str:
    """HGVS c./n. description of a 3'-shifted plus-strand change on ``tx``."""
    p = _cprefix(tx)
    plus = tx.strand == "+"

    def rng(lo: int, hi: int) -> str:  # genomic [lo, hi) as c.X or c.X_Y (transcript order)
        a, b = (lo, hi - 1) if plus else (hi - 1, lo)
        return _cstr(tx, a) if a == b else f"{_cstr(tx, a)}_{_cstr(tx, b)}"

    def txs(seq: str) -> str:
        return seq if plus else reverse_complement(seq)

    if ref and alt:
        if len(ref) == 1 and len(alt) == 1:
            return f"{p}{_cstr(tx, start)}{txs(ref)}>{txs(alt)}"
        return f"{p}{rng(start, end)}delins{txs(alt)}"
    if ref:
        return f"{p}{rng(start, end)}del"
    n = len(alt)
    lo, hi = _bounds(genome, tx.chrom, start, end)
    if plus and start - n >= lo and _fetch(genome, tx.chrom, start - n, start) == alt:
        return f"{p}{rng(start - n, start)}dup"
    if not plus and start + n <= hi and _fetch(genome, tx.chrom, start, start + n) == alt:
        return f"{p}{rng(start, start + n)}dup"
    left, right = (start - 1, start) if plus else (start, start - 1)
    return f"{p}{_cstr(tx, left)}_{_cstr(tx, right)}ins{txs(alt)}"


def _protein_change(genome: Genome, tx: Transcript, pos: int, alt_plus: str,
                    ) -> tuple[str, str] | None:
    """HGVS p. change and SO consequence of a substitution at coding base ``pos``."""
    c = tx.genome_to_c(pos)
    if c.offset or c.utr3 or c.pos < 1:
        return None
    codon_no, in_codon = tx.c_to_p(c.pos)
    try:
        positions = tx.codon_to_genome(codon_no)
    except BadInputError:
        return None  # a trailing partial codon
    codon = "".join(_fetch(genome, tx.chrom, x, x + 1, tx.strand) for x in positions)
    alt_tx = alt_plus if tx.strand == "+" else reverse_complement(alt_plus)
    new = codon[:in_codon - 1] + alt_tx + codon[in_codon:]
    aa_ref, aa_alt = CODON_TABLE.get(codon, "X"), CODON_TABLE.get(new, "X")
    r3, a3 = AA3[aa_ref], AA3[aa_alt]
    if codon_no == 1 and aa_ref == "M" and aa_alt != "M":
        return "p.(Met1?)", "start_lost"
    if aa_ref == aa_alt:
        so = "stop_retained_variant" if aa_ref == "*" else "synonymous_variant"
        return f"p.({r3}{codon_no}=)", so
    if aa_alt == "*":
        return f"p.({r3}{codon_no}Ter)", "stop_gained"
    if aa_ref == "*":
        tail = "".join(_fetch(genome, tx.chrom, s, e, tx.strand) for s, e in tx.three_prime_utr)
        ext = "?"
        for i in range(0, len(tail) - 2, 3):
            if CODON_TABLE.get(tail[i:i + 3]) == "*":
                ext = str(i // 3 + 1)
                break
        return f"p.(Ter{codon_no}{a3}extTer{ext})", "stop_lost"
    return f"p.({r3}{codon_no}{a3})", "missense_variant"


def effect_on(variant: Variant, transcript: Transcript, genome: Genome) -> VariantEffect:
    """Describe a mapped sequence-level variant on a transcript.

    Parameters
    ----------
    variant
        A variant from :func:`parse_variant`. An exon-level change can only be described on
        the transcript it was parsed on, since its exon numbers belong to that transcript.
    transcript
        Any transcript on the variant's chromosome.
    genome
        The genome the variant was mapped on.

    Returns
    -------
    The :class:`VariantEffect`: the HGVS description at the 3'-most place of an indel, the
    effect at the 3'-most place inside one exon when there is one (see the module docstring).

    Raises
    ------
    InvalidVariantError
        For an exon-level variant on another transcript, or a transcript on another
        chromosome.
    """
    tx = transcript
    if variant.is_exon_level:
        if variant.transcript == tx.id and variant.exon_range is not None:
            return _exon_effect(variant.kind, tx, *variant.exon_range)
        msg = f"exon-level changes are described on the transcript they were parsed on " \
              f"({variant.transcript}), not {tx.id}"
        raise InvalidVariantError(variant.notation, msg)
    if chrom_key(variant.chrom) != chrom_key(tx.chrom):
        msg = f"is on {variant.chrom}, but {tx.id} is on {tx.chrom}"
        raise InvalidVariantError(variant.notation, msg)
    plus = tx.strand == "+"
    start, end, ref, alt, room = _placements(genome, variant)
    # HGVS describes the most 3' placement on the transcript strand
    shift = room if plus else 0
    seq = _rotate(ref or alt, shift)
    ref3, alt3 = (seq, "") if ref and not alt else (ref, alt) if alt and ref else ("", seq)
    hgvs = _describe(genome, tx, start + shift, end + shift, ref3, alt3)
    # the effect is read at the most 3' placement that stays inside one exon (an indel in a
    # repeat that reaches an exon edge may leave the splice sites intact), else at the HGVS one
    order = range(room, -1, -1) if plus else range(room + 1)
    hgvs_shift = shift
    shift = next((k for k in order if _in_one_exon(tx, start + k, end + k)), shift)
    notes: list[str] = []
    if shift != hgvs_shift and not _in_one_exon(tx, start + hgvs_shift, end + hgvs_shift):
        seq = _rotate(ref or alt, shift)
        same = _describe(genome, tx, start + shift, end + shift, *(
            (seq, "") if ref and not alt else ("", seq)))
        notes.append(f"the same change as {same}, inside the exon: the splice-site bases stay "
                     "in place, so it is read as an exonic change")
    start, end = start + shift, end + shift
    insertion = end == start

    # the bases that decide the regions: the span, or an insertion's two flanks
    lo, hi = (start, end) if not insertion else (start - 1, start + 1)
    touched = [(max(fs, lo), min(fe, hi), name, num) for fs, fe, name, num in _features(tx)
               if fs < hi and lo < fe]
    regions: list[str] = []
    if (lo < tx.start) if plus else (hi > tx.end):
        regions.append("upstream")
    regions += [t[2] for t in touched]
    if (hi > tx.end) if plus else (lo < tx.start):
        regions.append("downstream")
    regions = list(dict.fromkeys(regions))
    exons = tuple(sorted({t[3] for t in touched if t[2] != "intron"}))
    introns = tuple(sorted({t[3] for t in touched if t[2] == "intron"}))

    splice_hits: list[str] = []
    for s, side, exon_side in _splice_dinucleotides(tx):
        if not insertion:
            hit = s < end and start < s + 2
        else:  # an insertion splits the dinucleotide or separates it from its exon
            hit = start == s + 1 or start == (s if exon_side < 0 else s + 2)
        if hit:
            splice_hits.append(side)

    whole = _whole_exons(tx, start, end, exons) if ref and not alt else None
    if whole is not None:
        base = _exon_effect("exon_deletion", tx, *whole)
        return dataclasses.replace(
            base, hgvs_c=hgvs, introns=introns, regions=tuple(regions),
            notes=(f"removes exon{'s' if whole[1] > whole[0] else ''} "
                   f"{whole[0]}{f'-{whole[1]}' if whole[1] > whole[0] else ''} whole; the "
                   "splice sites of the neighbouring exons stay", *notes, *base.notes))
    frame: Frame | None = None
    change: int | None = None
    protein: str | None = None
    delta = len(alt) - len(ref)
    if regions == ["cds"]:
        if len(ref) == 1 and len(alt) == 1:
            pc = _protein_change(genome, tx, start, alt)
            protein, consequence = pc if pc is not None else (None, "coding_sequence_variant")
        else:
            if delta:
                change = delta
                frame = "in_frame" if delta % 3 == 0 else "frameshift"
            codons = _codons_changed(tx, start, end)
            n_codons = tx.cds_length // 3
            if codons is not None and codons[0] == 1:
                consequence = "start_lost"
                notes.append("changes the start codon")
            elif codons is not None and codons[1] >= n_codons and tx.cds_length % 3 == 0:
                consequence = "stop_lost"
                notes.append("changes the stop codon")
            elif frame == "frameshift":
                consequence = "frameshift_variant"
            elif delta < 0:
                consequence = "inframe_deletion"
            elif delta > 0:
                consequence = "inframe_insertion"
            else:
                consequence = "protein_altering_variant"
    elif insertion and set(regions) == {"utr5", "cds"}:
        consequence = "5_prime_UTR_variant"  # inserted just before the start codon
    elif insertion and set(regions) == {"cds", "utr3"}:
        consequence = "3_prime_UTR_variant"  # inserted just after the stop codon
    else:
        consequence = _region_consequence(regions, splice_hits)
        if "cds" in regions:
            if "intron" in regions:
                notes.append("crosses an exon-intron junction: the effect on splicing is not "
                             "predicted, so there is no frame verdict")
            else:
                notes.append("reaches beyond the coding sequence: no frame verdict")
    return VariantEffect(tx.id, hgvs, exons, introns, tuple(regions), change, frame, protein,
                         bool(splice_hits), consequence, tuple(notes))


def _whole_exons(tx: Transcript, start: int, end: int,
                 exons: tuple[int, ...]) -> tuple[int, int] | None:
    """``(first, last)`` when a deletion removes whole internal exons and cuts only in the
    introns around them, leaving the donor before and the acceptor after intact."""
    if not exons or exons[0] == 1 or exons[-1] == len(tx.exons):
        return None
    a, b = exons[0], exons[-1]
    if any(not (start <= tx.exons[k - 1][0] and tx.exons[k - 1][1] <= end) for k in exons):
        return None
    before, after = tx.introns[a - 2], tx.introns[b - 1]
    if tx.strand == "+":
        keep = ((before[0], before[0] + 2), (after[1] - 2, after[1]))
    else:
        keep = ((before[1] - 2, before[1]), (after[0], after[0] + 2))
    if any(s < end and start < e for s, e in keep):
        return None
    return a, b


def _codons_changed(tx: Transcript, start: int, end: int) -> tuple[int, int] | None:
    """First and last codon whose bases a coding change alters; None for an insertion that
    falls between two codons."""
    if end > start:
        a, b = sorted((tx.genome_to_c(start).pos, tx.genome_to_c(end - 1).pos))
        return (a - 1) // 3 + 1, (b - 1) // 3 + 1
    a = min(tx.genome_to_c(start - 1).pos, tx.genome_to_c(start).pos)  # between c.a and c.a+1
    if a % 3 == 0:
        return None
    return (a - 1) // 3 + 1, (a - 1) // 3 + 1


def _region_consequence(regions: list[str], splice_hits: list[str]) -> str:
    if "acceptor" in splice_hits:
        return "splice_acceptor_variant"
    if "donor" in splice_hits:
        return "splice_donor_variant"
    rs = set(regions)
    if "cds" in rs:
        if "utr5" in rs:
            return "start_lost"
        if "utr3" in rs:
            return "stop_lost"
        return "coding_sequence_variant"
    for name, term in (("utr5", "5_prime_UTR_variant"), ("utr3", "3_prime_UTR_variant"),
                       ("exon", "non_coding_transcript_exon_variant"),
                       ("intron", "intron_variant"), ("upstream", "upstream_gene_variant"),
                       ("downstream", "downstream_gene_variant")):
        if name in rs:
            return term
    return "intergenic_variant"


__all__ = [
    "VARIANT_KINDS", "Notation", "Variant", "VariantEffect", "VariantKind", "VcfRecord",
    "effect_on", "parse_notation", "parse_variant",
]
