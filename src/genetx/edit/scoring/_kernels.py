"""Numba kernels for per-site off-target scores.

They see only arrays of base codes (``A=0, C=1, G=2, T=3``, ``4`` = other) and float tables.
``guides`` is ``(n_guides, 20)``, ``sites`` is ``(n, 20)`` or ``(n, 23)`` (protospacer then PAM)
and ``guide_index[i]`` names the guide row that site ``i`` is scored against. The arithmetic
follows CRISPOR's (crispor.py) operation order, so results agree to the last bits.
"""

from __future__ import annotations

import numpy as np

from genetx._numba import njit, prange


@njit(parallel=True)
def _cfd_kernel(guides: np.ndarray, guide_index: np.ndarray, sites: np.ndarray,
                mismatch: np.ndarray, pam: np.ndarray, out: np.ndarray) -> None:
    """CFD of each 23-nt site; NaN where the site holds a non-ACGT base."""
    for i in prange(sites.shape[0]):
        g = guide_index[i]
        clean = True
        for p in range(23):
            if sites[i, p] > 3:
                clean = False
        if not clean:
            out[i] = np.nan
            continue
        score = 1.0
        for p in range(20):
            a = guides[g, p]
            b = sites[i, p]
            if a != b:
                score *= mismatch[p, a, b]
        out[i] = score * pam[sites[i, 21], sites[i, 22]]


@njit(parallel=True)
def _mit_kernel(guides: np.ndarray, guide_index: np.ndarray, sites: np.ndarray,
                weights: np.ndarray, alt_pam_factor: float, floor_mean: bool,
                out: np.ndarray) -> None:
    """MIT (Hsu 2013) hit score of each site; with a PAM, non-NGG sites get ``alt_pam_factor``."""
    has_pam = sites.shape[1] == 23
    for i in prange(sites.shape[0]):
        g = guide_index[i]
        s1 = 1.0
        n_mm = 0
        first = -1
        last = -1
        for p in range(20):
            if sites[i, p] != guides[g, p]:
                n_mm += 1
                if first < 0:
                    first = p
                last = p
                s1 *= 1.0 - weights[p]
        s2 = 1.0
        if n_mm >= 2:
            span = last - first  # the sum of the distances between consecutive mismatches
            if floor_mean:
                mean = float(span // (n_mm - 1))
            else:
                mean = span / (n_mm - 1)
            s2 = 1.0 / (((19.0 - mean) / 19.0) * 4.0 + 1.0)
        s3 = 1.0
        if n_mm > 0:
            s3 = 1.0 / (n_mm * n_mm)
        score = s1 * s2 * s3 * 100.0
        if has_pam and not (sites[i, 21] == 2 and sites[i, 22] == 2):
            score = score * alt_pam_factor
        out[i] = score


@njit(parallel=True)
def _mismatch_kernel(guides: np.ndarray, guide_index: np.ndarray, sites: np.ndarray,
                     out: np.ndarray) -> None:
    """Number of protospacer positions (1-20) where the site differs from its guide."""
    for i in prange(sites.shape[0]):
        g = guide_index[i]
        n = 0
        for p in range(20):
            if sites[i, p] != guides[g, p]:
                n += 1
        out[i] = n
