"""Pure sequence primitives: alphabets, reverse complement, IUPAC matching, translation.

Nothing here reads files. Functions that validate raise :class:`~genetx.errors.InvalidSequenceError`
naming the input and the first offending letter and position.
"""

from __future__ import annotations

import re

from genetx.errors import InvalidSequenceError

#: IUPAC nucleotide codes (NC-IUB 1985, Nomenclature for incompletely specified bases).
IUPAC_DNA: dict[str, str] = {
    "A": "A", "C": "C", "G": "G", "T": "T",
    "R": "AG", "Y": "CT", "S": "CG", "W": "AT", "K": "GT", "M": "AC",
    "B": "CGT", "D": "AGT", "H": "ACT", "V": "ACG", "N": "ACGT",
}
_COMP_UPPER = "ACGTRYSWKMBDHVN"
_COMP_TARGET = "TGCAYRSWMKVHDBN"
_COMPLEMENT = str.maketrans(
    _COMP_UPPER + _COMP_UPPER.lower() + "Uu",
    _COMP_TARGET + _COMP_TARGET.lower() + "Aa",
)
_ACGT = frozenset("ACGT")
_IUPAC_SET = frozenset(IUPAC_DNA)

#: The standard genetic code (NCBI translation table 1), codon -> one-letter amino acid.
CODON_TABLE: dict[str, str] = {}
_BASES = "TCAG"
_AA = "FFLLSSSSYY**CC*WLLLLPPPPHHQQRRRRIIIMTTTTNNKKSSRRVVVVAAAADDEEGGGG"
for _i, _a in enumerate(_BASES):
    for _j, _b in enumerate(_BASES):
        for _k, _c in enumerate(_BASES):
            CODON_TABLE[_a + _b + _c] = _AA[16 * _i + 4 * _j + _k]

#: Three-letter amino-acid codes (IUPAC-IUB), as HGVS p. notation writes them.
AA3: dict[str, str] = {
    "A": "Ala", "R": "Arg", "N": "Asn", "D": "Asp", "C": "Cys", "Q": "Gln", "E": "Glu",
    "G": "Gly", "H": "His", "I": "Ile", "L": "Leu", "K": "Lys", "M": "Met", "F": "Phe",
    "P": "Pro", "S": "Ser", "T": "Thr", "W": "Trp", "Y": "Tyr", "V": "Val", "*": "Ter",
    "U": "Sec", "X": "Xaa",
}
AA1: dict[str, str] = {v: k for k, v in AA3.items()}


def reverse_complement(seq: str) -> str:
    """Reverse complement of a DNA sequence, keeping case and IUPAC codes.

    Examples
    --------
    >>> reverse_complement("ACGTNacgtn")
    'nacgtNACGT'
    >>> reverse_complement("RYKM")
    'KMRY'
    """
    return seq.translate(_COMPLEMENT)[::-1]


def clean(seq: str) -> str:
    """Remove whitespace and digits (as in pasted GenBank ORIGIN blocks) and upper-case."""
    return re.sub(r"[\s\d]+", "", seq).upper()


def check_dna(seq: str, name: str = "sequence", *, iupac: bool = False,
              allow_empty: bool = False) -> str:
    """Return ``seq`` upper-cased, or raise when it holds letters outside the alphabet.

    Parameters
    ----------
    seq
        The sequence (any case).
    name
        How the error message names the input.
    iupac
        Accept IUPAC ambiguity codes; otherwise only A, C, G, T.
    allow_empty
        Accept the empty sequence.

    Returns
    -------
    The upper-case sequence.

    Examples
    --------
    >>> check_dna("acgt")
    'ACGT'
    """
    up = seq.upper()
    if not up and not allow_empty:
        msg = "is empty"
        raise InvalidSequenceError(name, msg)
    allowed = _IUPAC_SET if iupac else _ACGT
    for i, ch in enumerate(up):
        if ch not in allowed:
            kind = "IUPAC nucleotide codes" if iupac else "A, C, G, T"
            msg = f"letter {ch!r} at position {i + 1} is not one of {kind}"
            raise InvalidSequenceError(name, msg)
    return up


def iupac_match(base: str, code: str) -> bool:
    """True when the concrete ``base`` is allowed by the IUPAC ``code`` (case-insensitive).

    Examples
    --------
    >>> iupac_match("a", "R"), iupac_match("C", "R")
    (True, False)
    """
    return base.upper() in IUPAC_DNA.get(code.upper(), "")


def iupac_regex(pattern: str) -> str:
    """Translate an IUPAC pattern into a regular expression over A/C/G/T."""
    return "".join(f"[{IUPAC_DNA[c]}]" if len(IUPAC_DNA[c]) > 1 else c for c in pattern.upper())


def translate(cds: str, *, to_stop: bool = False) -> str:
    """Translate a DNA coding sequence with the standard code (NCBI table 1).

    Codons with non-ACGT letters translate to ``X``; a trailing partial codon is ignored.

    Parameters
    ----------
    cds
        Coding sequence, read from its first base.
    to_stop
        Stop at (and leave out) the first stop codon.

    Returns
    -------
    The protein in one-letter codes, with ``*`` for stops.

    Examples
    --------
    >>> translate("ATGGCCTAA")
    'MA*'
    """
    up = cds.upper()
    out = []
    for i in range(0, len(up) - 2, 3):
        aa = CODON_TABLE.get(up[i:i + 3], "X")
        if aa == "*" and to_stop:
            break
        out.append(aa)
    return "".join(out)


def gc_fraction(seq: str) -> float:
    """Fraction of G and C among A/C/G/T letters (0 for a sequence without any)."""
    up = seq.upper()
    acgt = sum(up.count(b) for b in "ACGT")
    return (up.count("G") + up.count("C")) / acgt if acgt else 0.0


__all__ = [
    "AA1", "AA3", "CODON_TABLE", "IUPAC_DNA", "check_dna", "clean", "gc_fraction",
    "iupac_match", "iupac_regex", "reverse_complement", "translate",
]
