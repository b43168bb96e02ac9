"""Transcript sets and the off-target search of siRNAs and antisense oligonucleotides.

A :class:`TranscriptSet` holds spliced transcripts (sense strand) as one uint8 code array, with
each transcript's id, gene and 3' UTR start when known. It comes from the embedded gene pack
(:func:`pack_transcript_set`), from gene models and a genome
(:meth:`TranscriptSet.from_transcripts`) or from a user's transcriptome FASTA
(:func:`read_transcriptome`: GENCODE, Ensembl cDNA and RefSeq headers are understood).

Two searches run on it, both in numba over the code array (``genetx.silence._kernels``):

* :func:`seed_match_counts`: transcripts and sites holding each 7-mer (whole transcript and
  3' UTR), for the seed matches of guide positions 2-8;
* :func:`near_match_counts` / :func:`near_match_hits`: windows within ``max_mismatches`` of
  same-length patterns (exact: pigeonhole over pieces, every candidate verified).

Only the given (sense) strand of the transcripts is searched: a guide strand or an antisense
oligonucleotide pairs with RNA. Transcripts can be masked out (the target gene's own
transcripts) with a boolean ``skip`` mask.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from genetx.errors import GeneTxError, InvalidSequenceError, MalformedFileError
from genetx.progress import resolve
from genetx.silence.thermo import encode

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    import pandas as pd

    from genetx.genome._base import Genome
    from genetx.genome.models import Transcript
    from genetx.progress import Progress

#: Largest mismatch count the near-match search accepts.
MAX_MISMATCHES_LIMIT = 3
_SEP = 4
_IUPAC_OK = frozenset(b"ACGTUNRYSWKMBDHVacgtunryswkmbdhv")


@dataclass(frozen=True)
class TranscriptSet:
    """Spliced transcripts encoded end to end (codes 0-3, separator 4).

    Attributes
    ----------
    codes
        All transcripts, sense strand, separated by code 4.
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
    """

    codes: np.ndarray
    starts: np.ndarray
    ends: np.ndarray
    ids: tuple[str, ...]
    genes: tuple[str, ...]
    utr3: np.ndarray
    source: str
    skipped: tuple[str, ...] = field(default=())

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
                  source: str, skipped: tuple[str, ...] = ()) -> TranscriptSet:
        lengths = np.fromiter((len(s) for s in seqs), dtype=np.int64, count=len(seqs))
        starts = np.zeros(len(seqs), dtype=np.int64)
        if len(seqs) > 1:
            starts[1:] = np.cumsum(lengths[:-1] + 1)
        joined = b"\x00".join(seqs)
        codes = encode_bytes(joined)
        return cls(codes, starts, starts + lengths, tuple(ids), tuple(genes),
                   np.asarray(utr3, dtype=np.int64), source, skipped)

    @classmethod
    def from_transcripts(cls, transcripts: Iterable[Transcript], genome: Genome, *,
                         source: str = "", progress: Progress | None = None) -> TranscriptSet:
        """Spliced sequence of every transcript the genome holds (others go to ``skipped``)."""
        txs = list(transcripts)
        seqs: list[bytes] = []
        ids: list[str] = []
        genes: list[str] = []
        utr3: list[int] = []
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
                task.advance()
        return cls._assemble(seqs, ids, genes, utr3, source, tuple(skipped))

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

    def summary(self) -> dict[str, object]:
        """Plain facts for reports."""
        return {"source": self.source, "transcripts": len(self), "bases": self.n_bases,
                "with_utr3": int((self.utr3 >= 0).sum()), "skipped": len(self.skipped)}


def _base_id(tid: str) -> str:
    head, dot, tail = tid.rpartition(".")
    return head if dot and tail.isdigit() else tid


_LUT = np.full(256, _SEP, dtype=np.uint8)
for _i, _b in enumerate("ACGT"):
    _LUT[ord(_b)] = _i
    _LUT[ord(_b.lower())] = _i
_LUT[ord("U")] = 3
_LUT[ord("u")] = 3


def encode_bytes(data: bytes) -> np.ndarray:
    """Codes 0-3 for A, C, G, T/U (any case), 4 for anything else."""
    return _LUT[np.frombuffer(data, dtype=np.uint8)]


@functools.lru_cache(maxsize=1)
def pack_transcript_set() -> TranscriptSet:
    """Every transcript of the embedded gene pack whose sequence the pack holds (cached)."""
    from genetx.genome.genes import pack_annotation, pack_genome

    ann = pack_annotation("all")
    return TranscriptSet.from_transcripts(
        ann.transcripts(), pack_genome(),
        source="gene pack (genes.gff3 + mrna.gff3, genepack.2bit)")


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
    with resolve(progress).task(f"Reading {p.name}", total=None):
        raw = gzip.decompress(p.read_bytes()) if p.suffix == ".gz" else p.read_bytes()
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


# ------------------------------------------------------------------------------ searches
def _chunks(tset: TranscriptSet, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Contiguous transcript groups of about equal total length."""
    m = len(tset)
    if m == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    n = max(1, min(n, m))
    cum = np.cumsum(tset.ends - tset.starts)
    cuts = np.searchsorted(cum, np.linspace(0, cum[-1], n + 1)[1:-1], side="right")
    bounds = np.unique(np.concatenate([[0], cuts, [m]])).astype(np.int64)
    return bounds[:-1].copy(), bounds[1:].copy()


