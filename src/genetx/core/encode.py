"""Nucleotide letters as small integer codes, the input of the vectorised and numba engines.

A, C, G, T are 0, 1, 2, 3 in either case; every other byte is :data:`OTHER` (4), a code that
never pairs and never matches. Two tables differ only in U: :func:`encode_nt` reads U as T
(RNA and DNA alike: siRNAs, transcriptomes), :func:`encode_dna` treats U as any other letter
(genomic DNA, spacers, antisense oligonucleotides written in DNA letters).

Nothing here reads files or knows about CRISPR, siRNAs or transcripts.
"""

from __future__ import annotations

import numpy as np

#: Code of every letter other than A, C, G, T (and U in :func:`encode_nt`).
OTHER = 4


def _table(*, u_as_t: bool) -> np.ndarray:
    lut = np.full(256, OTHER, dtype=np.uint8)
    for code, base in enumerate("ACGT"):
        lut[ord(base)] = code
        lut[ord(base.lower())] = code
    if u_as_t:
        lut[ord("U")] = lut[ord("u")] = 3
    return lut


_DNA = _table(u_as_t=False)
_NT = _table(u_as_t=True)


def _bytes(seq: str | bytes) -> bytes:
    return seq.encode("ascii", "replace") if isinstance(seq, str) else seq


def encode_nt(seq: str | bytes) -> np.ndarray:
    """uint8 codes of a nucleotide string: A0, C1, G2, T/U 3 (any case), anything else 4.

    Examples
    --------
    >>> encode_nt("ACGUTn").tolist()
    [0, 1, 2, 3, 3, 4]
    """
    return _NT[np.frombuffer(_bytes(seq), dtype=np.uint8)]


def encode_dna(seq: str | bytes) -> np.ndarray:
    """uint8 codes of a DNA string: A0, C1, G2, T3 (any case), anything else (U too) 4.

    Examples
    --------
    >>> encode_dna("ACGUTn").tolist()
    [0, 1, 2, 4, 3, 4]
    """
    return _DNA[np.frombuffer(_bytes(seq), dtype=np.uint8)]


__all__ = ["OTHER", "encode_dna", "encode_nt"]
