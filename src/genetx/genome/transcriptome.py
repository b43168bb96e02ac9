"""Transcript sets: spliced transcripts encoded end to end for the off-target searches.

A :class:`TranscriptSet` holds spliced transcripts (sense strand) as one uint8 code array
(:func:`genetx.core.encode.encode_nt`: A0 C1 G2 T/U 3, anything else 4), each transcript
followed by one separator (code 4), with each transcript's id, gene and 3' UTR start when
known, and its gene model when it was built from one. It comes from the embedded gene pack
(:func:`pack_transcript_set`), from gene models and a genome
(:meth:`TranscriptSet.from_transcripts`), from ``(id, gene, sequence, utr3)`` records
(:meth:`TranscriptSet.from_records`) or from a user's transcriptome FASTA
(:func:`read_transcriptome`: GENCODE, Ensembl cDNA and RefSeq headers are understood).

The searches that run on it belong to their capabilities: the siRNA / gapmer seed and
near-match search (:mod:`genetx.silence.seedmatch`) and the exon-skipping ASO off-target
search (:mod:`genetx.skip.aso`). Both share this one set, so the gene pack's transcripts are
read once per process.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from genetx.core.encode import encode_nt
from genetx.errors import BadInputError, GeneTxError, MalformedFileError
from genetx.progress import resolve

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from genetx.genome._base import Genome
    from genetx.genome.models import Transcript
    from genetx.progress import Progress

#: Source line of the gene pack's transcript set.
PACK_SOURCE = "gene pack (genes.gff3 + mrna.gff3, genepack.2bit)"
_IUPAC_OK = frozenset(b"ACGTUNRYSWKMBDHVacgtunryswkmbdhv")


@dataclass(frozen=True)
class TranscriptSet:
    """Spliced transcripts encoded end to end (codes 0-3, a separator 4 after each).

    Attributes
    ----------
    codes
        All transcripts, sense strand, each followed by code 4.
    starts, ends
        Offsets of each transcript's first base and one past its last base in ``codes``.
    ids, genes
        Transcript id and gene symbol (``""`` when unknown) of each transcript.
    utr3
        Offset inside each transcript where its 3' UTR starts, -1 when unknown.
    source
        Where the sequences came from.
    skipped
        Ids of transcripts left out (no sequence in the genome).
    transcripts
        The gene models, in the same order, when the set was built from models (else empty).
    """

    codes: np.ndarray
    starts: np.ndarray
    ends: np.ndarray
    ids: tuple[str, ...]
    genes: tuple[str, ...]
    utr3: np.ndarray
    source: str
    skipped: tuple[str, ...] = field(default=())
    transcripts: tuple[Transcript, ...] = field(default=())

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def n_bases(self) -> int:
        """Bases in the transcripts (separators not counted)."""
        return int((self.ends - self.starts).sum())

    @classmethod
    def from_records(cls, records: Iterable[tuple[str, str, str, int]], *,
                     source: str = "") -> TranscriptSet:
        """Build from ``(id, gene, sequence, utr3_start)`` records (utr3 -1 when unknown)."""
        seqs: list[bytes] = []
        ids: list[str] = []
        genes: list[str] = []
        utr3: list[int] = []
        for tid, gene, seq, u in records:
            ids.append(tid)
            genes.append(gene)
            utr3.append(u)
            seqs.append(seq.encode("ascii", "replace") if isinstance(seq, str) else seq)
        return cls._assemble(seqs, ids, genes, utr3, source)

    @classmethod
    def _assemble(cls, seqs: list[bytes], ids: list[str], genes: list[str], utr3: list[int],
                  source: str, skipped: tuple[str, ...] = (),
                  transcripts: tuple[Transcript, ...] = ()) -> TranscriptSet:
        lengths = np.fromiter((len(s) for s in seqs), dtype=np.int64, count=len(seqs))
        starts = np.zeros(len(seqs), dtype=np.int64)
        if len(seqs) > 1:
            starts[1:] = np.cumsum(lengths[:-1] + 1)
        joined = b"\x00".join([*seqs, b""])  # NUL encodes as 4: a separator after each
        return cls(encode_nt(joined), starts, starts + lengths, tuple(ids), tuple(genes),
                   np.asarray(utr3, dtype=np.int64), source, skipped, transcripts)

    @classmethod
    def from_transcripts(cls, transcripts: Iterable[Transcript], genome: Genome, *,
                         source: str = "", progress: Progress | None = None) -> TranscriptSet:
        """Spliced sequence of every transcript the genome holds (others go to ``skipped``)."""
        txs = list(transcripts)
        seqs: list[bytes] = []
        ids: list[str] = []
        genes: list[str] = []
        utr3: list[int] = []
        kept: list[Transcript] = []
        skipped: list[str] = []
        with resolve(progress).task("Reading transcripts", total=len(txs)) as task:
            for tx in txs:
                try:
                    seq = tx.spliced_sequence(genome)
                except GeneTxError:
                    skipped.append(tx.id)
                    task.advance()
                    continue
                seqs.append(seq.encode("ascii", "replace"))
                ids.append(tx.id)
                genes.append(tx.gene)
                rng = tx.cds_tx_range
                utr3.append(rng[1] if rng is not None else -1)
                kept.append(tx)
                task.advance()
        return cls._assemble(seqs, ids, genes, utr3, source, tuple(skipped), tuple(kept))

    #: Alias of :meth:`from_transcripts` (the name :mod:`genetx.skip.aso` has used).
    build = from_transcripts

    def exclusion_mask(self, *, genes: Sequence[str] = (),
                       transcript_ids: Sequence[str] = ()) -> np.ndarray:
        """True for transcripts of ``genes`` or with an id in ``transcript_ids``.

        Gene symbols match case-insensitively; transcript ids match with or without version.
        """
        want_g = {g.upper() for g in genes if g}
        want_t = {_base_id(t) for t in transcript_ids if t}
        return np.fromiter(((g.upper() in want_g) or (_base_id(t) in want_t)
                            for g, t in zip(self.genes, self.ids, strict=True)),
                           dtype=np.bool_, count=len(self.ids))

    def sequence(self, index: int) -> str:
        """Sequence of transcript ``index`` (codes decoded; non-ACGT letters come back as N)."""
        part = self.codes[self.starts[index]:self.ends[index]]
        return "".join("ACGTN"[int(c)] for c in part)

    def locate(self, pos: int) -> tuple[Transcript, int]:
        """The gene model holding encoded offset ``pos`` and the 0-based index inside it.

        Raises
        ------
        BadInputError
            When the set was built without gene models (from records or a FASTA file).
        """
        if len(self.transcripts) != len(self.ids):
            where = f"transcript set {self.source!r}"
            msg = "holds sequences without gene models, so a match cannot be placed on a genome"
            raise BadInputError(where, msg)
        t = int(np.searchsorted(self.starts, pos, side="right")) - 1
        return self.transcripts[t], pos - int(self.starts[t])

    def summary(self) -> dict[str, object]:
        """Plain facts for reports."""
        return {"source": self.source, "transcripts": len(self), "bases": self.n_bases,
                "with_utr3": int((self.utr3 >= 0).sum()), "skipped": len(self.skipped)}


def _base_id(tid: str) -> str:
    head, dot, tail = tid.rpartition(".")
    return head if dot and tail.isdigit() else tid


@functools.lru_cache(maxsize=1)
def pack_transcript_set() -> TranscriptSet:
    """Every transcript of the embedded gene pack whose sequence the pack holds (cached)."""
    from genetx.genome.genes import pack_annotation, pack_genome

    ann = pack_annotation("all")
    return TranscriptSet.from_transcripts(ann.transcripts(), pack_genome(), source=PACK_SOURCE)


# ------------------------------------------------------------------------------ FASTA
_GENE_PATTERNS = (
    re.compile(r"gene_symbol:(\S+)"),  # Ensembl cDNA
    re.compile(r"\(([A-Za-z0-9][A-Za-z0-9._-]*)\),"),  # RefSeq: "... (A2M), transcript variant"
    re.compile(r"\bgene[=:]([A-Za-z0-9._-]+)"),
)
_UTR3 = re.compile(r"\|UTR3:(\d+)-(\d+)\|")
_CDS = re.compile(r"\|CDS:(\d+)-(\d+)\|")


def _parse_header(header: str) -> tuple[str, str, int]:
    """Transcript id, gene symbol and 0-based 3' UTR start from a FASTA header."""
    if "|" in header:  # GENCODE: id|gene_id|havana_g|havana_t|tx_name|gene_name|len|biotype|...
        fields = header.split("|")
        tid = fields[0].split()[0]
        gene = fields[5] if len(fields) > 5 else ""
        u = -1
        m = _UTR3.search(header + "|")
        if m:
            u = int(m.group(1)) - 1
        else:
            c = _CDS.search(header + "|")
            if c:
                u = int(c.group(2))
        return tid, gene, u
    tid = header.split()[0] if header.split() else ""
    for pat in _GENE_PATTERNS:
        m = pat.search(header)
        if m:
            return tid, m.group(1), -1
    return tid, "", -1


