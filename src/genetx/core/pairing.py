"""Watson-Crick self-pairing of oligonucleotides: self-dimer stretch and hairpin stem.

One engine serves the gapmer designer (:mod:`genetx.silence.gapmer`) and the exon-skipping
ASO designer (:mod:`genetx.skip.aso`); the loops run in numba (``core/_kernels.py``).
"""

from __future__ import annotations

import numpy as np


def self_complementarity(codes: np.ndarray, min_loop: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """Longest self-dimer stretch and longest hairpin stem of each row of a code matrix.

    A stretch of ``r`` bases pairs with itself antiparallel when ``seq[i-r+1..i]`` is the
    reverse complement of ``seq[j..j+r-1]`` (Watson-Crick pairs; code 4 never pairs). The
    self-dimer value is the longest such run over all ``i, j`` (two molecules); the hairpin
    value requires the innermost pair to enclose a loop of at least ``min_loop`` bases
    (``j - i - 1 >= min_loop``).

    Parameters
    ----------
    codes
        ``(n, L)`` uint8 codes (:func:`genetx.core.encode.encode_dna` or ``encode_nt``).
    min_loop
        Smallest hairpin loop.

    Returns
    -------
    Two int64 arrays (dimer, hairpin stem), one value per row.

    Examples
    --------
    >>> from genetx.core.encode import encode_dna
    >>> d, h = self_complementarity(encode_dna("GGGGAAAACCCC").reshape(1, -1))
    >>> d.tolist(), h.tolist()
    ([4], [4])
    """
    from genetx.core import _kernels

    return _kernels.self_complementarity(np.ascontiguousarray(codes, dtype=np.uint8), min_loop)


__all__ = ["self_complementarity"]
