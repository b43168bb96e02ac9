"""Prime editing: pegRNA geometry by hand, and every design applied in silico.

Truth used here: a pegRNA worked out by hand on a short sequence (nick, PBS, RT template and
the resulting strand); the hand-written gene of ``test_base_editing`` on both strands, whose
reference protein is known; DMD NM_004006.2 on the embedded GRCh38 locus. Each design is
re-applied in the test with ``simulate_pegrna`` on the patient's sequence and the result
translated with ``Transcript.protein`` (the gene-model code), independently of the designer's
own verification.
"""

from __future__ import annotations

import pytest

from genetx.core.seq import reverse_complement
from genetx.edit.prime_editing import (
    EditSpec,
    design_pegrnas,
    design_prime_edits,
    simulate_pegrna,
)
from genetx.errors import InfeasibleDesignError
from genetx.genome import InMemoryGenome
from genetx.genome.variants import parse_variant
from tests.edit.test_base_editing import minus_gene, plus_gene

SPACER = "ACGTTGCAACGTTGCAACGT"
TOY = "GGGG" + SPACER + "TGG" + "CATCATCATCATCATCATCA"


def test_pegrna_geometry_by_hand() -> None:
    # nick between protospacer bases 17 and 18: TOY[:21] | TOY[21:]
    # PBS 8 pairs with TOY[13:21] = CGTTGCAA -> pegRNA PBS TTGCAACG
    # edit: PAM TGG -> TCG (TOY[25] G>C); RT template copies TOY[21:31] with the change,
    # CGT TCG CATC, carried as its reverse complement GATGCGAACG
    out = simulate_pegrna(TOY, "+", SPACER, "TTGCAACG", "GATGCGAACG")
    assert out == TOY[:25] + "C" + TOY[26:]
    # the same pegRNA on the reverse-complemented sequence, PAM on the minus strand
    rc = reverse_complement(TOY)
    assert simulate_pegrna(rc, "-", SPACER, "TTGCAACG", "GATGCGAACG") == reverse_complement(out)
    # a 3-nt insertion after the nick: flap CGT AAA TGGCATC re-anneals at TGGCATC
    ins = simulate_pegrna(TOY, "+", SPACER, "TTGCAACG", reverse_complement("CGTAAATGGCATC"))
    assert ins == TOY[:24] + "AAA" + TOY[24:]


def test_simulation_refuses_broken_pegrnas() -> None:
    with pytest.raises(InfeasibleDesignError, match="PBS does not pair"):
        simulate_pegrna(TOY, "+", SPACER, "TTGCAACC", "GATGCGAACG")
    with pytest.raises(InfeasibleDesignError, match="found 0 times"):
        simulate_pegrna(TOY, "-", SPACER, "TTGCAACG", "GATGCGAACG")
    with pytest.raises(InfeasibleDesignError, match="does not pair with the source"):
        simulate_pegrna(TOY, "+", SPACER, "TTGCAACG", "GGGGGGGGGG")


def _check_designs(plan, tx, g, v, n: int = 8) -> None:
    ref_protein = tx.protein(g)
    full = g.fetch(tx.chrom, 0, g.contig_length(tx.chrom))
    patient = full[:v.start] + v.alt + full[v.end:]
    assert len(plan.pegrnas) > 0
    assert plan.pegrnas["verified"].all()
    for r in plan.pegrnas.head(n).itertuples():
        assert 8 <= r.pbs_length <= 17
        assert 10 <= r.rtt_length <= 40
        assert r.pegrna.startswith(r.spacer + "GTTTTAGAGCTA")
        assert r.pegrna.endswith(
            r.rtt + r.pbs)
        assert r.spacer_oligo_top.startswith("CACC")
        edited = simulate_pegrna(patient, r.Strand, r.spacer, r.pbs, r.rtt, r.nuclease)
        assert tx.protein(InMemoryGenome({tx.chrom: edited})) == ref_protein
        diff = [i for i, (a, b) in enumerate(zip(edited, full, strict=False)) if a != b]
        if len(edited) == len(full):
            assert len(diff) == (1 if r.silent_edit else 0)


@pytest.mark.parametrize("make", [plus_gene, minus_gene])
@pytest.mark.parametrize("variant", ["c.10C>T", "c.16_18del", "c.20_21insT", "c.13_14delinsGG"])
def test_corrections_verified_independently(make, variant) -> None:
    _gene, tx, g = make()
    v = parse_variant(variant, tx, g)
    plan = design_prime_edits(v, tx, g, nucleases=("SpCas9", "SpCas9-NG", "SpRY"))
    assert plan.intended_protein == "p.(=)"
    _check_designs(plan, tx, g, v)


def test_install_mode_and_silent_pam() -> None:
    _gene, tx, g = plus_gene()
    v = parse_variant("c.13T>C", tx, g)  # install Phe5Leu
    plan = design_prime_edits(v, tx, g, mode="install", nucleases=("SpCas9", "SpRY"))
    assert plan.intended_protein == "p.(Phe5Leu)"
    assert plan.pegrnas["verified"].all()
    assert (plan.pegrnas["protein"] == "p.(Phe5Leu)").all()


def test_limits_say_why() -> None:
    _gene, tx, g = plus_gene()
    v = parse_variant("c.1_42del", tx, g)
    with pytest.raises(InfeasibleDesignError, match="up to 40 bp"):
        design_prime_edits(v, tx, g)
    with pytest.raises(InfeasibleDesignError, match="nicks 5' of the change"):
        design_pegrnas(EditSpec("chr1", 0, "A" * 60 + "C" + "A" * 60,
                                "A" * 60 + "G" + "A" * 60, "toy"), nucleases=("SpCas9",))


def test_dmd_pegrnas_and_nicking_guides() -> None:
    from genetx.genome.genes import load_gene

    h = load_gene("DMD")
    v = parse_variant("c.2665C>T", h.gene, h.genome)
    plan = design_prime_edits(v, h.transcript, h.genome, nucleases=("SpCas9",))
    assert plan.pegrnas["verified"].all()
    nk = plan.nicking
    assert set(nk["kind"]) <= {"PE3", "PE3b"}
    pe3 = nk[nk["kind"] == "PE3"]
    assert pe3["nick_distance"].abs().between(20, 120).all()
    # nicking guides sit on the other strand from their pegRNA
    strands = dict(zip(plan.pegrnas["peg_id"], plan.pegrnas["Strand"], strict=True))
    assert all(strands[p] != s for p, s in zip(nk["peg_id"], nk["Strand"], strict=True))
