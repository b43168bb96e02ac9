"""Numba kernels over nucleotide code matrices (codes of :mod:`genetx.core.encode`).

* :func:`self_complementarity` is the longest antiparallel self-pairing stretch (dimer) and
  the longest hairpin stem of each row, Watson-Crick pairs only.
"""

from __future__ import annotations

import numpy as np

from genetx._numba import njit, prange


@njit(parallel=True)
def self_complementarity(codes, min_loop):  # pragma: no cover - compiled
    """Longest self-dimer stretch and longest hairpin stem (loop >= ``min_loop``) per row."""
    n, length = codes.shape
    dimer = np.zeros(n, dtype=np.int64)
    stem = np.zeros(n, dtype=np.int64)
    for r in prange(n):
        bd = 0
        bs = 0
        for i in range(length):
            for j in range(length):
                # run of antiparallel pairs (i-k, j+k), k = 0, 1, ...
                k = 0
                while i - k >= 0 and j + k < length:
                    a = codes[r, i - k]
                    b = codes[r, j + k]
                    if a > 3 or b > 3 or a + b != 3:
                        break
                    k += 1
                if k > bd:
                    bd = k
                if j - i - 1 >= min_loop and k > bs:
                    bs = k
        dimer[r] = bd
        stem[r] = bs
    return dimer, stem
