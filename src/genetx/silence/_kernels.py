"""Numba kernels of the silencing arm: they see only integer arrays, never strings or files.

Sequences arrive as uint8 codes (0-3 for A, C, G, T/U; 4 for anything else, which never pairs
and never matches). A transcript set is one code array with ``starts``/``ends`` per transcript.

* :func:`seed_counts` counts, for every k-mer, its sites and the transcripts holding it (all of
  each transcript, and its 3' UTR when the UTR start is known), skipping masked transcripts.
* :func:`near_counts` finds every window of a transcript set within ``max_mm`` mismatches of a
  set of same-length patterns (pigeonhole over ``max_mm + 2`` pieces: a window within ``max_mm``
  mismatches has at least two exact pieces; pairs of pieces are looked up in bucketed tables and
  every candidate is verified on the whole window with 2-bit XOR arithmetic), and counts sites
  and distinct transcripts per pattern and mismatch number. :func:`near_hits` lists the hits.
* :func:`hairpin_tm` is the Tm of the most stable Watson-Crick hairpin of each sequence.

The self-dimer / hairpin-stem kernel shared with the exon-skipping ASOs is in
``genetx/core/_kernels.py``.
"""

from __future__ import annotations

import numpy as np

from genetx._numba import njit, prange

_M1 = np.uint64(0x5555555555555555)
_M2 = np.uint64(0x3333333333333333)
_M4 = np.uint64(0x0F0F0F0F0F0F0F0F)
_H01 = np.uint64(0x0101010101010101)


@njit(inline="always")
def _popcount(x):  # pragma: no cover - compiled
    x = x - ((x >> np.uint64(1)) & _M1)
    x = (x & _M2) + ((x >> np.uint64(2)) & _M2)
    x = (x + (x >> np.uint64(4))) & _M4
    return (x * _H01) >> np.uint64(56)


# ------------------------------------------------------------------------------ seed k-mers
@njit(parallel=True)
def seed_counts(codes, starts, ends, utr3, skip, k, chunk_lo, chunk_hi):  # pragma: no cover
    """Per k-mer: sites, transcripts, 3' UTR sites, 3' UTR transcripts (int64 arrays, 4**k).

    ``utr3[t]`` is the transcript offset where its 3' UTR starts (-1: unknown, no UTR counts);
    a site counts as a UTR site when it lies wholly in the UTR. ``chunk_lo``/``chunk_hi`` split
    the transcripts into contiguous groups run in parallel.
    """
    n_k = 1 << (2 * k)
    mask = n_k - 1
    n_chunks = chunk_lo.size
    sites = np.zeros((n_chunks, n_k), dtype=np.int64)
    txs = np.zeros((n_chunks, n_k), dtype=np.int64)
    usites = np.zeros((n_chunks, n_k), dtype=np.int64)
    utxs = np.zeros((n_chunks, n_k), dtype=np.int64)
    for c in prange(n_chunks):
        last = np.full(n_k, -1, dtype=np.int64)
        ulast = np.full(n_k, -1, dtype=np.int64)
        for t in range(chunk_lo[c], chunk_hi[c]):
            if skip[t]:
                continue
            s = starts[t]
            e = ends[t]
            u = utr3[t]
            x = 0
            run = 0
            for p in range(s, e):
                b = codes[p]
                if b > 3:
                    run = 0
                    x = 0
                    continue
                x = ((x << 2) | b) & mask
                run += 1
                if run < k:
                    continue
                sites[c, x] += 1
                if last[x] != t:
                    last[x] = t
                    txs[c, x] += 1
                if u >= 0 and p - k + 1 - s >= u:
                    usites[c, x] += 1
                    if ulast[x] != t:
                        ulast[x] = t
                        utxs[c, x] += 1
    out_sites = np.zeros(n_k, dtype=np.int64)
    out_txs = np.zeros(n_k, dtype=np.int64)
    out_usites = np.zeros(n_k, dtype=np.int64)
    out_utxs = np.zeros(n_k, dtype=np.int64)
    for c in range(n_chunks):
        out_sites += sites[c]
        out_txs += txs[c]
        out_usites += usites[c]
        out_utxs += utxs[c]
    return out_sites, out_txs, out_usites, out_utxs


# ------------------------------------------------------------------------------ near matches
@njit(inline="always")
def _bucket(key, width_bits, table_bits):  # pragma: no cover - compiled
    """``key`` itself when it fits in ``table_bits``, else its Fibonacci hash to that width."""
    if width_bits <= table_bits:
        return np.int64(key)
    h = key * np.uint64(0x9E3779B97F4A7C15)
    return np.int64(h >> np.uint64(64 - table_bits))


