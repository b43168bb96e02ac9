"""Numba kernels that build the PAM-site index from a packed genome.

They see only numpy arrays and integers. Codes are ``A=0, C=1, G=2, T=3, N=4`` (see
:mod:`genetx.genome.packed`); a PAM is given per strand as one 4-bit mask of allowed codes per
PAM position, in forward-strand order.

A site is described by its *anchor* ``a``, the forward-strand boundary between the PAM and the
spacer, and by its walking direction:

* left-walking (3' PAM on ``+``, 5' PAM on ``-``): PAM at ``[a, a + P)``, spacer base ``d``
  (``d = 1`` next to the PAM) at ``a - d``;
* right-walking (3' PAM on ``-``, 5' PAM on ``+``): PAM at ``[a - P, a)``, spacer base ``d``
  at ``a + d - 1``.

On the minus strand the spacer bases are complemented. The site *word* holds spacer base
``d`` in bits ``2(d - 1)`` and ``2(d - 1) + 1`` for ``d = 1 .. 32`` (bits past the clear length
are zero); the *clear* length is the number of bases from the PAM up to (not including) the
first ``N`` or record end, capped at 32.

The genome is walked once per call with two rolling 64-bit words (the 32 bases left of the
anchor and the 32 bases from it on), so each site costs O(1) whatever its length. Sites are
met in the order (anchor, plus before minus); every kernel that places sites keeps that order
within a seed key (the sorts are stable), so the index is the same however the work is split.

Seed keys: key A is bits ``0 .. 2k-1`` of the word (bases ``1..k``), key B the next ``2k``
bits. A *sub-partition* is a run of ``2**shift`` consecutive keys (``key >> shift``); the
build scatters sites to their sub-partition's slots (few write streams, cache friendly) and
then sorts each sub-partition by its low key bits in memory.
"""

from __future__ import annotations

import numpy as np

from genetx._numba import njit, prange

WIDTH = 32
_ALL = np.uint64(0xFFFFFFFFFFFFFFFF)


@njit
def _clear_mask(clear: int) -> np.uint64:
    if clear >= WIDTH:
        return _ALL
    return (np.uint64(1) << np.uint64(2 * clear)) - np.uint64(1)


@njit
def _walk(mode: int, codes: np.ndarray, lo: int, hi: int, tab_plus: np.ndarray,
          tab_minus: np.ndarray, p: int, left_plus: bool, min_clear: int, k: int, shift: int,
          sub_a: np.ndarray, sub_b: np.ndarray, sp_lo: int, sp_hi: int, cur_row: np.ndarray,
          words: np.ndarray, anchors: np.ndarray, flags: np.ndarray) -> None:
    """Visit the sites with anchors in ``[lo, hi)`` in order (anchor, plus before minus).

    PAMs are matched with a rolling bit state per strand (shift-and: bit ``j`` is set when
    the last ``j + 1`` bases match PAM positions ``0..j``; ``tab[code]`` has bit ``j`` set
    when PAM position ``j`` allows ``code``), so a base without a PAM costs a few bit
    operations. ``mode`` 0 counts the sites per sub-partition of key A (``sub_a``) and of
    key B (``sub_b``); mode 1 writes those whose sub-partition is in ``[sp_lo, sp_hi)`` at
    ``cur_row[sp]`` (then advanced) of ``words``, ``anchors`` and ``flags``.
    """
    n = codes.shape[0]
    kmask = np.uint64((1 << (2 * k)) - 1)
    kshift = np.uint64(2 * k)
    sshift = np.uint64(shift)
    two = np.uint64(2)
    top = np.uint32(1 << (p - 1))
    one = np.uint32(1)
    # the PAM of a left-walking site at anchor a ends at a + p - 1, a right-walking one at a - 1
    st_plus = np.uint32(0)
    st_minus = np.uint32(0)
    for j in range(max(0, lo - 8), lo + p - 1):
        c = codes[j] if j < n else 4
        if left_plus:
            st_plus = ((st_plus << one) | one) & tab_plus[c]
        else:
            st_minus = ((st_minus << one) | one) & tab_minus[c]
    for j in range(max(0, lo - 8), lo - 1):
        c = codes[j]
        if left_plus:
            st_minus = ((st_minus << one) | one) & tab_minus[c]
        else:
            st_plus = ((st_plus << one) | one) & tab_plus[c]
    # left state: the bases up to a - 1 (newest in the low bits) and the run of ACGT there
    fw = np.uint64(0)
    run_l = 0
    for j in range(max(0, lo - WIDTH), lo - 1):
        c = codes[j]
        fw = (fw << two) | np.uint64(c & 3)
        run_l = 0 if c > 3 else run_l + 1
    # right state: the bases a .. a + 31 (a in the low bits); nb: first non-ACGT >= a
    rw = np.uint64(0)
    for j in range(lo, lo + WIDTH - 1):
        c = codes[j] if j < n else 4
        rw = (rw >> two) | (np.uint64(c & 3) << np.uint64(62))
    lim = min(n, hi + WIDTH)
    nb = -1
    for a in range(lo, hi):
        cr = codes[a - 1] if a >= 1 else 4
        fw = (fw << two) | np.uint64(cr & 3)
        run_l = 0 if cr > 3 else run_l + 1
        j = a + WIDTH - 1
        c = codes[j] if j < n else 4
        rw = (rw >> two) | (np.uint64(c & 3) << np.uint64(62))
        j = a + p - 1
        cl = codes[j] if j < n else 4
        if left_plus:
            st_plus = ((st_plus << one) | one) & tab_plus[cl]
            st_minus = ((st_minus << one) | one) & tab_minus[cr]
        else:
            st_plus = ((st_plus << one) | one) & tab_plus[cr]
            st_minus = ((st_minus << one) | one) & tab_minus[cl]
        if ((st_plus | st_minus) & top) == 0:
            continue
        for s in range(2):
            if ((st_plus if s == 0 else st_minus) & top) == 0:
                continue
            left = left_plus if s == 0 else not left_plus
            if left:
                clear = min(run_l, WIDTH)
            else:
                if nb < a:
                    j = a
                    while j < lim and codes[j] <= 3:
                        j += 1
                    nb = j
                clear = min(nb - a, WIDTH)
            if clear < min_clear:
                continue
            m = _clear_mask(clear)
            word = (fw if left else rw) & m
            if s == 1:
                word ^= m
            key = word & kmask
            sp = np.int64(key >> sshift)
            if mode == 0:
                sub_a[sp] += 1
                sub_b[np.int64(((word >> kshift) & kmask) >> sshift)] += 1
            elif sp_lo <= sp < sp_hi:
                slot = cur_row[sp]
                cur_row[sp] = slot + 1
                words[slot] = word
                anchors[slot] = a
                flags[slot] = np.uint8(clear | (s << 7))