def _n_chunks() -> int:
    from genetx.settings import settings

    return max(1, settings.threads) * 4


def _skip(tset: TranscriptSet, skip: np.ndarray | None) -> np.ndarray:
    if skip is None:
        return np.zeros(len(tset), dtype=np.bool_)
    s = np.asarray(skip, dtype=np.bool_)
    if s.shape != (len(tset),):
        msg = f"needs one value per transcript ({len(tset)}), got {s.shape}"
        where = "skip mask"
        raise InvalidSequenceError(where, msg)
    return s


@dataclass(frozen=True)
class KmerCounts:
    """Per k-mer counts over a transcript set (arrays of length ``4**k``, 2-bit indexed).

    Attributes
    ----------
    sites, transcripts
        Occurrences, and transcripts holding at least one.
    sites_utr3, transcripts_utr3
        The same inside known 3' UTRs.
    k
        The k-mer length.
    """

    sites: np.ndarray
    transcripts: np.ndarray
    sites_utr3: np.ndarray
    transcripts_utr3: np.ndarray
    k: int


def kmer_counts(tset: TranscriptSet, k: int = 7, skip: np.ndarray | None = None) -> KmerCounts:
    """Count every k-mer's sites and transcripts in ``tset`` (masked transcripts left out)."""
    from genetx._numba import thread_limit
    from genetx.silence import _kernels

    if not 1 <= k <= 12:
        msg = "k-mer length must be 1-12"
        where = f"k={k}"
        raise InvalidSequenceError(where, msg)
    lo, hi = _chunks(tset, _n_chunks())
    with thread_limit():
        s, t, us, ut = _kernels.seed_counts(tset.codes, tset.starts, tset.ends, tset.utr3,
                                            _skip(tset, skip), k, lo, hi)
    return KmerCounts(s, t, us, ut, k)


def seed_match_counts(tset: TranscriptSet, sites: Sequence[str],
                      skip: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """Sites and transcripts holding each 7-nt seed-match site (transcript-strand strings).

    Returns ``{"sites", "transcripts", "sites_utr3", "transcripts_utr3"}`` arrays.
    """
    from genetx.silence.thermo import encode_many, kmer_values

    codes = encode_many(list(sites)) if sites else np.zeros((0, 7), dtype=np.uint8)
    if codes.size and codes.shape[1] != 7:
        msg = "seed-match sites are 7 nt"
        where = "seed sites"
        raise InvalidSequenceError(where, msg)
    kc = kmer_counts(tset, 7, skip)
    idx = kmer_values(codes) if codes.size else np.zeros(0, dtype=np.int64)
    return {"sites": kc.sites[idx], "transcripts": kc.transcripts[idx],
            "sites_utr3": kc.sites_utr3[idx], "transcripts_utr3": kc.transcripts_utr3[idx]}


@dataclass(frozen=True)
class _Index:
    length: int
    max_mm: int
    n_patterns: int
    shift: np.ndarray
    bits: np.ndarray
    masks: np.ndarray
    pair_a: np.ndarray
    pair_b: np.ndarray
    slot_code: np.ndarray
    slot_id: np.ndarray
    bitsets: np.ndarray
    bitset_bits: int
    table_bits: int


_EMPTY = np.uint64(0xFFFFFFFFFFFFFFFF)
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)