@njit(inline="always")
def _home(key, table_bits):  # pragma: no cover - compiled
    h = key * np.uint64(0x9E3779B97F4A7C15)
    return np.int64(h >> np.uint64(64 - table_bits))


@njit(inline="always")
def _first_pair_ok(t, piece_masks, a, b):  # pragma: no cover - compiled
    """True when (a, b) is the lexicographically first pair of exact pieces."""
    first = -1
    second = -1
    for q in range(piece_masks.size):
        if (t & piece_masks[q]) == 0:
            if first < 0:
                first = q
            else:
                second = q
                break
    return first == a and second == b


_EMPTY = np.uint64(0xFFFFFFFFFFFFFFFF)


@njit(inline="always")
def _pieces(x, piece_shift, piece_bits, pv):  # pragma: no cover - compiled
    for q in range(pv.size):
        pv[q] = (x >> np.uint64(piece_shift[q])) & (
            (np.uint64(1) << np.uint64(piece_bits[q])) - np.uint64(1))


@njit(parallel=True)
def near_counts(codes, starts, ends, skip, n_pat, length, max_mm, piece_shift, piece_bits,
                piece_masks, pair_a, pair_b, slot_code, slot_id, bitsets, bitset_bits,
                table_bits, chunk_lo, chunk_hi):  # pragma: no cover - compiled
    """Sites and distinct transcripts per pattern with 0..max_mm mismatches.

    Patterns are 2-bit codes (first base most significant) of one length. Pieces ``q`` of a
    window are ``(x >> piece_shift[q]) & ((1 << piece_bits[q]) - 1)``; ``piece_masks[q]``
    selects the piece's low bits in the mismatch word. For each piece pair
    ``r = (pair_a[r], pair_b[r])``, ``slot_code[r]``/``slot_id[r]`` is an open-addressing table
    (linear probing from the Fibonacci hash of the pair key to ``table_bits``; empty slots hold
    all ones) of the patterns, and ``bitsets[r]`` marks the pair keys in use (the key itself,
    or its hash when wider than ``bitset_bits``), so that most windows are rejected by a
    cache-resident bit test without touching the table.
    """
    n_chunks = chunk_lo.size
    n_pairs = pair_a.size
    n_pieces = piece_shift.size
    smask = (np.int64(1) << table_bits) - 1
    width = np.uint64(2 * length)
    wmask = (np.uint64(1) << width) - np.uint64(1) if length < 32 else ~np.uint64(0)
    sites = np.zeros((n_chunks, n_pat, max_mm + 1), dtype=np.int64)
    txs = np.zeros((n_chunks, n_pat, max_mm + 1), dtype=np.int64)
    for c in prange(n_chunks):
        last = np.full((n_pat, max_mm + 1), -1, dtype=np.int64)
        pv = np.zeros(n_pieces, dtype=np.uint64)
        for t in range(chunk_lo[c], chunk_hi[c]):
            if skip[t]:
                continue
            x = np.uint64(0)
            run = 0
            for p in range(starts[t], ends[t]):
                b = codes[p]
                if b > 3:
                    run = 0
                    x = np.uint64(0)
                    continue
                x = ((x << np.uint64(2)) | np.uint64(b)) & wmask
                run += 1
                if run < length:
                    continue
                _pieces(x, piece_shift, piece_bits, pv)
                for r in range(n_pairs):
                    a = pair_a[r]
                    bb = pair_b[r]
                    key = (pv[a] << np.uint64(piece_bits[bb])) | pv[bb]
                    h = _bucket(key, piece_bits[a] + piece_bits[bb], bitset_bits)
                    if (bitsets[r, h >> 6] >> np.uint64(h & 63)) & np.uint64(1) == 0:
                        continue
                    j = _home(key, table_bits)
                    while True:
                        code = slot_code[r, j]
                        if code == _EMPTY:
                            break
                        j = (j + 1) & smask
                        d = x ^ code
                        tt = (d | (d >> np.uint64(1))) & _M1
                        mm = np.int64(_popcount(tt))
                        if mm > max_mm or not _first_pair_ok(tt, piece_masks, a, bb):
                            continue
                        m = slot_id[r, (j - 1) & smask]
                        sites[c, m, mm] += 1
                        if last[m, mm] != t:
                            last[m, mm] = t
                            txs[c, m, mm] += 1
    out_sites = np.zeros((n_pat, max_mm + 1), dtype=np.int64)
    out_txs = np.zeros((n_pat, max_mm + 1), dtype=np.int64)
    for c in range(n_chunks):
        out_sites += sites[c]
        out_txs += txs[c]
    return out_sites, out_txs