@njit(parallel=True)
def count_sites(codes: np.ndarray, bounds: np.ndarray, tab_plus: np.ndarray,
                tab_minus: np.ndarray, p: int, left_plus: bool, min_clear: int, k: int,
                shift: int, sub_a: np.ndarray, sub_b: np.ndarray) -> None:
    """Count the sites of each chunk ``[bounds[c], bounds[c + 1])`` of anchors.

    Parameters
    ----------
    codes
        Packed genome (uint8).
    bounds
        int64 chunk boundaries (``len = n_chunks + 1``).
    tab_plus, tab_minus
        uint32 ``(5,)``: bit ``j`` of ``tab[code]`` is set when PAM position ``j`` (forward
        order, on the strand's forward text) allows ``code``; ``tab[4] = 0``.
    p
        PAM length (1-8).
    left_plus
        True when plus-strand sites are left-walking (3' PAM).
    min_clear
        Sites with a shorter clear length are left out.
    k, shift
        Seed length in bases; sub-partition shift in bits.
    sub_a, sub_b
        int64 ``(n_chunks, 4**k >> shift)``: the sites of chunk ``c`` per sub-partition of key
        A / key B are added to row ``c``.
    """
    empty16 = np.zeros(0, np.uint16)
    empty64 = np.zeros(0, np.uint64)
    for c in prange(bounds.shape[0] - 1):
        _walk(0, codes, bounds[c], bounds[c + 1], tab_plus, tab_minus, p, left_plus,
              min_clear, k, shift, sub_a[c], sub_b[c], 0, 0, sub_a[c], empty64, empty64,
              empty16)


@njit(parallel=True)
def scatter_sites(codes: np.ndarray, bounds: np.ndarray, tab_plus: np.ndarray,
                  tab_minus: np.ndarray, p: int, left_plus: bool, min_clear: int, k: int,
                  shift: int,
                  sp_lo: int, sp_hi: int, cursor: np.ndarray, words: np.ndarray,
                  anchors: np.ndarray, flags: np.ndarray) -> None:
    """Write the sites of sub-partitions ``[sp_lo, sp_hi)`` at their sub-partition's slots.

    ``cursor[c, sp]`` is the global slot of chunk ``c``'s next site in sub-partition ``sp``
    (advanced in place). ``flags`` gets the clear length in bits 0-5 and the strand
    (1 = minus) in bit 7. Other arguments as in :func:`count_sites`.
    """
    dummy = np.zeros(0, np.int64)
    for c in prange(bounds.shape[0] - 1):
        _walk(1, codes, bounds[c], bounds[c + 1], tab_plus, tab_minus, p, left_plus,
              min_clear, k, shift, dummy, dummy, sp_lo, sp_hi, cursor[c], words, anchors,
              flags)


