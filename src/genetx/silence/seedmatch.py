"""The off-target search of siRNAs and antisense oligonucleotides in a transcript set.

The transcript set (:class:`~genetx.genome.transcriptome.TranscriptSet`: spliced transcripts,
sense strand, as one uint8 code array with each transcript's id, gene and 3' UTR start when
known) lives in :mod:`genetx.genome.transcriptome`, shared with the exon-skipping ASO search;
it comes from the embedded gene pack (:func:`pack_transcript_set`), from gene models and a
genome (:meth:`TranscriptSet.from_transcripts`) or from a user's transcriptome FASTA
(:func:`read_transcriptome`: GENCODE, Ensembl cDNA and RefSeq headers are understood). Those
names are re-exported here.

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

from dataclasses import dataclass
from itertools import combinations
from typing import TYPE_CHECKING

import numpy as np

from genetx.core.encode import encode_nt as encode_bytes
from genetx.errors import InvalidSequenceError
from genetx.genome.transcriptome import TranscriptSet, pack_transcript_set, read_transcriptome
from genetx.silence.thermo import encode

if TYPE_CHECKING:
    from collections.abc import Sequence

    import pandas as pd

#: Largest mismatch count the near-match search accepts.
MAX_MISMATCHES_LIMIT = 3


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
