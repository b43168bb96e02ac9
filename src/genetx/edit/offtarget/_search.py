"""The exact seed-filtered search over an :class:`~genetx.edit.offtarget.index.OffTargetIndex`.

A *query* is one alignment pattern of a guide: the guide itself, or the guide with a DNA
bulge (wildcard bases inserted) or an RNA bulge (bases deleted) at one placement. Each query
is a 2-bit word over the site's spacer bases (``d = 1`` next to the PAM) with a care mask
(wildcards do not count) and a spacer length ``Ls``. A site matches a query when its clear
length is at least ``Ls`` and the cared bases differ in at most ``m`` places.

Pigeonhole filter (exact): with seed A = bases ``1..k`` and seed B = bases ``k+1..2k``,
``mm_A + mm_B <= m``, so ``mm_A <= r_A`` or ``mm_B <= r_B`` whenever ``r_A + r_B >= m - 1``.
Pass A enumerates every seed-A key within ``r_A`` substitutions of the query (wildcards take
all four values) and verifies the sites of those buckets; pass B does the same through the
seed-B order and skips sites with ``mm_A <= r_A`` (already seen in pass A). Every site that
matches is found exactly once. Verification (XOR, fold, popcount) runs in vectorised numpy for
small searches and in a parallel numba kernel
(:func:`~genetx.edit.offtarget._kernels.verify_buckets`) for large ones; both return the same
arrays in the same order, whatever the number of threads.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from genetx.genome.packed import CODE_LETTERS

if TYPE_CHECKING:
    from genetx.edit.offtarget.index import OffTargetIndex

_LOW = np.uint64(0x5555555555555555)
_BATCH_CANDIDATES = 2_000_000
#: Candidates handed to one call of the parallel kernel (its scratch: one byte each).
_KERNEL_BATCH = 8_000_000
#: Smallest chunk of candidates one kernel thread takes.
_KERNEL_CHUNK = 4096
#: A search whose estimated candidate count is below this stays on the numpy path (one
#: thread): importing numba and loading the cached parallel kernel costs about 0.7 s per
#: process, more than numpy spends on ~30 M candidates (measured on the 2-core machine).
KERNEL_MIN_CANDIDATES = 16_000_000
BULGE_NONE, BULGE_DNA, BULGE_RNA = 0, 1, 2
BULGE_NAMES = ("none", "DNA", "RNA")
_CODE = {"A": 0, "C": 1, "G": 2, "T": 3}


@dataclass
class Queries:
    """Alignment patterns of a set of guides (one row per pattern)."""

    guide: np.ndarray     # int64 guide number
    word: np.ndarray      # uint64 pattern bases in site order (d = 1 in the low bits)
    care: np.ndarray      # uint64 low bit of each cared 2-bit slot
    length: np.ndarray    # int64 spacer bases on the genome (Ls)
    btype: np.ndarray     # int8 bulge type
    bsize: np.ndarray     # int8 bulge size
    bpos: np.ndarray      # int16 bulge position (guide coordinates, 1-based; 0 for none)
    pattern: list[str]    # aligned pattern, guide orientation, '.' for DNA-bulge bases

    def __len__(self) -> int:
        return int(self.guide.shape[0])


def guide_patterns(guide: str, dna_bulge: int, rna_bulge: int) -> list[tuple[str, int, int, int]]:
    """Every alignment pattern of ``guide``: ``(pattern, type, size, position)``.

    DNA bulge of size ``s`` after guide base ``i`` (``1 <= i <= L-1``): ``s`` wildcard bases
    ``.`` are inserted between guide bases ``i`` and ``i+1``. RNA bulge of size ``s`` at
    guide base ``i`` (``2 <= i``, ``i+s-1 <= L-1``): guide bases ``i..i+s-1`` are removed.
    """
    n = len(guide)
    out = [(guide, BULGE_NONE, 0, 0)]
    for s in range(1, dna_bulge + 1):
        for i in range(1, n):
            out.append((guide[:i] + "." * s + guide[i:], BULGE_DNA, s, i))
    for s in range(1, rna_bulge + 1):
        for i in range(2, n - s + 1):
            out.append((guide[:i - 1] + guide[i - 1 + s:], BULGE_RNA, s, i))
    return out


def make_queries(guides: list[str], side: str, dna_bulge: int, rna_bulge: int) -> Queries:
    """Build the query table of ``guides`` (upper-case ACGT) for a PAM side."""
    g_i, words, cares, lens, bt, bs, bp, pats = [], [], [], [], [], [], [], []
    for gi, guide in enumerate(guides):
        for pat, t, s, p in guide_patterns(guide, dna_bulge, rna_bulge):
            site_order = pat[::-1] if side == "3prime" else pat
            w = c = 0
            for d, ch in enumerate(site_order):
                if ch != ".":
                    w |= _CODE[ch] << (2 * d)
                    c |= 1 << (2 * d)
            g_i.append(gi)
            words.append(w)
            cares.append(c)
            lens.append(len(pat))
            bt.append(t)
            bs.append(s)
            bp.append(p)
            pats.append(pat)
    return Queries(np.asarray(g_i, np.int64), np.asarray(words, np.uint64),
                   np.asarray(cares, np.uint64), np.asarray(lens, np.int64),
                   np.asarray(bt, np.int8), np.asarray(bs, np.int8), np.asarray(bp, np.int16),
                   pats)


@lru_cache(maxsize=4096)
def _xor_patterns(cared: tuple[int, ...], wild: tuple[int, ...], r: int) -> np.ndarray:
    """XOR masks with at most ``r`` substitutions at ``cared`` slots, any value at ``wild``."""
    pat = np.zeros(1, dtype=np.uint64)
    cnt = np.zeros(1, dtype=np.int64)
    for p in cared:
        ok = cnt < r
        ext = [pat]
        ext_c = [cnt]
        for s in (1, 2, 3):
            ext.append(pat[ok] | np.uint64(s << (2 * p)))
            ext_c.append(cnt[ok] + 1)
        pat = np.concatenate(ext)
        cnt = np.concatenate(ext_c)
    for p in wild:
        pat = np.concatenate([pat | np.uint64(s << (2 * p)) for s in range(4)])
    return pat


def _n_keys(n_cared: int, n_wild: int, r: int) -> int:
    from math import comb

    return sum(comb(n_cared, j) * 3**j for j in range(min(r, n_cared) + 1)) * 4**n_wild


def _seed_keys(word: int, care: int, lo_slot: int, k: int, length: int,
               r: int) -> np.ndarray:
    """All seed keys (slots ``lo_slot .. lo_slot+k-1``) within ``r`` of the query there."""
    cared, wild = [], []
    for j in range(k):
        d = lo_slot + j
        if d < length and (care >> (2 * d)) & 1:
            cared.append(j)
        else:
            wild.append(j)
    base = np.uint64((word >> (2 * lo_slot)) & ((1 << (2 * k)) - 1))
    return base ^ _xor_patterns(tuple(cared), tuple(wild), r)


@dataclass
class _Plan:
    r_a: np.ndarray       # int64 per query (threshold of pass A; m means full scan)
    r_b: np.ndarray       # int64 per query (-1: no pass B)
    full: np.ndarray      # bool per query: verify every site
    candidates: float     # expected number of candidate sites over all queries


def _plan(idx: OffTargetIndex, q: Queries, m: int) -> _Plan:
    k = idx.k
    nkeys = 1 << (2 * k)
    n = len(q)
    r_a = np.zeros(n, np.int64)
    r_b = np.full(n, -1, np.int64)
    full = np.zeros(n, bool)
    per_key = idx.n_sites / nkeys
    candidates = 0.0
    for i in range(n):
        care = int(q.care[i])
        length = int(q.length[i])
        ca = sum((care >> (2 * d)) & 1 for d in range(min(k, length)))
        cb = sum((care >> (2 * d)) & 1 for d in range(k, min(2 * k, length)))
        ra = m // 2
        rb = m - 1 - ra
        if cb == 0 or rb < 0:
            ra, rb = m, -1
        cost = _n_keys(ca, k - ca, ra) + (_n_keys(cb, k - cb, rb) if rb >= 0 else 0)
        if cost >= nkeys // 4:
            full[i] = True
            ra, rb = m, -1
            candidates += idx.n_sites
        else:
            candidates += cost * per_key
        r_a[i], r_b[i] = ra, rb
    return _Plan(r_a, r_b, full, candidates)


def _expand(lo: np.ndarray, cnt: np.ndarray, qids: np.ndarray,
            batch: int) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """(query, slot) pairs of bucket ranges ``[lo, lo + cnt)``, about ``batch`` at a time."""
    csum = np.cumsum(cnt)
    start, n = 0, lo.shape[0]
    while start < n:
        before = int(csum[start - 1]) if start else 0
        end = max(start + 1, int(np.searchsorted(csum, before + batch, side="right")))
        c = cnt[start:end]
        total = int(c.sum())
        starts = np.cumsum(c) - c
        idx = np.arange(total, dtype=np.int64) + np.repeat(lo[start:end] - starts, c)
        yield np.repeat(qids[start:end], c), idx
        start = end


def _verify(idx: OffTargetIndex, q: Queries, qid: np.ndarray, site: np.ndarray, m: int,
            skip_r_a: np.ndarray | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    w = np.asarray(idx.words[site])
    x = w ^ q.word[qid]
    y = (x | (x >> np.uint64(1))) & q.care[qid] & _LOW
    mm = np.bitwise_count(y).astype(np.int64)
    clear = (np.asarray(idx.flags[site]) & 63).astype(np.int64)
    ok = (mm <= m) & (clear >= q.length[qid])
    if skip_r_a is not None:
        mask_a = np.uint64((1 << (2 * idx.k)) - 1)
        mm_a = np.bitwise_count(y & mask_a).astype(np.int64)
        ok &= mm_a > skip_r_a[qid]
    return qid[ok], site[ok], mm[ok]


def _numpy_buckets(idx: OffTargetIndex, q: Queries, m: int, skip_r: np.ndarray,
                   bq: np.ndarray, blo: np.ndarray, cnt: np.ndarray, through_b: bool,
                   batch: int) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """:func:`_run_buckets` in vectorised numpy (one thread, no JIT to load)."""
    for qq, pos in _expand(blo, cnt, bq, batch):
        site = idx.perm_b[pos].astype(np.int64) if through_b else pos
        yield _verify(idx, q, qq, site, m, skip_r if through_b else None)


def _kernel_buckets(idx: OffTargetIndex, q: Queries, m: int, skip_r: np.ndarray,
                    bq: np.ndarray, blo: np.ndarray, cnt: np.ndarray, through_b: bool,
                    batch: int, threads: int
                    ) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Matches of the bucket ranges ``[blo, blo + cnt)`` against queries ``bq``, in order.

    Buckets are handed to the kernel about ``batch`` candidates at a time (its scratch is one
    byte per candidate); each call verifies its candidates on ``threads`` threads.
    """
    from genetx.edit.offtarget._kernels import verify_buckets

    csum_all = np.cumsum(cnt)
    start, n = 0, cnt.shape[0]
    while start < n:
        before = int(csum_all[start - 1]) if start else 0
        end = max(start + 1, int(np.searchsorted(csum_all, before + batch, side="right")))
        c = cnt[start:end]
        csum = np.zeros(c.shape[0] + 1, np.int64)
        np.cumsum(c, out=csum[1:])
        chunk = max(_KERNEL_CHUNK, -(-int(csum[-1]) // (8 * threads)))
        yield verify_buckets(idx.words, idx.flags, idx.perm_b, through_b, q.word, q.care,
                             q.length, skip_r, m, idx.k, bq[start:end], blo[start:end], csum,
                             chunk)
        start = end


def estimate_candidates(idx: OffTargetIndex, q: Queries, m: int) -> float:
    """Expected number of candidate sites the search of ``q`` verifies (index average)."""
    return _plan(idx, q, m).candidates


def search_queries(idx: OffTargetIndex, q: Queries, m: int, batch: int | None = None, *,
                   threads: int | None = None, kernel: bool | None = None
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """All ``(query, site, mismatches)`` with at most ``m`` mismatches (each exactly once).

    Parameters
    ----------
    idx, q, m
        Index, queries and mismatch limit.
    batch
        Candidates verified per step (default: 2 M on the numpy path, 8 M in the kernel).
    threads
        Threads of the parallel kernel (default ``settings.threads``).
    kernel
        Verify in the parallel numba kernel (True) or in numpy on one thread (False);
        default: the kernel when the plan expects at least :data:`KERNEL_MIN_CANDIDATES`.

    Returns
    -------
    ``(query, site, mismatches)`` int64 arrays. Both paths return the same arrays in the
    same order, whatever the number of threads.
    """
    from contextlib import nullcontext

    plan = _plan(idx, q, m)
    if kernel is None:
        kernel = plan.candidates >= KERNEL_MIN_CANDIDATES
    if batch is None:
        batch = _KERNEL_BATCH if kernel else _BATCH_CANDIDATES
    k = idx.k
    out_q, out_s, out_m = [], [], []
    n_sites = idx.n_sites
    if kernel:
        from genetx._numba import thread_limit

        limit = thread_limit(threads)
    else:
        limit = nullcontext(1)

    with limit as nt:

        def run(bq: np.ndarray, blo: np.ndarray, cnt: np.ndarray,
                through_b: bool) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray]]:
            if kernel:
                return _kernel_buckets(idx, q, m, plan.r_a, bq, blo, cnt, through_b, batch, nt)
            return _numpy_buckets(idx, q, m, plan.r_a, bq, blo, cnt, through_b, batch)

        def flush(qids: list[np.ndarray], keys: list[np.ndarray], off: np.ndarray,
                  through_b: bool) -> None:
            if not qids:
                return
            qa = np.concatenate(qids)
            ka = np.concatenate(keys).astype(np.int64)
            lo = off[ka].astype(np.int64)
            cnt = off[ka + 1] - lo
            keep = cnt > 0
            for rq, rs, rm in run(qa[keep], lo[keep], cnt[keep], through_b):
                out_q.append(rq)
                out_s.append(rs)
                out_m.append(rm)

        for through_b in (False, True):
            off = idx.off_b if through_b else idx.off_a
            off = np.asarray(off)
            qids: list[np.ndarray] = []
            keys: list[np.ndarray] = []
            pending = 0
            for i in range(len(q)):
                if through_b and plan.r_b[i] < 0:
                    continue
                if plan.full[i]:
                    if not through_b:
                        lo = np.arange(0, n_sites, batch, dtype=np.int64)
                        cnt = np.minimum(batch, n_sites - lo)
                        for rq, rs, rm in run(np.full(lo.shape[0], i, np.int64), lo, cnt,
                                              through_b):
                            out_q.append(rq)
                            out_s.append(rs)
                            out_m.append(rm)
                    continue
                lo_slot = k if through_b else 0
                r = int(plan.r_b[i] if through_b else plan.r_a[i])
                kk = _seed_keys(int(q.word[i]), int(q.care[i]), lo_slot, k, int(q.length[i]),
                                r)
                qids.append(np.full(kk.shape[0], i, np.int64))
                keys.append(kk)
                pending += kk.shape[0]
                if pending > 200_000:
                    flush(qids, keys, off, through_b)
                    qids, keys, pending = [], [], 0
            flush(qids, keys, off, through_b)
    if not out_q:
        z = np.zeros(0, np.int64)
        return z, z.copy(), z.copy()
    return np.concatenate(out_q), np.concatenate(out_s), np.concatenate(out_m)


def best_per_site(q: Queries, qid: np.ndarray, site: np.ndarray,
                  mm: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Keep one alignment per (guide, site): fewest edits, then fewest bulge bases, then no
    bulge before DNA before RNA, then the bulge nearest the guide's 5' end."""
    if qid.shape[0] == 0:
        return qid, site, mm
    g = q.guide[qid]
    size = q.bsize[qid].astype(np.int64)
    order = np.lexsort((q.bpos[qid], q.btype[qid], size, mm + size, site, g))
    g_o, s_o = g[order], site[order]
    first = np.ones(order.shape[0], bool)
    first[1:] = (g_o[1:] != g_o[:-1]) | (s_o[1:] != s_o[:-1])
    keep = order[first]
    return qid[keep], site[keep], mm[keep]


_COMP_CODE = np.array([3, 2, 1, 0, 4], dtype=np.uint8)
_LOWER = np.frombuffer(b"acgtn", dtype=np.uint8)


@dataclass
class HitArrays:
    """Hits as columns (one row per site); ``to_frame`` turns them into a DataFrame."""

    record: np.ndarray
    chrom: list[str]
    start: np.ndarray
    end: np.ndarray
    strand: np.ndarray      # '+' / '-' (object array)
    guide: np.ndarray       # int64 guide number
    site: list[str]
    mismatches: np.ndarray
    bulge_type: np.ndarray  # int8
    bulge_size: np.ndarray
    bulge_pos: np.ndarray
    pam_len: int = 0

    def __len__(self) -> int:
        return int(self.start.shape[0])


def render(idx: OffTargetIndex, q: Queries, qid: np.ndarray, site: np.ndarray,
           mm: np.ndarray) -> HitArrays:
    """Coordinates and aligned site strings of hits, sorted by guide, chromosome, start."""
    packed = idx.packed
    p = len(idx.pam)
    anchors = np.asarray(idx.anchors[site]).astype(np.int64)
    minus = (np.asarray(idx.flags[site]) >> 7).astype(bool)
    ls = q.length[qid]
    left = minus != idx.left_plus  # left-walking sites: spacer left of the anchor
    gstart = np.where(left, anchors - ls, anchors - p)
    gend = np.where(left, anchors + p, anchors + ls)
    rec, cstart = packed.to_chrom(gstart)
    cend = cstart + (gend - gstart)
    guide = q.guide[qid]
    order = np.lexsort((minus, cstart, rec, guide))
    qid, site, mm = qid[order], site[order], mm[order]
    gstart, gend, rec, cstart, cend, minus, guide = (a[order] for a in (
        gstart, gend, rec, cstart, cend, minus, guide))
    strings = [""] * qid.shape[0]
    # one vectorised pass per query (all its hits share one length and pattern)
    uq, inv = np.unique(qid, return_inverse=True)
    by_query = np.argsort(inv, kind="stable")
    bounds = np.concatenate([[0], np.cumsum(np.bincount(inv, minlength=uq.shape[0]))])
    codes = packed.codes
    for j, qi in enumerate(uq.tolist()):
        rows = by_query[bounds[j]:bounds[j + 1]]
        length = int(q.length[qi])
        width = length + p
        mat = np.asarray(codes[gstart[rows][:, None] + np.arange(width)[None, :]])
        mrows = minus[rows]
        if mrows.any():
            mat[mrows] = _COMP_CODE[mat[mrows][:, ::-1]]
        pat = q.pattern[qi]
        spacer_cols = np.arange(length) + (0 if idx.side == "3prime" else p)
        pat_codes = np.array([_CODE.get(c, 9) for c in pat], dtype=np.uint8)
        letters = CODE_LETTERS[mat]
        sp = mat[:, spacer_cols]
        low = (sp != pat_codes[None, :])  # mismatches and DNA-bulge bases ('.' is never equal)
        sub = letters[:, spacer_cols]
        sub[low] = _LOWER[sp[low]]
        letters[:, spacer_cols] = sub
        if q.btype[qi] == BULGE_RNA:
            pos = int(q.bpos[qi]) - 1 + (0 if idx.side == "3prime" else p)
            gap = np.full((letters.shape[0], int(q.bsize[qi])), ord("-"), np.uint8)
            letters = np.concatenate([letters[:, :pos], gap, letters[:, pos:]], axis=1)
        flat = np.ascontiguousarray(letters).tobytes().decode("ascii")
        wd = letters.shape[1]
        for t, r in enumerate(rows.tolist()):
            strings[r] = flat[t * wd:(t + 1) * wd]
    return HitArrays(rec, [packed.chroms[i] for i in rec.tolist()], cstart, cend,
                     np.where(minus, "-", "+"), guide, strings, mm, q.btype[qid],
                     q.bsize[qid].astype(np.int64), q.bpos[qid].astype(np.int64), p)