@njit
def _local_offsets(keys_low: np.ndarray, width: int, a0: int, off: np.ndarray,
                   k0: int) -> np.ndarray:
    """Histogram of ``keys_low`` (values ``< width``); writes ``off[k0 + j]`` (first slot of
    each key, counting from ``a0``) and returns those slots as a fresh cursor array."""
    cur = np.zeros(width, np.int64)
    for i in range(keys_low.shape[0]):
        cur[keys_low[i]] += 1
    run = a0
    for j in range(width):
        cnt = cur[j]
        cur[j] = run
        off[k0 + j] = run
        run += cnt
    return cur


@njit(parallel=True)
def sort_subpartitions(words: np.ndarray, anchors: np.ndarray, flags: np.ndarray,
                       sub_first: np.ndarray, off_a: np.ndarray, shift: int, sp_lo: int,
                       sp_hi: int) -> None:
    """Stable in-place counting sort of each sub-partition in ``[sp_lo, sp_hi)`` by key A.

    Sub-partition ``sp`` holds the slots ``sub_first[sp] .. sub_first[sp + 1]``; the first
    slot of each of its keys is written to ``off_a[key]``.
    """
    width = 1 << shift
    lowmask = np.uint64(width - 1)
    for sp in prange(sp_lo, sp_hi):
        k0 = sp << shift
        a0 = sub_first[sp]
        a1 = sub_first[sp + 1]
        w = words[a0:a1].copy()
        lowk = np.empty(w.shape[0], np.int64)
        for i in range(w.shape[0]):
            lowk[i] = np.int64(w[i] & lowmask)
        cur = _local_offsets(lowk, width, a0, off_a, k0)
        if width == 1 or a1 - a0 <= 1:
            continue
        an = anchors[a0:a1].copy()
        fl = flags[a0:a1].copy()
        for i in range(w.shape[0]):
            j = lowk[i]
            slot = cur[j]
            cur[j] = slot + 1
            words[slot] = w[i]
            anchors[slot] = an[i]
            flags[slot] = fl[i]


@njit(parallel=True)
def count_key_b(words: np.ndarray, bounds: np.ndarray, k: int, shift: int,
                nsub: int) -> np.ndarray:
    """Sites per (part, sub-partition of key B) for parts ``[bounds[c], bounds[c + 1])``."""
    kmask = np.uint64((1 << (2 * k)) - 1)
    kshift = np.uint64(2 * k)
    sshift = np.uint64(shift)
    out = np.zeros((bounds.shape[0] - 1, nsub), np.int64)
    for c in prange(bounds.shape[0] - 1):
        for i in range(bounds[c], bounds[c + 1]):
            out[c, np.int64(((words[i] >> kshift) & kmask) >> sshift)] += 1
    return out


@njit(parallel=True)
def scatter_key_b(words: np.ndarray, bounds: np.ndarray, k: int, shift: int,
                  cursor: np.ndarray, perm: np.ndarray, low: np.ndarray) -> None:
    """Write each site number ``i`` of the parts to ``perm`` at its key-B sub-partition's slot.

    ``cursor[c, sp]`` is the next slot of part ``c`` in sub-partition ``sp`` (advanced in
    place); ``low`` (uint16) gets the key's low ``shift`` bits for :func:`sort_key_b`.
    """
    kmask = np.uint64((1 << (2 * k)) - 1)
    kshift = np.uint64(2 * k)
    sshift = np.uint64(shift)
    lowmask = np.uint64((1 << shift) - 1)
    for c in prange(bounds.shape[0] - 1):
        row = cursor[c]
        for i in range(bounds[c], bounds[c + 1]):
            kb = (words[i] >> kshift) & kmask
            sp = np.int64(kb >> sshift)
            slot = row[sp]
            row[sp] = slot + 1
            perm[slot] = i
            low[slot] = np.uint16(kb & lowmask)


@njit(parallel=True)
def sort_key_b(perm: np.ndarray, low: np.ndarray, sub_first: np.ndarray, off_b: np.ndarray,
               shift: int, sp_lo: int, sp_hi: int) -> None:
    """Stable in-place counting sort of each key-B sub-partition of ``perm`` by ``low``;
    writes the first slot of each key B to ``off_b[key]``."""
    width = 1 << shift
    for sp in prange(sp_lo, sp_hi):
        k0 = sp << shift
        a0 = sub_first[sp]
        a1 = sub_first[sp + 1]
        lv = low[a0:a1].astype(np.int64)
        cur = _local_offsets(lv, width, a0, off_b, k0)
        if width == 1 or a1 - a0 <= 1:
            continue
        pv = perm[a0:a1].copy()
        for i in range(pv.shape[0]):
            j = lv[i]
            slot = cur[j]
            cur[j] = slot + 1
            perm[slot] = pv[i]


