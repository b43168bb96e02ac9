"""Nucleotide code tables, checked against codes written out by hand."""

from __future__ import annotations

from genetx.core.encode import OTHER, encode_dna, encode_nt


def test_tables_differ_only_in_u() -> None:
    text = "ACGTacgtUuN-?é"
    assert encode_nt(text).tolist() == [0, 1, 2, 3, 0, 1, 2, 3, 3, 3, 4, 4, 4, 4]
    assert encode_dna(text).tolist() == [0, 1, 2, 3, 0, 1, 2, 3, 4, 4, 4, 4, 4, 4]
    assert encode_nt(b"ACGU\x00").tolist() == [0, 1, 2, 3, OTHER]
