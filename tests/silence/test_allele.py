"""Allele-specific siRNAs: mutant mRNA on both strands, guide positions and mismatch pairs."""

from __future__ import annotations

import random

import pytest

from genetx.errors import InvalidVariantError
from genetx.genome import InMemoryGenome, Transcript
from genetx.genome.variants import parse_variant
from genetx.silence.allele import allele_specific_sirnas, mutant_mrna
from tests.silence import naive_silence as naive


def _genome(seed: int = 1) -> InMemoryGenome:
    rng = random.Random(seed)
    return InMemoryGenome({"chr1": "".join(rng.choice("ACGT") for _ in range(300))})


def _alt(base: str) -> str:
    return {"A": "G", "G": "A", "C": "T", "T": "C"}[base]


def test_plus_strand_snv() -> None:
    g = _genome()
    tx = Transcript("T1", "G1", "chr1", "+", ((20, 100), (150, 250)), cds=(30, 240))
    seq = g.fetch("chr1", 0, 300)
    ref = seq[60]
    v = parse_variant(f"chr1:61:{ref}:{_alt(ref)}", tx, g)
    ch = mutant_mrna(v, tx, g)
    # genomic 60 is exon 1 offset 40 -> mRNA index 40
    assert ch.indices == (40,)
    assert ch.normal == seq[20:100] + seq[150:250]
    assert ch.mutant[40] == _alt(ref)
    assert ch.normal[40] == ref
    assert ch.mutant[:40] == ch.normal[:40]
    assert ch.mutant[41:] == ch.normal[41:]
    des = allele_specific_sirnas(ch, name="T1", variant=v.notation)
    df = des.candidates
    # windows covering mRNA index 40 inside their duplex (window offsets 2..20): starts 20..38
    assert sorted(df["start"] - 1) == list(range(20, 39))
    for _, row in df.iterrows():
        s = row["start"] - 1
        k = 21 - (40 - s)  # guide position of window offset j is 21 - j
        assert row["variant_guide_position"] == str(k)
        guide = row["antisense_21"]
        assert guide == naive.revcomp(ch.mutant[s:s + 21]).replace("T", "U")
        g_base = guide[k - 1]
        assert row["mismatch_vs_normal"] == f"{g_base}:{ref.replace('T', 'U')}"
        assert row["position_class"] == ("3' of seed" if k >= 9 else "seed/5' end")
        assert row["best_tested_position"] == int(k in (12, 16))
    assert df["rank"].tolist() == list(range(1, 20))


def test_minus_strand_snv_and_order() -> None:
    g = _genome(2)
    tx = Transcript("T2", "G2", "chr1", "-", ((150, 250), (20, 100)), cds=(40, 240))
    seq = g.fetch("chr1", 0, 300)
    ref = seq[200]
    v = parse_variant(f"chr1:201:{ref}:{_alt(ref)}", tx, g)
    ch = mutant_mrna(v, tx, g)
    # minus strand: exon 1 is 150-250 read from 249 down, so genomic 200 is mRNA index 49
    assert ch.indices == (49,)
    assert ch.normal == naive.revcomp(seq[150:250]) + naive.revcomp(seq[20:100])
    assert ch.ref == naive.revcomp(ref)
    assert ch.alt == naive.revcomp(_alt(ref))
    df = allele_specific_sirnas(ch).candidates
    # G:U wobbles and A:C pairs (tolerated) come after every other mismatch type
    tol = df["tolerated_pair"].tolist()
    assert tol == sorted(tol)
    same = df[df["tolerated_pair"] == df["tolerated_pair"].iloc[0]]
    cls = (same["position_class"] != "3' of seed").astype(int).tolist()
    assert cls == sorted(cls)


@pytest.mark.parametrize(("text", "match"), [
    ("chr1:121:{b}:{a}", "lies outside the mRNA of T1"),  # genomic 120 is intronic
    ("chr1:61:{b}:{b}{a}", "handles substitutions only"),
    ("del ex2", "exon-level change"),
])
def test_bad_variants(text: str, match: str) -> None:
    g = _genome()
    tx = Transcript("T1", "G1", "chr1", "+", ((20, 100), (150, 250)), cds=(30, 240))
    pos = int(text.split(":")[1]) - 1 if text.startswith("chr1") else 0
    b = g.fetch("chr1", pos, pos + 1)
    v = parse_variant(text.format(b=b, a=_alt(b)), tx, g)
    with pytest.raises(InvalidVariantError, match=match):
        mutant_mrna(v, tx, g)


def test_mecp2_c473_by_hand() -> None:
    from genetx.genome.genes import load_gene

    hit = load_gene("MECP2")
    tx = hit.transcript
    v = parse_variant("c.473C>T", hit.gene, hit.genome, transcript=tx.id)
    ch = mutant_mrna(v, tx, hit.genome)
    # the NM_004992.3 CDS starts at mRNA position 227 (226 bases of 5' UTR): c.473 is 226 + 473
    assert ch.indices == (226 + 473 - 1,)
    assert (ch.ref, ch.alt) == ("C", "T")
    df = allele_specific_sirnas(ch, name=tx.id).candidates
    assert sorted(int(k) for k in df["variant_guide_position"]) == list(range(1, 20))
    # the guide pairs A with the mutant U; against the normal C that is an A:C mismatch
    assert set(df["mismatch_vs_normal"]) == {"A:C"}
    assert set(df["tolerated_pair"]) == {1}
    assert df.iloc[0]["position_class"] == "3' of seed"
    assert df.iloc[0]["best_tested_position"] == 1