# --------------------------------------------------------------------------- search
_M1 = np.uint64(0x5555555555555555)
_M2 = np.uint64(0x3333333333333333)
_M4 = np.uint64(0x0F0F0F0F0F0F0F0F)
_H01 = np.uint64(0x0101010101010101)


@njit
def _popcount64(x: np.uint64) -> int:
    x = x - ((x >> np.uint64(1)) & _M1)
    x = (x & _M2) + ((x >> np.uint64(2)) & _M2)
    x = (x + (x >> np.uint64(4))) & _M4
    return int((x * _H01) >> np.uint64(56))


@njit
def _first_bucket(csum: np.ndarray, t: int) -> int:
    """The bucket ``b`` with ``csum[b] <= t < csum[b + 1]`` (binary search, first such)."""
    lo = 0
    hi = csum.shape[0] - 1
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if csum[mid] <= t:
            lo = mid
        else:
            hi = mid
    while lo + 1 < csum.shape[0] - 1 and csum[lo + 1] <= t:
        lo += 1
    return lo


@njit(parallel=True)
def verify_buckets(words: np.ndarray, flags: np.ndarray, perm: np.ndarray, through_b: bool,
                   qword: np.ndarray, qcare: np.ndarray, qlen: np.ndarray,
                   skip_r: np.ndarray, m: int, k: int, bq: np.ndarray, blo: np.ndarray,
                   csum: np.ndarray, chunk: int
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Verify every site of the bucket ranges against their queries; return the matches.

    Bucket ``b`` is the index slots ``blo[b] .. blo[b] + csum[b + 1] - csum[b] - 1`` (through
    ``perm`` when ``through_b``) checked against query ``bq[b]``. A site matches when its
    cared bases differ from the query's in at most ``m`` places, its clear length
    (``flags & 63``) is at least ``qlen``, and, when ``through_b``, its seed-A mismatches
    (bases ``1..k``) exceed ``skip_r`` (such sites were found through seed A).

    The candidates are cut into chunks of ``chunk`` verified in parallel; a first pass stores
    each candidate's mismatch count (or -1), a second writes the matches at their chunk's
    offset, so the output is in candidate order whatever the number of threads.

    Returns
    -------
    ``(query, site, mismatches)`` int64 arrays of the matches.
    """
    total = csum[csum.shape[0] - 1]
    nchunks = (total + chunk - 1) // chunk
    mmbuf = np.empty(total, np.int8)
    counts = np.zeros(nchunks + 1, np.int64)
    mask_a = np.uint64((1 << (2 * k)) - 1)
    one = np.uint64(1)
    for c in prange(nchunks):
        t0 = c * chunk
        t1 = min(total, t0 + chunk)
        b = _first_bucket(csum, t0)
        found = 0
        for t in range(t0, t1):
            while csum[b + 1] <= t:
                b += 1
            qi = bq[b]
            pos = blo[b] + (t - csum[b])
            s = np.int64(perm[pos]) if through_b else pos
            x = words[s] ^ qword[qi]
            y = (x | (x >> one)) & qcare[qi] & _M1
            mm = _popcount64(y)
            ok = mm <= m and np.int64(flags[s] & np.uint8(63)) >= qlen[qi]
            if ok and through_b:
                ok = _popcount64(y & mask_a) > skip_r[qi]
            if ok:
                mmbuf[t] = mm
                found += 1
            else:
                mmbuf[t] = -1
        counts[c + 1] = found
    for c in range(nchunks):
        counts[c + 1] += counts[c]
    n_out = counts[nchunks]
    out_q = np.empty(n_out, np.int64)
    out_s = np.empty(n_out, np.int64)
    out_m = np.empty(n_out, np.int64)
    for c in prange(nchunks):
        if counts[c + 1] == counts[c]:
            continue
        t0 = c * chunk
        t1 = min(total, t0 + chunk)
        b = _first_bucket(csum, t0)
        o = counts[c]
        for t in range(t0, t1):
            if mmbuf[t] < 0:
                continue
            while csum[b + 1] <= t:
                b += 1
            pos = blo[b] + (t - csum[b])
            out_q[o] = bq[b]
            out_s[o] = np.int64(perm[pos]) if through_b else pos
            out_m[o] = mmbuf[t]
            o += 1
    return out_q, out_s, out_m
