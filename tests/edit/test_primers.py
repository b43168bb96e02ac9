"""Validation primers from Primer3: placement around the cut, amplicon, uniqueness counts."""

from __future__ import annotations

import random

import pytest

from genetx.core.seq import reverse_complement
from genetx.edit.primers import design_primers
from genetx.errors import BadInputError
from genetx.genome import InMemoryGenome


def _genome() -> InMemoryGenome:
    rng = random.Random(11)
    return InMemoryGenome({"chr1": "".join(rng.choice("ACGT") for _ in range(3000))})


def test_primers_flank_the_cut() -> None:
    g = _genome()
    seq = g.fetch("chr1", 0, 3000)
    t = design_primers(g, "chr1", [("g1", 1500), ("g2", 900)])
    assert list(t["guide_id"]) == ["g1", "g2"]
    for r in t.itertuples():
        assert 150 <= r.product_size <= 300
        assert r.amplicon == seq[r.amplicon_start:r.amplicon_end]
        assert r.amplicon.startswith(r.left_primer)
        assert r.amplicon.endswith(reverse_complement(r.right_primer))
        # at least 40 bp between each primer and the cut
        assert r.amplicon_start + len(r.left_primer) <= r.cut - 40
        assert r.amplicon_end - len(r.right_primer) >= r.cut + 40
        assert r.left_hits == 1
        assert r.right_hits == 1


def test_repeated_primer_sites_are_counted() -> None:
    g = _genome()
    seq = g.fetch("chr1", 0, 3000)
    t = design_primers(g, "chr1", [("g1", 1500)])
    left = t["left_primer"][0]
    dup = InMemoryGenome({"chr1": seq, "chr2": "A" * 50 + reverse_complement(left) + "A" * 50})
    t2 = design_primers(dup, "chr1", [("g1", 1500)])
    assert t2["left_primer"][0] == left
    assert t2["left_hits"][0] == 2


def test_no_pair_is_explained() -> None:
    g = InMemoryGenome({"chr1": "A" * 1000})
    t = design_primers(g, "chr1", [("g1", 500)])
    assert t["left_primer"].isna().all()
    assert t["note"][0].startswith("Primer3 found no pair")


def test_bad_size_range() -> None:
    with pytest.raises(BadInputError, match="product size 50-60"):
        design_primers(_genome(), "chr1", [("g1", 1500)], product_size=(50, 60))