def read_transcriptome(path: str | Path, *, progress: Progress | None = None) -> TranscriptSet:
    """Read a transcriptome FASTA (plain or gzip) into a :class:`TranscriptSet`.

    Headers of GENCODE (``ENST...|ENSG...|...|GENE|len|biotype|UTR5:..|CDS:..|UTR3:..|``),
    Ensembl cDNA (``gene_symbol:GENE``) and RefSeq (``... (GENE), transcript variant ...``)
    give the gene symbol and, for GENCODE, the 3' UTR. IUPAC codes are accepted (they never
    match); U is read as T.

    Raises
    ------
    MalformedFileError
        Naming the file, line and record: text before the first header, an empty record, a
        record without an id, or a letter that is not a nucleotide code.
    """
    import gzip

    p = Path(path)
    if not p.is_file():
        msg = "transcriptome file not found"
        raise MalformedFileError(str(path), msg)
    import zlib

    with resolve(progress).task(f"Reading {p.name}", total=None):
        try:
            raw = gzip.decompress(p.read_bytes()) if p.suffix == ".gz" else p.read_bytes()
        except (OSError, EOFError, zlib.error) as exc:  # EOFError: truncated gzip stream
            msg = f"cannot be read: truncated or corrupt gzip data ({exc})"
            raise MalformedFileError(str(path), msg) from None
    if not raw.strip():
        msg = "is empty"
        raise MalformedFileError(str(path), msg)
    if not raw.lstrip().startswith(b">"):
        msg = "does not start with a FASTA header ('>')"
        raise MalformedFileError(str(path), msg, line=1)
    body = raw.lstrip()
    lead = raw[: len(raw) - len(body)].count(b"\n")
    chunks = body.split(b"\n>")
    del raw, body  # only the chunks are needed from here on
    seqs: list[bytes] = []
    ids: list[str] = []
    genes: list[str] = []
    utr3: list[int] = []
    line = 1 + lead
    strip = bytes(range(33))  # white space and control characters
    for k, chunk in enumerate(chunks):
        head, _, seq = chunk.partition(b"\n")
        header = head.decode("utf-8", "replace").lstrip(">").strip()
        tid, gene, u = _parse_header(header)
        if not tid:
            msg = "record without an id after '>'"
            raise MalformedFileError(str(path), msg, line=line)
        clean = seq.translate(None, strip)
        if not clean:
            msg = f"record {tid!r} has no sequence"
            raise MalformedFileError(str(path), msg, line=line)
        bad = clean.translate(None, bytes(_IUPAC_OK))
        if bad:
            ch = chr(bad[0])
            col = clean.index(bad[0]) + 1
            msg = (f"record {tid!r}: letter {ch!r} at position {col} is not a nucleotide "
                   "code (A, C, G, T/U or IUPAC)")
            raise MalformedFileError(str(path), msg, line=line)
        seqs.append(clean)
        ids.append(tid)
        genes.append(gene)
        utr3.append(u if u < len(clean) else -1)
        line += chunk.count(b"\n") + (1 if k < len(chunks) - 1 else 0)
    return TranscriptSet._assemble(seqs, ids, genes, utr3, f"transcriptome FASTA {p}")


__all__ = ["PACK_SOURCE", "TranscriptSet", "pack_transcript_set", "read_transcriptome"]
