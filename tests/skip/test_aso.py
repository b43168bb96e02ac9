"""Antisense oligonucleotide candidates: published drug sequences, oracles, orientation.

Truth: the approved drugs' published base sequences (eteplirsen, 30-mer for DMD exon 51: Drugs.com
AHFS monograph; golodirsen, 25-mer for exon 53: VYONDYS 53 label section 11) must be among the
candidates tiled over those exons, as the reverse complement of a stretch of the exon in the
NM_004006.2 GenBank record (read independently in conftest.py). The off-target search and the
self-complementarity measures are checked against brute-force oracles written here.
"""

from __future__ import annotations

import random

import numpy as np
import pytest

from genetx.core.seq import reverse_complement
from genetx.errors import BadInputError
from genetx.genome import InMemoryGenome, Transcript
from genetx.skip.aso import (
    TranscriptSet,
    design_asos,
    encode,
    find_matches,
    self_complementarity,
)

ETEPLIRSEN = "CTCCAACATCAAGGAAGATGGCATTTCTAG"
GOLODIRSEN = "GTTGCCTCCGGTTCTGAAGGTGTTC"


@pytest.mark.parametrize(("exon", "drug", "c_span"), [
    (51, ETEPLIRSEN, "c.7375_7404"),
    (53, GOLODIRSEN, "c.7696_7720"),
])
def test_approved_drugs_are_among_candidates(dmd, nm004006, exon: int, drug: str,
                                             c_span: str) -> None:
    design = design_asos(dmd.transcript, dmd.genome, exon)
    df = design.candidates
    rows = df[df["aso"] == drug]
    assert len(rows) == 1
    row = rows.iloc[0]
    assert row["target"] == reverse_complement(drug)
    assert row["part"] == "exon"
    assert row["length"] == len(drug)
    # independent: the target is a stretch of that exon in the RefSeq record, at that c. span
    exon_seq = nm004006.exon_seq(exon)
    assert row["target"] in exon_seq
    cds_start = nm004006.cds[0]
    first_c = nm004006.exons[exon - 1][0] + exon_seq.index(row["target"]) - cds_start + 1
    assert row["target_c"] == f"c.{first_c}_{first_c + len(drug) - 1}" == c_span
    # no exact or near match elsewhere in the pack's transcripts
    assert row["offtarget_total"] == 0


def test_tiling_covers_exon_and_splice_sites(dmd) -> None:
    tx = dmd.transcript
    design = design_asos(tx, dmd.genome, 51, lengths=(25,), intron_flank=30)
    df = design.candidates
    s, e = tx.exons[50]
    exon_len = e - s
    # every 25-mer overlapping the exon within 30 nt of flank: exon_len + 25 - 1 windows,
    # limited by the flanks (30 >= 24 on both sides, so all of them)
    assert len(df) == exon_len + 25 - 1
    assert set(df["part"]) == {"acceptor", "exon", "donor"}
    assert (df["End"] - df["Start"] == 25).all()
    assert ((df["End"] > s) & (df["Start"] < e)).all()
    for _, r in df.sample(20, random_state=1).iterrows():
        plus = dmd.genome.fetch(tx.chrom, int(r["Start"]), int(r["End"])).upper()
        assert r["target"] == reverse_complement(plus)  # DMD is on the minus strand
        assert r["aso"] == plus
    # the acceptor windows name intronic c. positions
    acc = df[df["part"] == "acceptor"].iloc[0]
    assert acc["target_c"].startswith("c.7310-")


# --------------------------------------------------------------------------------------------
# oracles


def naive_self(seq: str) -> tuple[int, int]:
    comp = {"A": "T", "T": "A", "C": "G", "G": "C"}
    n = len(seq)
    dimer = hairpin = 0
    for i in range(n):
        for j in range(n):
            r = 0
            while i - r >= 0 and j + r < n and comp.get(seq[i - r]) == seq[j + r]:
                r += 1
            dimer = max(dimer, r)
            if j - i >= 4:
                hairpin = max(hairpin, r)
    return dimer, hairpin


def test_self_complementarity_matches_oracle() -> None:
    rng = random.Random(3)
    seqs = ["".join(rng.choice("ACGT") for _ in range(rng.randint(8, 30))) for _ in range(60)]
    seqs += ["GGGGAAAACCCC", "ACGTACGT", "AAAAAAAAAA", "GAATTC" * 4, "GCGCAAAGCGC"]
    dimer, hairpin = self_complementarity(seqs)
    for s, d, h in zip(seqs, dimer.tolist(), hairpin.tolist(), strict=True):
        assert (d, h) == naive_self(s), s
    # a perfect hairpin: 8-bp stem, 4-nt loop
    d, h = self_complementarity(["GACTGCATTTTTATGCAGTC"])
    assert h[0] == 8


def naive_matches(text: str, query: str, m: int) -> set[tuple[int, int]]:
    out = set()
    for p in range(len(text) - len(query) + 1):
        mm = sum(1 for a, b in zip(text[p:p + len(query)], query, strict=True)
                 if a != b or a not in "ACGT")
        if mm <= m:
            out.add((p, mm))
    return out


