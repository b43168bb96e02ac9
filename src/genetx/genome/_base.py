"""The :class:`Genome` contract: named sequences with random access on both strands.

A genome holds *records* (the sequences stored in a file). A record whose name has the form
``CHROM:START-END`` (1-based inclusive, the form ``samtools faidx`` writes for a region) and whose
length equals ``END - START + 1`` is *placed*: it stands for that stretch of chromosome ``CHROM``,
and :meth:`Genome.fetch` accepts real chromosome coordinates for it. Other records are placed on a
chromosome of their own name at offset 0. Chromosome names match with or without a ``chr`` prefix
(``21`` and ``chr21``; ``MT``, ``M`` and ``chrM``).

Coordinates are 0-based, half-open. Sequences come back exactly as stored: soft-masked lower case
and ``N`` runs stay visible to callers.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import TYPE_CHECKING

from genetx.core.seq import reverse_complement
from genetx.errors import BadInputError, MissingDataError

if TYPE_CHECKING:
    from genetx.core.schema import Strand
    from genetx.progress import Progress

_PLACED = re.compile(r"^(?P<chrom>[^\s:]+):(?P<start>[\d,]+)-(?P<end>[\d,]+)$")


def chrom_key(name: str) -> str:
    """Canonical form of a chromosome name for matching (``chr21`` -> ``21``, ``chrM`` -> ``MT``).

    Examples
    --------
    >>> chrom_key("chrX"), chrom_key("X"), chrom_key("chrM")
    ('X', 'X', 'MT')
    """
    key = name[3:] if name.lower().startswith("chr") else name
    return "MT" if key in {"M", "m", "MT", "mt"} else key


@dataclass(frozen=True)
class Segment:
    """Where one stored record lies on a chromosome.

    Attributes
    ----------
    record
        Name of the stored sequence.
    chrom
        Chromosome the record lies on.
    offset
        0-based chromosome position of the record's first base.
    length
        Record length in bases.
    """

    record: str
    chrom: str
    offset: int
    length: int

    @property
    def end(self) -> int:
        """0-based exclusive chromosome end of the record."""
        return self.offset + self.length


def place(record: str, length: int) -> Segment:
    """Segment for a record: placed by a ``CHROM:START-END`` name, else at offset 0 of itself."""
    m = _PLACED.match(record)
    if m:
        start = int(m["start"].replace(",", ""))
        end = int(m["end"].replace(",", ""))
        if start >= 1 and end - start + 1 == length:
            return Segment(record, m["chrom"], start - 1, length)
    return Segment(record, record, 0, length)


class Genome(ABC):
    """A reference genome: stored records with random access by contig and range.

    Subclasses implement :meth:`records` and :meth:`_read`; everything else is shared.
    """

    #: Short name (registry name, or the file stem).
    name: str = ""
    #: Where the sequence comes from (a path, or ``embedded:...`` for the shipped gene pack).
    source: str = ""

    @abstractmethod
    def records(self) -> dict[str, int]:
        """Stored record names mapped to their lengths, in file order."""

    @abstractmethod
    def _read(self, record: str, start: int, end: int) -> str:
        """Bases ``[start, end)`` of a stored record, as stored (case kept); bounds are valid."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release file handles (no-op by default)."""

    def __enter__(self) -> Genome:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def segments(self) -> list[Segment]:
        """Every record with its chromosome placement, in file order."""
        cached = getattr(self, "_segments_cache", None)
        if cached is None:
            cached = [place(r, n) for r, n in self.records().items()]
            self._segments_cache = cached
        return cached

    def chromosomes(self) -> list[str]:
        """Chromosome names covered by the records, in file order, without repeats."""
        return list(dict.fromkeys(s.chrom for s in self.segments()))

    def _locate(self, contig: str, start: int, end: int) -> tuple[Segment, int, int]:
        recs = self.records()
        if contig in recs:
            seg = place(contig, recs[contig])
            if seg.chrom == contig:  # unplaced: record coordinates
                return seg, start, end
            # placed record addressed by its own name: record coordinates too
            return Segment(contig, contig, 0, recs[contig]), start, end
        key = chrom_key(contig)
        candidates = [s for s in self.segments() if chrom_key(s.chrom) == key]
        if not candidates:
            msg = f"contig not in genome {self.name!r} (has {', '.join(list(recs)[:8])}" + (
                ", ...)" if len(recs) > 8 else ")")
            raise MissingDataError(contig, msg)
        for s in candidates:
            if s.offset <= start and end <= s.end:
                return s, start - s.offset, end - s.offset
        spans = ", ".join(f"{s.offset:,}-{s.end:,}" for s in candidates)
        msg = (f"range {start:,}-{end:,} is not inside the sequence available in genome "
               f"{self.name!r} (0-based spans: {spans})")
        raise MissingDataError(contig, msg)

    def fetch(self, contig: str, start: int, end: int, strand: Strand = "+") -> str:
        """Bases ``[start, end)`` of ``contig`` on ``strand``, case kept.

        Parameters
        ----------
        contig
            A record name, or a chromosome name (with or without ``chr``) covered by a record.
        start, end
            0-based half-open range on the plus strand.
        strand
            ``"-"`` returns the reverse complement.

        Returns
        -------
        The sequence as stored (soft-masked lower case and ``N`` kept).
        """
        if start < 0 or end < start:
            msg = f"invalid range {start}-{end} (0-based half-open, start <= end, start >= 0)"
            raise BadInputError(contig, msg)
        if strand not in ("+", "-"):
            msg = f"strand must be '+' or '-', got {strand!r}"
            raise BadInputError(contig, msg)
        seg, s, e = self._locate(contig, start, end)
        if e > seg.length:
            msg = f"range {start:,}-{end:,} runs past the end of the contig ({seg.length:,} bp)"
            raise BadInputError(contig, msg)
        seq = self._read(seg.record, s, e)
        return reverse_complement(seq) if strand == "-" else seq

    def contig_length(self, contig: str) -> int:
        """Length of a stored record, or the end of the last record placed on a chromosome."""
        recs = self.records()
        if contig in recs:
            return recs[contig]
        key = chrom_key(contig)
        ends = [s.end for s in self.segments() if chrom_key(s.chrom) == key]
        if not ends:
            msg = f"contig not in genome {self.name!r}"
            raise MissingDataError(contig, msg)
        return max(ends)

    def fingerprint(self, progress: Progress | None = None) -> str:
        """Stable checksum of the content, for deciding whether an index built from it is stale.

        This default hashes (SHA-256) every record's name, length and sequence as stored (case
        kept), reading 1-Mb pieces. File-backed genomes override it with a checksum of their
        file, which they compute once per version of the file.

        Returns
        -------
        ``sha256:<hex>``.
        """
        import hashlib

        from genetx.progress import resolve

        h = hashlib.sha256()
        recs = self.records()
        with resolve(progress).task(f"Checksumming {self.name}", total=sum(recs.values())) as t:
            for rec, n in recs.items():
                h.update(f">{rec}\t{n}\n".encode())
                for s in range(0, n, 1 << 20):
                    e = min(n, s + (1 << 20))
                    h.update(self._read(rec, s, e).encode("ascii", "replace"))
                    t.advance(e - s)
        return f"sha256:{h.hexdigest()}"


class InMemoryGenome(Genome):
    """A genome held in memory as ``{record name: sequence}`` (tests, small user sequences).

    Parameters
    ----------
    records
        Record names mapped to sequences, case kept.
    name
        Name shown in messages.
    """

    def __init__(self, records: dict[str, str], name: str = "memory") -> None:
        self._records = dict(records)
        self.name = name
        self.source = f"memory:{name}"

    def records(self) -> dict[str, int]:
        """Record names and lengths, in insertion order."""
        return {k: len(v) for k, v in self._records.items()}

    def _read(self, record: str, start: int, end: int) -> str:
        return self._records[record][start:end]
