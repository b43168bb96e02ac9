"""Gene and transcript models in genomic coordinates (0-based, half-open).

A :class:`Transcript` stores its exons in transcript order (5' to 3'; on the minus strand that is
descending genomic order) and the genomic span of its coding sequence, start codon to stop codon
inclusive. Everything else (exon numbers and lengths, CDS phases, UTRs, c./p. coordinates) is
derived from those two fields, on both strands.

HGVS c. positions are :class:`CPos`: ``c.1`` is the A of the start codon, ``c.-1`` the base
before it, ``c.*1`` the base after the stop codon, and intronic positions carry an offset from
the nearest exon base (``c.6614+1``, ``c.6615-2``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from genetx.core.schema import Strand


@dataclass(frozen=True, order=True)
class CPos:
    """A position in HGVS c. notation.

    Attributes
    ----------
    pos
        The c. number: negative in the 5' UTR (``c.-14``), positive in the CDS, or, when
        ``utr3`` is true, the number after the asterisk (``c.*12``). Never 0.
    offset
        Intronic offset from the exon base ``pos`` (``+1`` is the first intron base after it,
        ``-2`` the second before it); 0 for exonic positions.
    utr3
        True for positions after the stop codon (``c.*N``).
    """

    pos: int
    offset: int = 0
    utr3: bool = False

    def __str__(self) -> str:
        base = f"*{self.pos}" if self.utr3 else str(self.pos)
        if self.offset:
            return f"{base}{self.offset:+d}"
        return base


@dataclass(frozen=True)
class Transcript:
    """One transcript of a gene.

    Attributes
    ----------
    id
        Transcript accession with version when known (``NM_004006.2``, ``ENST00000357033``).
    gene
        Gene symbol.
    chrom
        Chromosome name as in the annotation.
    strand
        ``"+"`` or ``"-"``.
    exons
        Exon intervals ``(start, end)``, 0-based half-open genomic, in transcript order.
    cds
        Genomic span ``(start, end)`` of the coding sequence including the stop codon, or None
        for non-coding transcripts.
    gene_id, biotype, tags, source
        Annotation details; ``tags`` holds markers such as ``MANE_Select`` or
        ``Ensembl_canonical``; ``source`` names the file or record the model came from.
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