@pytest.mark.parametrize("max_mm", [0, 1, 2, 3])
def test_find_matches_matches_oracle(max_mm: int) -> None:
    rng = random.Random(max_mm)
    queries = ["".join(rng.choice("ACGT") for _ in range(rng.choice([16, 20, 25]))) for _ in
               range(12)]
    pieces = []
    for _ in range(30):
        pieces.append("".join(rng.choice("ACGT") for _ in range(rng.randint(20, 120))))
        q = list(rng.choice(queries))
        for _ in range(rng.randint(0, max_mm + 1)):  # plant copies with 0..m+1 mismatches
            i = rng.randrange(len(q))
            q[i] = rng.choice([b for b in "ACGT" if b != q[i]])
        pieces.append("".join(q))
    pieces.append("NNNN" + queries[0][:10])
    seqs = ["".join(pieces[i:i + 6]) for i in range(0, len(pieces), 6)]
    genome = InMemoryGenome({f"r{i}": s for i, s in enumerate(seqs)})
    txs = [Transcript(f"T{i}", f"G{i}", f"r{i}", "+", ((0, len(s)),)) for i, s in
           enumerate(seqs)]
    tset = TranscriptSet.build(txs, genome)
    text = "".join(s + "#" for s in seqs)
    hits = find_matches([encode(q) for q in queries], tset, max_mm)
    for q, (pos, mm) in zip(queries, hits, strict=True):
        assert set(zip(pos.tolist(), mm.tolist(), strict=True)) == naive_matches(text, q, max_mm)


def test_find_matches_bad_settings() -> None:
    genome = InMemoryGenome({"r": "ACGT" * 10})
    tset = TranscriptSet.build([Transcript("T", "G", "r", "+", ((0, 40),))], genome)
    with pytest.raises(BadInputError, match="between 0 and 3"):
        find_matches([encode("ACGTACGTACGTACGTACGT")], tset, 4)
    with pytest.raises(BadInputError, match="too short"):
        find_matches([encode("ACGTACG")], tset, 2)


# --------------------------------------------------------------------------------------------
# design on a synthetic locus with planted off-targets


def _random(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("ACGT") for _ in range(n))


def test_design_counts_offtargets_per_site() -> None:
    rng = random.Random(11)
    ex1, in1, ex2, in2, ex3 = (_random(rng, 60), _random(rng, 80), _random(rng, 70),
                              _random(rng, 80), _random(rng, 60))
    locus = ex1 + in1 + ex2 + in2 + ex3
    a2 = len(ex1) + len(in1)
    b2 = a2 + len(ex2)
    target = ex2[20:45]  # a 25-mer inside exon 2
    one_mm = target[:12] + ("A" if target[12] != "A" else "C") + target[13:]
    other = _random(rng, 50) + target + _random(rng, 40) + one_mm + _random(rng, 50)
    genome = InMemoryGenome({"chrS": locus, "chrO": other})
    e3 = (b2 + len(in2), len(locus))
    tx = Transcript("S.1", "GS", "chrS", "+", ((0, len(ex1)), (a2, b2), e3),
                    cds=(3, len(locus) - 3))
    iso = Transcript("S.2", "GS", "chrS", "+", ((10, len(ex1)), (a2, b2), e3))  # shares exon 2
    off = Transcript("O.1", "GO", "chrO", "+", ((0, len(other)),))
    tset = TranscriptSet.build([tx, iso, off], genome)
    design = design_asos(tx, genome, 2, lengths=(25,), intron_flank=10, max_mismatches=2,
                         transcripts=tset)
    df = design.candidates
    row = df[df["target"] == target].iloc[0]
    assert row["aso"] == reverse_complement(target)
    # intended site (in both isoforms) not counted; the exact and the 1-mismatch copy are
    assert (row["offtarget_0mm"], row["offtarget_1mm"]) == (1, 1)
    assert row["offtarget_genes"] == "GO"
    assert int(row["Start"]) == a2 + 20
    assert row["part"] == "exon"
    # the table is sorted by off-target counts: clean candidates first
    assert df["offtarget_total"].iloc[0] == 0
    assert design.summary()["candidates"] == len(df)


def test_design_bad_input(dmd) -> None:
    tx = dmd.transcript
    with pytest.raises(BadInputError, match="never skipped"):
        design_asos(tx, dmd.genome, 1)
    with pytest.raises(BadInputError, match="never skipped"):
        design_asos(tx, dmd.genome, 79)
    with pytest.raises(BadInputError, match="has exons 1-79"):
        design_asos(tx, dmd.genome, 80)
    with pytest.raises(BadInputError, match="between 15 and 40"):
        design_asos(tx, dmd.genome, 51, lengths=(10,))
    with pytest.raises(BadInputError, match="between 0 and 300"):
        design_asos(tx, dmd.genome, 51, intron_flank=-1)


def test_encode() -> None:
    assert encode("ACGTacgtN-").tolist() == [0, 1, 2, 3, 0, 1, 2, 3, 4, 4]
    assert encode("").dtype == np.uint8
