"""Gene and transcript models in genomic coordinates (0-based, half-open).

A :class:`Transcript` stores its exons in transcript order (5' to 3'; on the minus strand that is
descending genomic order) and the genomic span of its coding sequence, start codon to stop codon
inclusive. Everything else (exon numbers and lengths, CDS phases, UTRs, c./p. coordinates) is
derived from those two fields, on both strands.

Coordinate systems used by the mapping methods:

* genomic: 0-based position on the chromosome (plus strand), as everywhere in GeneTx;
* transcript (``tx``): 0-based index into the spliced transcript, 5' to 3';
* HGVS ``n.`` / ``c.``: :class:`CPos`. ``n.1`` is the first transcript base. ``c.1`` is the A
  of the start codon, ``c.-1`` the base before it, ``c.*1`` the base after the stop codon, and
  intronic positions carry an offset from the nearest exon base (``c.6614+1``, ``c.6615-2``). In
  the middle of an intron of odd length the base takes the ``+`` form (HGVS recommendation).
  Positions upstream of the first exon or downstream of the last one are written as an offset
  from the transcript's first or last base (``c.-244-5``, ``c.*2709+10``), the convention of
  Mutalyzer; they round-trip through :meth:`Transcript.c_to_genome`.
* protein (``p.``): codon number (1 = start codon) and position in the codon (1-3).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from functools import cached_property
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from genetx.errors import BadInputError, UnknownGeneError

if TYPE_CHECKING:
    import pandas as pd

    from genetx.core.schema import Strand
    from genetx.genome._base import Genome

_CPOS_RE = re.compile(r"^(?:[cn]\.)?(?P<star>\*)?(?P<pos>[-+]?\d+)(?P<off>[-+]\d+)?$")

#: Tags that mark a transcript as the canonical one, strongest first. ``MANE_Select`` (MANE,
#: Morales et al. 2022, Nature 604:310) and ``Ensembl_canonical`` (Ensembl GTF/GFF3 tag) come
#: first; ``RefSeq_Select`` (NCBI GFF3 ``tag=RefSeq Select``) and a generic ``canonical`` follow.
CANONICAL_TAGS: tuple[str, ...] = ("MANE_Select", "Ensembl_canonical", "RefSeq_Select",
                                   "canonical")


def normalize_tag(tag: str) -> str:
    """Tag as GeneTx stores it: spaces become underscores (``MANE Select`` -> ``MANE_Select``).

    Examples
    --------
    >>> normalize_tag("MANE Select"), normalize_tag("Ensembl_canonical")
    ('MANE_Select', 'Ensembl_canonical')
    """
    return "_".join(tag.split())


def split_version(accession: str) -> tuple[str, int | None]:
    """Split ``NM_004006.2`` into ``("NM_004006", 2)``; no numeric suffix gives ``None``.

    Examples
    --------
    >>> split_version("NM_004006.2"), split_version("ENST00000419219_1")
    (('NM_004006', 2), ('ENST00000419219_1', None))
    """
    head, dot, tail = accession.rpartition(".")
    if dot and head and tail.isdigit():
        return head, int(tail)
    return accession, None


@dataclass(frozen=True, order=True)
class CPos:
    """A position in HGVS c. (or n.) notation.

    Attributes
    ----------
    pos
        The c. number: negative in the 5' UTR (``c.-14``), positive in the CDS, or, when
        ``utr3`` is true, the number after the asterisk (``c.*12``). Never 0. For n. positions
        (non-coding transcripts) the 1-based transcript position.
    offset
        Intronic offset from the exon base ``pos`` (``+1`` is the first intron base after it,
        ``-2`` the second before it); 0 for exonic positions.
    utr3
        True for positions after the stop codon (``c.*N``).

    Examples
    --------
    >>> str(CPos(6614, 1)), str(CPos(12, utr3=True)), str(CPos(-14, -2))
    ('6614+1', '*12', '-14-2')
    >>> CPos.parse("c.*12-3")
    CPos(pos=12, offset=-3, utr3=True)
    """

    pos: int
    offset: int = 0
    utr3: bool = False

    def __post_init__(self) -> None:
        if self.pos == 0:
            where, msg = "c.0", "there is no position 0 in HGVS c./n. numbering"
            raise BadInputError(where, msg)
        if self.utr3 and self.pos < 0:
            where, msg = f"c.*{self.pos}", "a 3' UTR position (c.*N) must have N >= 1"
            raise BadInputError(where, msg)

    def __str__(self) -> str:
        base = f"*{self.pos}" if self.utr3 else str(self.pos)
        if self.offset:
            return f"{base}{self.offset:+d}"
        return base

    @classmethod
    def parse(cls, text: str) -> CPos:
        """Parse ``c.123``, ``c.-14+2``, ``*12-3``, ``n.57`` (prefix optional) into a CPos.

        Raises
        ------
        BadInputError
            When the text is not a c./n. position.
        """
        m = _CPOS_RE.match(text.strip().replace(" ", ""))
        if not m:
            msg = "is not an HGVS c./n. position (examples: c.123, c.-14, c.*12, c.6614+1)"
            raise BadInputError(text, msg)
        pos = int(m["pos"])
        offset = int(m["off"]) if m["off"] else 0
        return cls(pos, offset, bool(m["star"]))


@dataclass(frozen=True)
class Transcript:
    """One transcript of a gene.

    Attributes
    ----------
    id
        Transcript accession with version when known (``NM_004006.2``, ``ENST00000357033.8``).
    gene
        Gene symbol.
    chrom
        Chromosome name as in the annotation.
    strand
        ``"+"`` or ``"-"``.
    exons
        Exon intervals ``(start, end)``, 0-based half-open genomic, in transcript order. Exons
        given in ascending genomic order on the minus strand are put into transcript order.
    cds
        Genomic span ``(start, end)`` of the coding sequence including the stop codon, or None
        for non-coding transcripts. Both ends must lie in exons.
    gene_id, biotype, tags, source
        Annotation details; ``tags`` holds markers such as ``MANE_Select`` or
        ``Ensembl_canonical``; ``source`` names the file or record the model came from.

    Notes
    -----
    Exon phases follow Ensembl: ``phase`` is the number of coding bases in the exons before this
    one, modulo 3, when the exon starts with a coding base, and -1 when it starts in a UTR or is
    non-coding; ``end_phase`` is the number of coding bases up to the end of this exon, modulo 3,
    when its last base is coding, else -1. ``cds_phase`` is the GTF/GFF3 column-8 phase of the
    exon's CDS part (bases to skip to reach the first complete codon), NA for non-coding exons.
    Phases assume the CDS starts in frame (a complete start codon).

    Examples
    --------
    >>> tx = Transcript("T1", "G", "chr1", "-", ((300, 400), (100, 200)), cds=(150, 350))
    >>> tx.exon_lengths, tx.length, tx.cds_length
    ((100, 100), 200, 100)
    >>> str(tx.genome_to_c(349)), str(tx.genome_to_c(250)), str(tx.genome_to_c(249))
    ('1', '50+50', '51-50')
    """

    id: str
    gene: str
    chrom: str
    strand: Strand
    exons: tuple[tuple[int, int], ...]
    cds: tuple[int, int] | None = None
    gene_id: str = ""
    biotype: str = ""
    tags: frozenset[str] = field(default_factory=frozenset)
    source: str = ""

    def __post_init__(self) -> None:
        name = self.id or "transcript"
        if self.strand not in ("+", "-"):
            msg = f"strand must be '+' or '-', got {self.strand!r}"
            raise BadInputError(name, msg)
        try:
            exons = tuple((int(s), int(e)) for s, e in self.exons)
        except (TypeError, ValueError):
            msg = "exons must be (start, end) pairs of integers"
            raise BadInputError(name, msg) from None
        if not exons:
            msg = "has no exons"
            raise BadInputError(name, msg)
        ordered = sorted(exons)
        for s, e in ordered:
            if s < 0 or e <= s:
                msg = f"exon {s}-{e} is empty or negative (0-based half-open, start < end)"
                raise BadInputError(name, msg)
        for (s1, e1), (s2, e2) in pairwise(ordered):
            if s2 < e1:
                msg = f"exons {s1}-{e1} and {s2}-{e2} overlap"
                raise BadInputError(name, msg)
        if self.strand == "-":
            ordered.reverse()
        object.__setattr__(self, "exons", tuple(ordered))
        if not isinstance(self.tags, frozenset):
            object.__setattr__(self, "tags", frozenset(self.tags))
        if self.cds is not None:
            cs, ce = int(self.cds[0]), int(self.cds[1])
            object.__setattr__(self, "cds", (cs, ce))
            if ce <= cs:
                msg = f"CDS {cs}-{ce} is empty (0-based half-open, start < end)"
                raise BadInputError(name, msg)
            for p, what in ((cs, "start"), (ce - 1, "end")):
                if self._exon_index(p) is None:
                    msg = f"CDS {what} {p} (0-based) is not in an exon"
                    raise BadInputError(name, msg)

    # ------------------------------------------------------------------ layout
    @cached_property
    def _sorted(self) -> tuple[list[int], list[int], list[int]]:
        """Ascending exon starts, ends and their transcript-order indices (for bisect)."""
        order = sorted(range(len(self.exons)), key=lambda i: self.exons[i][0])
        return ([self.exons[i][0] for i in order], [self.exons[i][1] for i in order], order)

    @cached_property
    def _offsets(self) -> list[int]:
        """Transcript index of the first base of each exon (transcript order), plus length."""
        out = [0]
        for s, e in self.exons:
            out.append(out[-1] + e - s)
        return out

    def _exon_index(self, pos: int) -> int | None:
        starts, ends, order = self._sorted
        k = bisect.bisect_right(starts, pos) - 1
        if k >= 0 and pos < ends[k]:
            return order[k]
        return None

    def _where(self, pos: int) -> str:
        return f"{self.chrom}:{pos + 1}"

    # ------------------------------------------------------------ basic facts
    @property
    def exon_count(self) -> int:
        """Number of exons."""
        return len(self.exons)

    @property
    def exon_lengths(self) -> tuple[int, ...]:
        """Exon lengths in transcript order (exon 1 first)."""
        return tuple(e - s for s, e in self.exons)

    @property
    def length(self) -> int:
        """Length of the spliced transcript."""
        return self._offsets[-1]

    @property
    def start(self) -> int:
        """Leftmost genomic position (0-based) of the transcript."""
        return min(s for s, _ in self.exons)

    @property
    def end(self) -> int:
        """Rightmost genomic position (exclusive) of the transcript."""
        return max(e for _, e in self.exons)

    @property
    def is_coding(self) -> bool:
        """True when the transcript has a CDS."""
        return self.cds is not None

    @cached_property
    def cds_tx_range(self) -> tuple[int, int] | None:
        """Transcript coordinates ``[first, last + 1)`` of the CDS, stop codon included."""
        if self.cds is None:
            return None
        cs, ce = self.cds
        first, last = (cs, ce - 1) if self.strand == "+" else (ce - 1, cs)
        a, b = self.genome_to_tx(first), self.genome_to_tx(last)
        if b < a:  # cannot happen for exons in transcript order; guard against bad input
            msg = "CDS start lies after the CDS end in transcript order"
            raise BadInputError(self.id, msg)
        return a, b + 1

    @property
    def cds_length(self) -> int:
        """Length of the coding sequence in nucleotides, stop codon included (0 if non-coding)."""
        r = self.cds_tx_range
        return 0 if r is None else r[1] - r[0]

    @property
    def protein_length(self) -> int:
        """Number of amino acids, the stop codon excluded (``cds_length // 3 - 1``)."""
        return max(self.cds_length // 3 - 1, 0) if self.is_coding else 0

    def _split(self) -> list[tuple[tuple[int, int] | None, tuple[int, int] | None,
                                   tuple[int, int] | None]]:
        """Per exon (transcript order): its 5' UTR, CDS and 3' UTR parts (genomic)."""
        out: list[tuple[Any, Any, Any]] = []
        for s, e in self.exons:
            if self.cds is None:
                out.append((None, None, None))
                continue
            cs, ce = self.cds
            left = (s, min(e, cs)) if s < cs else None
            mid = (max(s, cs), min(e, ce)) if max(s, cs) < min(e, ce) else None
            right = (max(s, ce), e) if e > ce else None
            if self.strand == "+":
                out.append((left, mid, right))
            else:
                out.append((right, mid, left))
        return out

    @property
    def five_prime_utr(self) -> tuple[tuple[int, int], ...]:
        """Genomic intervals of the 5' UTR in transcript order (empty when non-coding)."""
        return tuple(p[0] for p in self._split() if p[0] is not None)

    @property
    def three_prime_utr(self) -> tuple[tuple[int, int], ...]:
        """Genomic intervals of the 3' UTR in transcript order (after the stop codon)."""
        return tuple(p[2] for p in self._split() if p[2] is not None)

    @property
    def cds_parts(self) -> tuple[tuple[int, int], ...]:
        """Genomic intervals of the CDS (stop codon included) in transcript order."""
        return tuple(p[1] for p in self._split() if p[1] is not None)

    @property
    def introns(self) -> tuple[tuple[int, int], ...]:
        """Genomic intervals of the introns in transcript order (intron k follows exon k)."""
        out = []
        for (s1, e1), (s2, e2) in pairwise(self.exons):
            out.append((e1, s2) if self.strand == "+" else (e2, s1))
        return tuple(out)

    def exon_at(self, pos: int) -> int | None:
        """Number (1-based, transcript order) of the exon holding genomic ``pos``, else None."""
        k = self._exon_index(pos)
        return None if k is None else k + 1

    def intron_at(self, pos: int) -> int | None:
        """Number of the intron holding genomic ``pos`` (intron k follows exon k), else None."""
        for k, (s, e) in enumerate(self.introns):
            if s <= pos < e:
                return k + 1
        return None

    # -------------------------------------------------------------- mapping
    def genome_to_tx(self, pos: int) -> int:
        """Transcript index (0-based, 5' to 3') of an exonic genomic position.

        Raises
        ------
        BadInputError
            When ``pos`` is not in an exon of the transcript.
        """
        k = self._exon_index(pos)
        if k is None:
            msg = f"is not in an exon of {self.id}"
            raise BadInputError(self._where(pos), msg)
        s, e = self.exons[k]
        inner = pos - s if self.strand == "+" else e - 1 - pos
        return self._offsets[k] + inner

    def tx_to_genome(self, index: int) -> int:
        """Genomic position (0-based) of transcript index ``index`` (0-based, 5' to 3').

        Raises
        ------
        BadInputError
            When the index lies outside the transcript.
        """
        if not 0 <= index < self.length:
            msg = f"lies outside {self.id} (transcript length {self.length})"
            where = f"transcript index {index}"
            raise BadInputError(where, msg)
        k = bisect.bisect_right(self._offsets, index) - 1
        s, e = self.exons[k]
        inner = index - self._offsets[k]
        return s + inner if self.strand == "+" else e - 1 - inner

    def _anchor(self, pos: int) -> tuple[int, int]:
        """Transcript index of the exon base nearest to ``pos`` and the signed offset from it."""
        k = self._exon_index(pos)
        if k is not None:
            return self.genome_to_tx(pos), 0
        sign = 1 if self.strand == "+" else -1
        if pos < self.start or pos >= self.end:
            upstream = (pos < self.start) == (self.strand == "+")
            if upstream:
                first = self.tx_to_genome(0)
                return 0, (pos - first) * sign
            last = self.tx_to_genome(self.length - 1)
            return self.length - 1, (pos - last) * sign
        for k, (s, e) in enumerate(self.introns):
            if s <= pos < e:
                # bases of the intron counted from its 5' end (1-based) and from its 3' end
                d_up = pos - s + 1 if self.strand == "+" else e - pos
                d_down = e - pos if self.strand == "+" else pos - s + 1
                if d_up <= d_down:  # ties (middle of an odd intron) take the + form
                    return self._offsets[k + 1] - 1, d_up
                return self._offsets[k + 1], -d_down
        msg = f"cannot be placed on {self.id}"  # unreachable for valid exons
        raise BadInputError(self._where(pos), msg)

    def _tx_to_cnum(self, index: int) -> CPos:
        a, b = self.cds_tx_range  # type: ignore[misc]
        if index < a:
            return CPos(index - a)
        if index < b:
            return CPos(index - a + 1)
        return CPos(index - b + 1, utr3=True)

    def _require_coding(self) -> tuple[int, int]:
        if self.cds_tx_range is None:
            msg = "is non-coding; use n. numbering (genome_to_n / n_to_genome)"
            raise BadInputError(self.id, msg)
        return self.cds_tx_range

    def genome_to_c(self, pos: int) -> CPos:
        """HGVS c. position of genomic ``pos`` (exonic, intronic or flanking).

        Raises
        ------
        BadInputError
            When the transcript is non-coding.

        Examples
        --------
        >>> tx = Transcript("T1", "G", "chr1", "+", ((100, 200), (300, 400)), cds=(150, 350))
        >>> [str(tx.genome_to_c(p)) for p in (149, 150, 199, 200, 249, 250, 299, 349, 350)]
        ['-1', '1', '50', '50+1', '50+50', '51-50', '51-1', '100', '*1']
        """
        self._require_coding()
        index, offset = self._anchor(pos)
        c = self._tx_to_cnum(index)
        return CPos(c.pos, offset, c.utr3)

    def genome_to_n(self, pos: int) -> CPos:
        """HGVS n. position (1-based transcript numbering, any transcript) of genomic ``pos``."""
        index, offset = self._anchor(pos)
        return CPos(index + 1, offset)

    def _check_anchor(self, index: int, offset: int, text: str) -> None:
        if not 0 <= index < self.length:
            msg = f"lies outside {self.id} (transcript length {self.length})"
            raise BadInputError(text, msg)
        if offset == 0:
            return
        k = bisect.bisect_right(self._offsets, index) - 1
        if offset > 0:
            if index != self._offsets[k + 1] - 1:
                msg = f"a + offset needs the last base of an exon of {self.id}"
                raise BadInputError(text, msg)
            if k < len(self.introns):
                s, e = self.introns[k]
                if offset > e - s:
                    msg = f"offset runs past intron {k + 1} of {self.id} ({e - s} bp)"
                    raise BadInputError(text, msg)
        else:
            if index != self._offsets[k]:
                msg = f"a - offset needs the first base of an exon of {self.id}"
                raise BadInputError(text, msg)
            if k > 0:
                s, e = self.introns[k - 1]
                if -offset > e - s:
                    msg = f"offset runs past intron {k} of {self.id} ({e - s} bp)"
                    raise BadInputError(text, msg)

    def c_to_tx(self, c: CPos | str) -> int:
        """Transcript index (0-based) of the exon base of a c. position (offset ignored)."""
        cp = CPos.parse(c) if isinstance(c, str) else c
        a, b = self._require_coding()
        if not cp.utr3 and cp.pos > b - a:
            where = f"c.{cp}"
            msg = (f"lies past the stop codon of {self.id} (CDS c.1-c.{b - a}); bases after "
                   "the stop codon are written c.*N")
            raise BadInputError(where, msg)
        if cp.utr3:
            return b - 1 + cp.pos
        return a + cp.pos if cp.pos < 0 else a + cp.pos - 1

    def c_to_genome(self, c: CPos | str) -> int:
        """Genomic position (0-based) of an HGVS c. position, offsets included.

        Accepts 5' UTR (``c.-14``), CDS, 3' UTR (``c.*12``) and intronic or flanking positions
        (``c.6614+1``, ``c.-244-5``), as a :class:`CPos` or a string.

        Raises
        ------
        BadInputError
            When the position lies outside the transcript, or an offset does not start from an
            exon edge or runs past the intron.

        Examples
        --------
        >>> tx = Transcript("T1", "G", "chr1", "+", ((100, 200), (300, 400)), cds=(150, 350))
        >>> tx.c_to_genome("c.50+1"), tx.c_to_genome("c.51-49"), tx.c_to_genome("c.*1")
        (200, 251, 350)
        """
        cp = CPos.parse(c) if isinstance(c, str) else c
        index = self.c_to_tx(cp)
        self._check_anchor(index, cp.offset, f"c.{cp}")
        sign = 1 if self.strand == "+" else -1
        return self.tx_to_genome(index) + sign * cp.offset

    def n_to_genome(self, n: CPos | str) -> int:
        """Genomic position (0-based) of an HGVS n. position (offsets allowed)."""
        cp = CPos.parse(n) if isinstance(n, str) else n
        if cp.utr3 or cp.pos < 1:
            where, msg = f"n.{cp}", "n. positions are 1-based and have no * or - form"
            raise BadInputError(where, msg)
        index = cp.pos - 1
        self._check_anchor(index, cp.offset, f"n.{cp}")
        sign = 1 if self.strand == "+" else -1
        return self.tx_to_genome(index) + sign * cp.offset

    def c_to_p(self, c: CPos | str | int) -> tuple[int, int]:
        """Codon number (1 = start codon) and position in the codon (1-3) of a coding c. base.

        Raises
        ------
        BadInputError
            When the position is not a coding base (UTR, intronic, or past the stop codon).

        Examples
        --------
        >>> tx = Transcript("T1", "G", "chr1", "+", ((0, 30),), cds=(3, 27))
        >>> tx.c_to_p(1), tx.c_to_p("c.6"), tx.c_to_p(24)
        ((1, 1), (2, 3), (8, 3))
        """
        cp = CPos(c) if isinstance(c, int) else CPos.parse(c) if isinstance(c, str) else c
        self._require_coding()
        if cp.utr3 or cp.offset or cp.pos < 1 or cp.pos > self.cds_length:
            msg = f"is not a coding base of {self.id} (CDS c.1-c.{self.cds_length})"
            where = f"c.{cp}"
            raise BadInputError(where, msg)
        return (cp.pos - 1) // 3 + 1, (cp.pos - 1) % 3 + 1

    def codon_to_genome(self, codon: int) -> tuple[int, int, int]:
        """Genomic positions (0-based) of the three bases of codon ``codon``, 5' to 3'.

        Codon ``protein_length + 1`` is the stop codon.
        """
        a, b = self._require_coding()
        n_codons = (b - a) // 3
        if not 1 <= codon <= n_codons:
            msg = f"{self.id} has codons 1-{n_codons} (stop codon included)"
            where = f"codon {codon}"
            raise BadInputError(where, msg)
        first = a + 3 * (codon - 1)
        return (self.tx_to_genome(first), self.tx_to_genome(first + 1),
                self.tx_to_genome(first + 2))

    # -------------------------------------------------------------- tables
    def exon_rows(self) -> list[dict[str, Any]]:
        """One dict per exon (transcript order); the rows of :meth:`exon_table`."""
        rows = []
        coding_before = 0
        split = self._split()
        for k, (s, e) in enumerate(self.exons):
            _utr5, cds_part, _utr3 = split[k]
            n_coding = 0 if cds_part is None else cds_part[1] - cds_part[0]
            row: dict[str, Any] = {
                "Chromosome": self.chrom, "Start": s, "End": e, "Strand": self.strand,
                "transcript_id": self.id, "gene_name": self.gene,
                "exon_number": k + 1, "length": e - s,
                "tx_start": self._offsets[k] + 1, "tx_end": self._offsets[k + 1],
                "cds_start": None, "cds_end": None,
                "phase": -1, "end_phase": -1, "cds_phase": None,
            }
            if not self.is_coding:
                row["kind"] = "noncoding"
            elif n_coding == 0:
                row["kind"] = "utr"
            else:
                row["kind"] = "coding" if n_coding == e - s else "partial"
                first_c = coding_before + 1
                row["cds_start"] = first_c
                row["cds_end"] = coding_before + n_coding
                row["cds_phase"] = (3 - coding_before % 3) % 3
                first_base = s if self.strand == "+" else e - 1
                last_base = e - 1 if self.strand == "+" else s
                cs, ce = self.cds  # type: ignore[misc]
                if cs <= first_base < ce:
                    row["phase"] = coding_before % 3
                if cs <= last_base < ce:
                    row["end_phase"] = (coding_before + n_coding) % 3
            coding_before += n_coding
            rows.append(row)
        return rows

    def exon_table(self) -> pd.DataFrame:
        """Exons as a pyranges-compatible DataFrame, one row per exon in transcript order.

        Columns: ``Chromosome, Start, End, Strand`` (0-based half-open), ``transcript_id``,
        ``gene_name``, ``exon_number`` (1 = 5'-most), ``length``, ``tx_start``/``tx_end``
        (n. numbers of the exon's first and last base), ``cds_start``/``cds_end`` (c. numbers of
        its first and last coding base, NA when it has none), ``phase``/``end_phase`` (Ensembl
        convention, -1 when the exon starts/ends outside the CDS), ``cds_phase`` (GTF/GFF3
        column-8 phase of its CDS part, NA when non-coding) and ``kind`` (``coding`` all CDS,
        ``partial`` CDS and UTR, ``utr`` no CDS, ``noncoding`` for non-coding transcripts).
        """
        import pandas as pd

        df = pd.DataFrame(self.exon_rows())
        for col in ("cds_start", "cds_end", "cds_phase"):
            df[col] = df[col].astype("Int64")
        return df

    # ------------------------------------------------------------ sequences
    def spliced_sequence(self, genome: Genome) -> str:
        """The spliced transcript (exons joined, 5' to 3', on the transcript strand)."""
        return "".join(genome.fetch(self.chrom, s, e, self.strand) for s, e in self.exons)

    def cds_sequence(self, genome: Genome) -> str:
        """The coding sequence, start codon to stop codon inclusive, 5' to 3'."""
        self._require_coding()
        return "".join(genome.fetch(self.chrom, s, e, self.strand) for s, e in self.cds_parts)

    def protein(self, genome: Genome) -> str:
        """The translated CDS (standard code) without the final stop codon's ``*``.

        Internal stop codons stay visible as ``*``; a CDS whose last codon is not a stop keeps
        its last amino acid.
        """
        from genetx.core.seq import translate

        aa = translate(self.cds_sequence(genome))
        return aa[:-1] if aa.endswith("*") else aa


def _tag_rank(tx: Transcript) -> int:
    for i, tag in enumerate(CANONICAL_TAGS):
        if tag in tx.tags:
            return i
    return len(CANONICAL_TAGS)


def _predicted(tx: Transcript) -> bool:
    """RefSeq model accessions (XM_, XR_) rank after curated ones when no tag decides."""
    return tx.id.startswith(("XM_", "XR_"))


@dataclass(frozen=True)
class Gene:
    """A gene with its transcripts.

    Attributes
    ----------
    symbol
        Gene symbol (``DMD``).
    chrom, start, end, strand
        Genomic span (0-based half-open) and strand.
    transcripts
        All transcripts of the gene in the source.
    gene_id
        Stable identifier (``ENSG...``, NCBI GeneID) when known.
    source
        The file, record or service the model came from.
    """

    symbol: str
    chrom: str
    start: int
    end: int
    strand: Strand
    transcripts: tuple[Transcript, ...]
    gene_id: str = ""
    source: str = ""

    def transcript_ids(self) -> list[str]:
        """Transcript ids in source order."""
        return [t.id for t in self.transcripts]

    def canonical(self) -> Transcript:
        """The canonical transcript.

        Order of preference: the ``MANE_Select`` tag, then ``Ensembl_canonical``, then other
        canonical markers (``RefSeq_Select``, ``canonical``; see :data:`CANONICAL_TAGS`), then
        curated before predicted RefSeq models (XM_/XR_), then the longest CDS, then the longest
        transcript, then the smallest id (so the choice is deterministic).

        Raises
        ------
        UnknownGeneError
            When the gene has no transcripts.
        """
        if not self.transcripts:
            msg = f"has no transcripts in {self.source or 'the annotation'}"
            raise UnknownGeneError(self.symbol, msg)
        return min(self.transcripts,
                   key=lambda t: (_tag_rank(t), _predicted(t), -t.cds_length, -t.length, t.id))

    def transcript(self, id: str | None = None) -> Transcript:
        """The transcript ``id`` (with or without version), or the canonical one when None.

        An id without version matches any version; when several versions match, the highest
        is returned. An id with a version must match exactly.

        Raises
        ------
        UnknownGeneError
            Naming the available transcript ids when ``id`` is not a transcript of the gene.
        """
        if id is None:
            return self.canonical()
        want = id.strip()
        for t in self.transcripts:
            if t.id == want:
                return t
        base, version = split_version(want)
        if version is None:
            hits = [t for t in self.transcripts if split_version(t.id)[0] == base]
            if hits:
                return max(hits, key=lambda t: split_version(t.id)[1] or 0)
        ids = self.transcript_ids()
        shown = ", ".join(ids[:12]) + (f", ... ({len(ids)} in all)" if len(ids) > 12 else "")
        msg = f"is not a transcript of {self.symbol} (available: {shown or 'none'})"
        raise UnknownGeneError(want or f"transcript {id!r}", msg)


__all__ = ["CANONICAL_TAGS", "CPos", "Gene", "Transcript", "normalize_tag", "split_version"]
