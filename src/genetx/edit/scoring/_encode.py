"""Turn sequences into the base codes the scores work on, validating them on the way.

Codes are ``A=0, C=1, G=2, T=3`` (either case) and ``4`` for any other IUPAC letter (``N``,
``R`` ...), as in :mod:`genetx.genome.packed`. Letters outside the IUPAC alphabet are an error.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from genetx.errors import InvalidSequenceError

N_CODE = 4

_LUT = np.full(256, 255, dtype=np.uint8)
for _letter in "RYSWKMBDHVN":
    _LUT[ord(_letter)] = N_CODE
    _LUT[ord(_letter.lower())] = N_CODE
for _code, _letter in enumerate("ACGT"):
    _LUT[ord(_letter)] = _code
    _LUT[ord(_letter.lower())] = _code


def _bad_letter(seq: str, name: str) -> InvalidSequenceError:
    for i, ch in enumerate(seq):
        if ord(ch) > 255 or _LUT[ord(ch)] == 255:
            msg = f"letter {ch!r} at position {i + 1} is not a nucleotide (IUPAC) code"
            return InvalidSequenceError(name, msg)
    msg = "holds a letter that is not a nucleotide code"  # pragma: no cover - defensive
    return InvalidSequenceError(name, msg)


def encode_one(seq: str, name: str, lengths: tuple[int, ...]) -> np.ndarray:
    """Codes of one sequence whose length must be one of ``lengths``.

    Parameters
    ----------
    seq
        The sequence (any case).
    name
        How errors name the input.
    lengths
        Allowed lengths.

    Returns
    -------
    uint8 array of codes.
    """
    if not isinstance(seq, str):
        msg = f"must be a string, not {type(seq).__name__}"
        raise InvalidSequenceError(name, msg)
    if len(seq) not in lengths:
        want = " or ".join(str(n) for n in lengths)
        msg = f"has {len(seq)} nt, expected {want}"
        what = f"{name} {seq!r}"
        raise InvalidSequenceError(what, msg)
    try:
        raw = np.frombuffer(seq.encode("latin-1"), dtype=np.uint8)
    except UnicodeEncodeError:
        raise _bad_letter(seq, f"{name} {seq!r}") from None
    codes = _LUT[raw]
    if (codes == 255).any():
        raise _bad_letter(seq, f"{name} {seq!r}")
    return codes


def encode_batch(seqs: Sequence[str] | np.ndarray, name: str, length: int) -> np.ndarray:
    """Codes of many sequences of one length, as a ``(n, length)`` uint8 array.

    ``seqs`` may already be codes: a 2-D integer array with values 0-4 (returned as C-ordered
    uint8), or a 1-D one for a single sequence (returned as shape ``(1, length)``).

    Parameters
    ----------
    seqs
        Strings (any case, IUPAC letters) or an integer code array.
    name
        How errors name the input.
    length
        Required length of every sequence.

    Returns
    -------
    uint8 array ``(n, length)``.
    """
    if isinstance(seqs, np.ndarray) and seqs.dtype.kind in "iu":
        arr = seqs[None, :] if seqs.ndim == 1 else seqs
        if arr.ndim != 2 or arr.shape[1] != length:
            msg = f"code array has shape {seqs.shape}, expected (n, {length})"
            raise InvalidSequenceError(name, msg)
        if arr.size and (arr.min() < 0 or arr.max() > N_CODE):
            msg = "code array holds values outside 0-4 (A, C, G, T, N)"
            raise InvalidSequenceError(name, msg)
        return np.ascontiguousarray(arr, dtype=np.uint8)
    if isinstance(seqs, str):
        seqs = [seqs]
    seqs = list(seqs)
    for i, s in enumerate(seqs):
        if not isinstance(s, str):
            msg = f"item {i} is a {type(s).__name__}, not a string"
            raise InvalidSequenceError(name, msg)
        if len(s) != length:
            msg = f"item {i} ({s!r}) has {len(s)} nt, expected {length}"
            raise InvalidSequenceError(name, msg)
    if not seqs:
        return np.zeros((0, length), dtype=np.uint8)
    joined = "".join(seqs)
    try:
        raw = np.frombuffer(joined.encode("latin-1"), dtype=np.uint8)
    except UnicodeEncodeError:
        raw = None
    codes = None if raw is None else _LUT[raw].reshape(len(seqs), length)
    if codes is None or (codes == 255).any():
        for i, s in enumerate(seqs):
            encode_one(s, f"{name} item {i}", (length,))  # raises, naming the letter
        msg = "holds a letter that is not a nucleotide code"  # pragma: no cover - defensive
        raise InvalidSequenceError(name, msg)
    return codes


def require_acgt(codes: np.ndarray, name: str) -> None:
    """Raise when a row of ``codes`` (guides) holds a non-ACGT base."""
    bad = np.argwhere(codes > 3)
    if bad.size:
        row, col = (int(v) for v in bad[0])
        where = f" (item {row})" if codes.shape[0] > 1 else ""
        msg = f"base {col + 1}{where} is not A, C, G or T; guides must be unambiguous"
        raise InvalidSequenceError(name, msg)


__all__ = ["N_CODE", "encode_batch", "encode_one", "require_acgt"]