def _pattern_codes(patterns: Sequence[str]) -> tuple[np.ndarray, int]:
    """2-bit codes (first base most significant) of same-length A/C/G/T/U patterns."""
    if not patterns:
        return np.zeros(0, dtype=np.uint64), 0
    length = len(patterns[0])
    if not 8 <= length <= 31:
        msg = "patterns must be 8-31 nt"
        raise InvalidSequenceError(patterns[0], msg)
    for p in patterns:
        if len(p) != length:
            msg = f"all patterns must have the same length ({length} nt)"
            raise InvalidSequenceError(p, msg)
    mat = encode("".join(patterns)).reshape(len(patterns), length)
    bad = np.flatnonzero((mat > 3).any(axis=1))
    if bad.size:
        msg = "a search pattern may hold only A, C, G, T/U"
        raise InvalidSequenceError(patterns[int(bad[0])], msg)
    out = np.zeros(len(patterns), dtype=np.uint64)
    for j in range(length):
        out = (out << np.uint64(2)) | mat[:, j].astype(np.uint64)
    return out, length


def _build_index(patterns: Sequence[str], max_mm: int) -> _Index:
    """Open-addressing tables of the patterns by each pair of their ``max_mm + 2`` pieces.

    A window within ``max_mm`` mismatches of a pattern matches at least two of the pieces
    exactly (pigeonhole), so looking up every pair of the window's pieces finds every hit.
    """
    if not 0 <= max_mm <= MAX_MISMATCHES_LIMIT:
        msg = f"must be 0-{MAX_MISMATCHES_LIMIT}"
        where = f"max_mismatches={max_mm}"
        raise InvalidSequenceError(where, msg)
    codes, length = _pattern_codes(patterns)
    n_pieces = max_mm + 2
    bounds = np.linspace(0, length, n_pieces + 1).round().astype(np.int64)
    starts, ends = bounds[:-1], bounds[1:]
    shift = 2 * (length - ends)
    bits = 2 * (ends - starts)
    masks = np.array([int(((1 << int(b)) - 1) << int(s)) & 0x5555555555555555
                      for s, b in zip(shift, bits, strict=True)], dtype=np.uint64)
    pairs = list(combinations(range(n_pieces), 2))
    pair_a = np.array([a for a, _ in pairs], dtype=np.int64)
    pair_b = np.array([b for _, b in pairs], dtype=np.int64)
    widths = [int(bits[a] + bits[b]) for a, b in pairs]
    # slot tables: load factor at most 1/4 (2**12 to 2**22 slots); key bitsets: the key itself
    # when it has at most 22 bits (cache-resident for the usual 9-10 nt pair keys), else a hash
    table_bits = int(min(22, max(12, int(np.ceil(np.log2(max(1, codes.size)))) + 2)))
    bitset_bits = int(max(12, min(22, max(widths))))
    size = 1 << table_bits
    slot_code = np.full((len(pairs), size), _EMPTY, dtype=np.uint64)
    slot_id = np.full((len(pairs), size), -1, dtype=np.int32)
    bitsets = np.zeros((len(pairs), (1 << bitset_bits) // 64), dtype=np.uint64)
    for r, (a, b) in enumerate(pairs):
        ka = (codes >> np.uint64(shift[a])) & np.uint64((1 << int(bits[a])) - 1)
        kb = (codes >> np.uint64(shift[b])) & np.uint64((1 << int(bits[b])) - 1)
        key = (ka << np.uint64(bits[b])) | kb
        with np.errstate(over="ignore"):
            home = ((key * _GOLDEN) >> np.uint64(64 - table_bits)).astype(np.int64)
            bit = (key.astype(np.int64) if widths[r] <= bitset_bits else
                   ((key * _GOLDEN) >> np.uint64(64 - bitset_bits)).astype(np.int64))
        _insert(slot_code[r], slot_id[r], codes, home, size - 1)
        used = np.unique(bit)
        np.bitwise_or.at(bitsets[r], used >> 6,
                         np.left_shift(np.uint64(1), (used & 63).astype(np.uint64)))
    return _Index(length, max_mm, int(codes.size), shift.astype(np.int64),
                  bits.astype(np.int64), masks, pair_a, pair_b, slot_code, slot_id, bitsets,
                  bitset_bits, table_bits)


def _insert(slot_code: np.ndarray, slot_id: np.ndarray, codes: np.ndarray, home: np.ndarray,
            smask: int) -> None:
    """Linear-probing insertion, vectorised by rounds: each round places one pattern per slot."""
    pending = np.argsort(home, kind="stable")
    pos = home[pending].copy()
    while pending.size:
        free = slot_code[pos] == _EMPTY
        # first pending pattern aimed at each free slot wins it this round
        _, first = np.unique(pos, return_index=True)
        win = np.zeros(pending.size, dtype=bool)
        win[first] = True
        win &= free
        slot_code[pos[win]] = codes[pending[win]]
        slot_id[pos[win]] = pending[win].astype(np.int32)
        pending, pos = pending[~win], (pos[~win] + 1) & smask


def near_match_counts(tset: TranscriptSet, patterns: Sequence[str], max_mismatches: int = 2,
                      skip: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Sites and distinct transcripts within 0..``max_mismatches`` of each pattern.

    Parameters
    ----------
    tset
        The transcripts (sense strand searched).
    patterns
        Same-length patterns (8-31 nt, A/C/G/T/U) written as the transcript would read.
    max_mismatches
        0-3 (substitutions only).
    skip
        Boolean mask of transcripts to leave out.

    Returns
    -------
    Two int arrays ``(n_patterns, max_mismatches + 1)``: sites and transcripts per exact
    mismatch count.
    """
    from genetx._numba import thread_limit
    from genetx.silence import _kernels

    n = len(patterns)
    if n == 0:
        z = np.zeros((0, max_mismatches + 1), dtype=np.int64)
        return z, z.copy()
    ix = _build_index(patterns, max_mismatches)
    lo, hi = _chunks(tset, _n_chunks())
    with thread_limit():
        return _kernels.near_counts(tset.codes, tset.starts, tset.ends, _skip(tset, skip),
                                    ix.n_patterns, ix.length, ix.max_mm, ix.shift, ix.bits,
                                    ix.masks, ix.pair_a, ix.pair_b, ix.slot_code, ix.slot_id,
                                    ix.bitsets, ix.bitset_bits, ix.table_bits, lo, hi)


def near_match_hits(tset: TranscriptSet, patterns: Sequence[str], max_mismatches: int = 2,
                    skip: np.ndarray | None = None, *, limit: int = 100_000) -> pd.DataFrame:
    """Every window within ``max_mismatches`` of a pattern, as a table.

    Columns: ``pattern`` (index), ``transcript_id``, ``gene``, ``position`` (0-based offset in
    the transcript), ``mismatches``, ``site`` (the transcript's bases).

    Raises
    ------
    InvalidSequenceError
        When more than ``limit`` hits are found (ask for fewer patterns or mismatches).
    """
    import pandas as pd

    from genetx.silence import _kernels

    cols = ["pattern", "transcript_id", "gene", "position", "mismatches", "site"]
    if not patterns:
        return pd.DataFrame(columns=cols)
    ix = _build_index(patterns, max_mismatches)
    cap = min(limit, 4096)
    while True:
        rows, total = _kernels.near_hits(tset.codes, tset.starts, tset.ends, _skip(tset, skip),
                                         ix.length, ix.max_mm, ix.shift, ix.bits, ix.masks,
                                         ix.pair_a, ix.pair_b, ix.slot_code, ix.slot_id,
                                         ix.bitsets, ix.bitset_bits, ix.table_bits, cap)
        if total <= cap:
            break
        if total > limit:
            msg = f"{total:,} hits exceed the limit of {limit:,}"
            where = "near-match search"
            raise InvalidSequenceError(where, msg)
        cap = int(total)
    out = []
    for m, t, pos, mm in rows.tolist():
        s = int(tset.starts[t]) + pos
        site = "".join("ACGTN"[int(c)] for c in tset.codes[s:s + ix.length])
        out.append((m, tset.ids[t], tset.genes[t], pos, mm, site))
    return pd.DataFrame(out, columns=cols)


__all__ = ["MAX_MISMATCHES_LIMIT", "KmerCounts", "TranscriptSet", "encode_bytes", "kmer_counts",
           "near_match_counts", "near_match_hits", "pack_transcript_set", "read_transcriptome",
           "seed_match_counts"]
