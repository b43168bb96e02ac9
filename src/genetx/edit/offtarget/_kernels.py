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
``d`` in bits ``2(d - 1)`` and ``2(d - 1) + 1`` for ``d = 1 .. 32``; the *clear* length is the
number of bases from the PAM up to (not including) the first ``N`` or record end, capped at 32.
"""

from __future__ import annotations

import numpy as np

from genetx._numba import njit, prange

WIDTH = 32


@njit
def _pam_ok(codes: np.ndarray, start: int, masks: np.ndarray) -> bool:
    for j in range(masks.shape[0]):
        c = codes[start + j]
        if c > 3 or (masks[j] >> c) & 1 == 0:
            return False
    return True


@njit
def _site(codes: np.ndarray, a: int, left: bool, comp: bool) -> tuple[np.uint64, int]:
    word = np.uint64(0)
    clear = 0
    for d in range(1, WIDTH + 1):
        c = codes[a - d] if left else codes[a + d - 1]
        if c > 3:
            break
        if comp:
            c = 3 - c
        word |= np.uint64(c) << np.uint64(2 * (d - 1))
        clear = d
    return word, clear


@njit(parallel=True)
def count_sites(codes: np.ndarray, bounds: np.ndarray, masks_plus: np.ndarray,
                masks_minus: np.ndarray, left_plus: bool, k: int,
                min_clear: int) -> np.ndarray:
    """Count PAM sites per chunk and per seed key (the ``k`` bases next to the PAM).

    Parameters
    ----------
    codes
        Packed genome (uint8).
    bounds
        int64 chunk boundaries of anchor positions (``len = n_chunks + 1``).
    masks_plus, masks_minus
        uint8 allowed-code masks of the PAM on each strand, forward order.
    left_plus
        True when plus-strand sites are left-walking (3' PAM).
    k
        Seed length in bases.
    min_clear
        Sites with a shorter clear length are left out.

    Returns
    -------
    int64 array ``(n_chunks, 4**k)``.
    """
    n_chunks = bounds.shape[0] - 1
    nkeys = 1 << (2 * k)
    kmask = np.uint64(nkeys - 1)
    counts = np.zeros((n_chunks, nkeys), dtype=np.int64)
    p = masks_plus.shape[0]
    n = codes.shape[0]
    for ch in prange(n_chunks):
        for a in range(bounds[ch], bounds[ch + 1]):
            for s in range(2):
                left = left_plus if s == 0 else not left_plus
                masks = masks_plus if s == 0 else masks_minus
                ps = a if left else a - p
                if ps < 0 or ps + p > n:
                    continue
                if not _pam_ok(codes, ps, masks):
                    continue
                word, clear = _site(codes, a, left, s == 1)
                if clear < min_clear:
                    continue
                counts[ch, np.int64(word & kmask)] += 1
    return counts


@njit(parallel=True)
def fill_sites(codes: np.ndarray, bounds: np.ndarray, masks_plus: np.ndarray,
               masks_minus: np.ndarray, left_plus: bool, k: int, min_clear: int,
               cursor: np.ndarray, key_lo: int, key_hi: int, base: int,
               words: np.ndarray, anchors: np.ndarray, flags: np.ndarray) -> None:
    """Write the sites whose seed key is in ``[key_lo, key_hi)`` at their sorted slots.

    ``cursor[chunk, key]`` is the global slot of the chunk's first site with that key (it is
    advanced in place); slots are shifted by ``-base`` into the output arrays. ``flags`` holds
    the clear length in bits 0-5 and the strand (1 = minus) in bit 7.
    """
    n_chunks = bounds.shape[0] - 1
    kmask = np.uint64((1 << (2 * k)) - 1)
    p = masks_plus.shape[0]
    n = codes.shape[0]
    for ch in prange(n_chunks):
        for a in range(bounds[ch], bounds[ch + 1]):
            for s in range(2):
                left = left_plus if s == 0 else not left_plus
                masks = masks_plus if s == 0 else masks_minus
                ps = a if left else a - p
                if ps < 0 or ps + p > n:
                    continue
                if not _pam_ok(codes, ps, masks):
                    continue
                word, clear = _site(codes, a, left, s == 1)
                if clear < min_clear:
                    continue
                key = np.int64(word & kmask)
                if key < key_lo or key >= key_hi:
                    continue
                slot = cursor[ch, key]
                cursor[ch, key] = slot + 1
                i = slot - base
                words[i] = word
                anchors[i] = a
                flags[i] = np.uint8(clear | (s << 7))


@njit
def order_by_key_b(words: np.ndarray, first: int, k: int, cursor: np.ndarray,
                   perm: np.ndarray) -> None:
    """Stable counting-sort scatter by seed B (bases ``k+1..2k``) of ``words``.

    ``words`` are the sites ``first, first + 1, ...``; ``cursor[key]`` is the next free slot
    of each key in ``perm`` and is advanced in place.
    """
    kmask = np.uint64((1 << (2 * k)) - 1)
    shift = np.uint64(2 * k)
    for i in range(words.shape[0]):
        key = np.int64((words[i] >> shift) & kmask)
        perm[cursor[key]] = first + i
        cursor[key] += 1