@njit
def near_hits(codes, starts, ends, skip, length, max_mm, piece_shift, piece_bits,
              piece_masks, pair_a, pair_b, slot_code, slot_id, bitsets, bitset_bits,
              table_bits, capacity):  # pragma: no cover - compiled
    """Every hit as rows ``(pattern, transcript, offset of the window's first base, mm)``.

    Same tables as :func:`near_counts`. Returns the filled rows and the total number found;
    when the total exceeds ``capacity`` only the first ``capacity`` rows are kept (the caller
    asks again with more room).
    """
    n_pairs = pair_a.size
    smask = (np.int64(1) << table_bits) - 1
    width = np.uint64(2 * length)
    wmask = (np.uint64(1) << width) - np.uint64(1) if length < 32 else ~np.uint64(0)
    pv = np.zeros(piece_shift.size, dtype=np.uint64)
    out = np.zeros((capacity, 4), dtype=np.int64)
    n = 0
    for t in range(starts.size):
        if skip[t]:
            continue
        x = np.uint64(0)
        run = 0
        for p in range(starts[t], ends[t]):
            b = codes[p]
            if b > 3:
                run = 0
                x = np.uint64(0)
                continue
            x = ((x << np.uint64(2)) | np.uint64(b)) & wmask
            run += 1
            if run < length:
                continue
            _pieces(x, piece_shift, piece_bits, pv)
            for r in range(n_pairs):
                a = pair_a[r]
                bb = pair_b[r]
                key = (pv[a] << np.uint64(piece_bits[bb])) | pv[bb]
                h = _bucket(key, piece_bits[a] + piece_bits[bb], bitset_bits)
                if (bitsets[r, h >> 6] >> np.uint64(h & 63)) & np.uint64(1) == 0:
                    continue
                j = _home(key, table_bits)
                while True:
                    code = slot_code[r, j]
                    if code == _EMPTY:
                        break
                    m = slot_id[r, j]
                    j = (j + 1) & smask
                    d = x ^ code
                    tt = (d | (d >> np.uint64(1))) & _M1
                    mm = np.int64(_popcount(tt))
                    if mm > max_mm or not _first_pair_ok(tt, piece_masks, a, bb):
                        continue
                    if n < capacity:
                        out[n, 0] = m
                        out[n, 1] = t
                        out[n, 2] = p - length + 1 - starts[t]
                        out[n, 3] = mm
                    n += 1
    return out[:min(n, capacity)], n


# ------------------------------------------------------------------------------ structure
@njit(parallel=True)
def hairpin_tm(codes, stack_dh, stack_ds, term_dh, term_ds, loop_ds, min_stem):  # pragma: no cover
    """Tm (degrees C) of the most stable Watson-Crick hairpin of each row (NaN: none).

    A hairpin closes a loop of ``>= 3`` bases with a contiguous stem of ``>= min_stem`` pairs.
    Its enthalpy and entropy are the sums of the stem's nearest-neighbour stacks, the terminal
    AU parameters when the outermost pair is A-U, and the loop entropy ``loop_ds[size]``
    (unimolecular: Tm = dH / dS).
    """
    n, length = codes.shape
    out = np.full(n, np.nan)
    max_loop = loop_ds.size - 1
    for r in prange(n):
        best = -1e9
        for i in range(length):
            for j in range(i + 4, length):
                loop = j - i - 1
                if loop > max_loop:
                    break
                a = codes[r, i]
                b = codes[r, j]
                if a > 3 or b > 3 or a + b != 3:
                    continue
                dh = 0.0
                ds = loop_ds[loop]
                k = 0
                while True:
                    k += 1
                    ii = i - k
                    jj = j + k
                    if ii < 0 or jj >= length:
                        break
                    x = codes[r, ii]
                    y = codes[r, jj]
                    if x > 3 or y > 3 or x + y != 3:
                        break
                    s = x * 4 + codes[r, ii + 1]
                    dh += stack_dh[s]
                    ds += stack_ds[s]
                    if k + 1 >= min_stem:
                        th = dh
                        ts = ds
                        if x == 0 or x == 3:  # outer pair A-U or U-A
                            th += term_dh
                            ts += term_ds
                        if ts < 0.0:
                            tm = th * 1000.0 / ts - 273.15
                            if tm > best:
                                best = tm
        if best > -1e8:
            out[r] = best
    return out
