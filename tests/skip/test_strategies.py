"""Frame-restoring skip strategies against published amenability and hand calculation.

Published amenability (which skip restores the frame for which DMD deletion):

* exon 51 skipping for deletions of exons 45-50 and 49-50 (facts-catalog.md section 3.3;
  PMC7854307 Fig. 4: "The resulting mRNA lacking exons 49-51 is translated"), for deletions
  "spanning exons 47 to 50 ... exons 46 (or 47, 48, and 49) joins to exon 52" (i.e. del 47-50,
  48-50, 49-50 and 50; "Mutation-based therapy for Duchenne muscular dystrophy: antisense
  treatment arrives in the clinic", figure legend), and exon 50 deleted -> skip 51 (Hum Mol
  Genet 2011;20(R1):R69, doi:10.1093/hmg/ddr105, Fig. 2);
* del 52 -> skip 51 or 53, del 48-52 -> skip 53, del 44 -> skip 45, del 46-47 -> skip 45
  (facts-catalog.md section 3.3 worked checks);
* del 45 -> skip 44 gives an in-frame deletion (Prior et al. 1997, "Dystrophin expression in a
  Duchenne muscular dystrophy patient with a frame shift deletion": "the exon 45 deletion
  induced exon skipping of exon 44, which resulted in an in-frame deletion");
* del 46-50 needs a double skip of exons 45 and 51 (A. Aartsma-Rus, quoted on the Parent Project
  MD forum, "Out of frame deletion of exon 46 to 50 ... would need double exon skipping");
* del 51, 51-53 and 51-55 are amenable to exon 50 skipping (dmdwarrior.com, "Mutations amenable
  to exon 50 skipping");
* the 45-55 multi-exon skip applies to deletions within exons 45-55 (Beroud et al. 2007).

Hand calculation (exon lengths of the NM_004006.2 record): del 45-52 removes 176 + 148 + 150 +
186 + 102 + 109 + 233 + 118 = 1222 nt (1222 mod 3 = 1, out of frame); skipping exon 53 (212 nt)
as well removes 1434 nt = 3 x 478, back in frame. Each listed case is also re-checked with the
frame module's removal arithmetic.
"""

from __future__ import annotations

import random

import pytest

from genetx.errors import InfeasibleDesignError, InvalidVariantError
from genetx.genome.variants import parse_variant
from genetx.skip.frames import FrameModel, removal_frame
from genetx.skip.strategies import (
    Lesion,
    candidate_skips,
    enumerate_skips,
    evaluate_skip,
    lesion_from_variant,
    plan_lesion,
    plan_skips,
)


@pytest.fixture(scope="module")
def model(dmd) -> FrameModel:
    return FrameModel.from_transcript(dmd.transcript)


def skips(model: FrameModel, lesion: Lesion, max_exons: int = 2) -> list[tuple[int, ...]]:
    return [s for s, _ in enumerate_skips(model, lesion, max_exons)]


@pytest.mark.parametrize(("first", "last", "expected"), [
    (45, 50, (51,)), (47, 50, (51,)), (48, 50, (51,)), (49, 50, (51,)), (50, 50, (51,)),
    (52, 52, (51,)), (52, 52, (53,)), (48, 52, (53,)), (45, 52, (53,)), (49, 52, (53,)),
    (44, 44, (45,)), (44, 44, (43,)), (46, 47, (45,)), (45, 45, (44,)),
    (51, 51, (50,)), (51, 53, (50,)), (51, 55, (50,)),
    (46, 50, (45, 51)),
])
def test_published_amenability(model: FrameModel, first: int, last: int,
                               expected: tuple[int, ...]) -> None:
    found = skips(model, Lesion.deletion(model, first, last))
    assert expected in found
    # the frame module agrees independently: deletion plus skip is a multiple of 3
    assert removal_frame(model, [*range(first, last + 1), *expected]).in_frame is True


def test_single_skips_come_first(model: FrameModel) -> None:
    found = skips(model, Lesion.deletion(model, 45, 50))
    assert found[0] == (51,)
    assert [len(s) for s in found] == sorted(len(s) for s in found)
    # del 52: both single skips, the longer protein (53 removes fewer nt than 51) first
    found = skips(model, Lesion.deletion(model, 52, 52))
    assert found[:2] == [(53,), (51,)]


def test_skips_touch_the_deletion(model: FrameModel) -> None:
    lesion = Lesion.deletion(model, 45, 50)
    for skip in candidate_skips(model, lesion, 3):
        assert 44 in skip or 51 in skip
        assert not set(skip) & set(range(45, 51))


def test_never_first_last_start_or_stop_exon(model: FrameModel) -> None:
    rng = random.Random(7)
    for _ in range(60):
        a = rng.randint(1, 79)
        b = min(79, a + rng.randint(0, 8))
        kind = rng.choice(["del", "dup"])
        lesion = (Lesion.deletion(model, a, b) if kind == "del"
                  else Lesion.duplication(model, a, b))
        for skip in candidate_skips(model, lesion, 3):
            assert 1 not in skip
            assert 79 not in skip
            assert all(model.skippable(k) for k in skip)
        plan = plan_lesion(model, lesion, max_exons=3)
        for s in plan.strategies:
            assert 1 not in s.skip
            assert 79 not in s.skip


def test_deletion_with_start_exon_has_no_verdict(model: FrameModel) -> None:
    plan = plan_lesion(model, Lesion.deletion(model, 1, 3))
    assert plan.status == "no_verdict"
    assert not plan.strategies
    assert "start codon" in plan.reason
    plan = plan_lesion(model, Lesion.deletion(model, 78, 79))
    assert plan.status == "no_verdict"
    assert "stop codon" in plan.reason


def test_in_frame_deletion_needs_nothing(model: FrameModel) -> None:
    plan = plan_lesion(model, Lesion.deletion(model, 45, 47))
    assert plan.status == "in_frame"
    assert not plan.strategies


def test_cited_45_55_skip(model: FrameModel) -> None:
    plan = plan_lesion(model, Lesion.deletion(model, 45, 50))
    cited = [s for s in plan.strategies if s.cited]
    assert len(cited) == 1
    s = cited[0]
    assert s.skip == (51, 52, 53, 54, 55)
    assert s.exons_lost == tuple(range(45, 56))
    assert s.cited == ("BEROUD2007",)
    assert s.protein_length == 3685 - 1779 // 3
    assert s.share is not None
    assert s.share["share_of_patients"] == 0.63
    # a deletion reaching outside 45-55 does not get it
    plan = plan_lesion(model, Lesion.deletion(model, 43, 50))
    assert not any(s.cited for s in plan.strategies)


def test_drugs_and_shares(model: FrameModel) -> None:
    plan = plan_lesion(model, Lesion.deletion(model, 52, 52))
    by_skip = {s.skip: s for s in plan.strategies}
    assert by_skip[(51,)].drugs == ("eteplirsen",)
    assert set(by_skip[(53,)].drugs) == {"golodirsen", "viltolarsen"}
    assert by_skip[(51,)].share["share_of_patients"] == 0.13
    assert {d["id"] for d in plan.drugs} == {"eteplirsen", "golodirsen", "viltolarsen"}
    plan = plan_lesion(model, Lesion.deletion(model, 44, 44))
    assert {d["id"] for d in plan.drugs} == {"casimersen"}


def test_regions_and_cautions(model: FrameModel) -> None:
    # exon 3 lies in the actin-binding domain (c.94-186 within c.34-720): a cited caution
    plan = plan_lesion(model, Lesion.point(model, 3, "frameshift", -1, "c.100del"))
    first = plan.strategies[0]
    assert first.skip == (3,)
    assert "Actin binding domain (part)" in first.regions_lost
    assert any("BANKS2007" in c.sources for c in first.cautions)
    # exon 51 (c.7310-7542) lies within repeat region 19 / hinge 3 / repeat 20, no caution
    plan = plan_lesion(model, Lesion.deletion(model, 50, 50))
    s51 = next(s for s in plan.strategies if s.skip == (51,))
    assert not s51.cautions
    assert any(r.startswith("hinge region 3") for r in s51.regions_lost)


def test_exon_5_caution(model: FrameModel) -> None:
    plan = plan_lesion(model, Lesion.point(model, 5, "nonsense", 0, "nonsense in exon 5"))
    s = next(s for s in plan.strategies if s.skip == (5,))
    assert any("TOH2016" in c.sources for c in s.cautions)


def test_duplication_one_copy_restores_wild_type(model: FrameModel) -> None:
    plan = plan_lesion(model, Lesion.duplication(model, 2, 2))
    assert plan.status == "restorable"
    first = plan.strategies[0]
    assert first.skip == (2,)
    assert first.restores_wild_type
    assert first.protein_length == 3685
    assert first.exons_lost == ()
    assert first.both_copies is not None
    assert first.both_copies.in_frame is False
    # skipping both copies removes as many coding nt as the duplication inserted, so for a
    # frameshifting duplication it is out of frame too (hand argument; checked over dups)
    for a in range(2, 78):
        for b in range(a, min(a + 4, 78)):
            p = plan_lesion(model, Lesion.duplication(model, a, b), max_exons=1)
            if p.status == "restorable":
                assert p.strategies[0].restores_wild_type
                assert p.strategies[0].both_copies.in_frame is False
    # in-frame duplications need nothing: dup 45-47 (474 nt), dup 50-51 (109 + 233 nt)
    assert plan_lesion(model, Lesion.duplication(model, 45, 47)).status == "in_frame"
    assert plan_lesion(model, Lesion.duplication(model, 50, 51)).status == "in_frame"


def test_duplication_synthetic_other_skips() -> None:
    # coding 6, 9, 7, 11, 12, 9: dup of exon 3 (7 nt) is out of frame; removing every copy of
    # exon 4 (11 nt) gives 7 - 11 = -4 ... out; removing exons 3 and 4 (all copies) = del 3-4
    # (18 nt) in frame
    m = FrameModel.from_lengths([10, 9, 7, 11, 12, 14], utr5=4, utr3=5)
    lesion = Lesion.duplication(m, 3, 3)
    found = skips(m, lesion)
    assert (3, 4) in found
    assert (4,) not in found
    plan = plan_lesion(m, lesion)
    assert plan.strategies[0].skip == (3,)
    assert plan.strategies[0].restores_wild_type


def test_point_variants(model: FrameModel) -> None:
    # nonsense in exon 52 (118 nt, not a multiple of 3): double skips 51-52 and 52-53
    lesion = Lesion.point(model, 52, "nonsense")
    found = skips(model, lesion)
    assert (52,) not in found
    assert (51, 52) in found
    assert (52, 53) in found
    plan = plan_lesion(model, lesion)
    assert plan.variant_exon_in_frame is False
    # nonsense in exon 23 (213 nt): the exon alone
    assert skips(model, Lesion.point(model, 23, "nonsense"))[0] == (23,)
    # a 1-nt deletion in exon 3: skipping exon 3 (93 nt) removes it with the exon
    assert skips(model, Lesion.point(model, 3, "frameshift", -1))[0] == (3,)
    # a variant in exon 1 cannot be skipped
    plan = plan_lesion(model, Lesion.point(model, 1, "nonsense"))
    assert plan.status == "not_restorable"
    assert "exon 1" in plan.reason


def test_evaluate_skip(model: FrameModel) -> None:
    lesion = Lesion.deletion(model, 45, 50)
    assert evaluate_skip(model, lesion, (51,)).in_frame is True
    assert evaluate_skip(model, lesion, (52,)).in_frame is False
    with pytest.raises(Exception, match="already missing"):
        evaluate_skip(model, lesion, (50,))
    with pytest.raises(Exception, match="last exon"):
        evaluate_skip(model, lesion, (79,))


def test_other_genes_get_no_invented_facts(dmd) -> None:
    # the same frame arithmetic on a non-DMD model: no drugs, shares, regions or cautions
    m = FrameModel.from_lengths([10, 9, 7, 11, 12, 14], utr5=4, utr3=5, transcript="T.1",
                                gene="TOY")
    plan = plan_lesion(m, Lesion.deletion(m, 3, 3))
    assert plan.strategies
    assert not plan.drugs
    assert all(not s.drugs and s.share is None and not s.cautions and not s.regions_lost
               for s in plan.strategies)
    assert any("no cited" in n for n in plan.notes)


# --------------------------------------------------------------------------------------------
# from parsed variants (gene pack genome)


def test_plan_from_exon_deletion(dmd) -> None:
    v = parse_variant("del ex45-50", dmd.gene, dmd.genome, transcript=dmd.transcript.id)
    plan = plan_skips(v, dmd.transcript, dmd.genome)
    assert plan.status == "restorable"
    s = plan.strategies[0]
    assert s.skip == (51,)
    assert s.exons_lost == tuple(range(45, 52))
    assert s.protein_length == 3685 - 1104 // 3
    assert s.checked_protein_length == s.protein_length
    assert s.premature_stop is False
    assert plan.patient_protein is not None
    assert plan.patient_protein.stop_exon == 51
    d = plan.to_dict()
    assert d["strategies"][0]["skip"] == [51]
    assert d["strategies"][0]["exons_lost"] == list(range(45, 52))
    assert d["approved_drugs"][0]["id"] == "eteplirsen"


def test_plan_from_nonsense(dmd) -> None:
    v = parse_variant("c.7657C>T", dmd.gene, dmd.genome, transcript=dmd.transcript.id)
    plan = plan_skips(v, dmd.transcript, dmd.genome)
    assert plan.lesion.kind == "nonsense"
    assert plan.lesion.exons == (52,)
    assert plan.patient_protein.protein_length == 2552  # p.(Arg2553Ter)
    assert plan.patient_protein.premature_stop is True
    assert {s.skip for s in plan.strategies} >= {(51, 52), (52, 53)}


def test_plan_from_frameshift(dmd) -> None:
    v = parse_variant("c.100del", dmd.gene, dmd.genome, transcript=dmd.transcript.id)
    plan = plan_skips(v, dmd.transcript, dmd.genome)
    assert plan.lesion.kind == "frameshift"
    assert plan.lesion.length_changes == ((3, -1),)
    assert plan.patient_frame.in_frame is False
    assert plan.patient_protein.protein_length is not None
    assert plan.patient_protein.protein_length < 100
    assert plan.strategies[0].skip == (3,)


def test_plan_from_duplication(dmd) -> None:
    v = parse_variant("dup ex2", dmd.gene, dmd.genome, transcript=dmd.transcript.id)
    plan = plan_skips(v, dmd.transcript, dmd.genome)
    first = plan.strategies[0]
    assert first.restores_wild_type
    assert first.checked_protein_length == 3685
    assert plan.to_dict()["strategies"][0]["both_copies_skipped"]["in_frame"] is False


def _tx_base(dmd, c: str) -> str:
    from genetx.core.seq import reverse_complement

    tx = dmd.transcript
    g = tx.c_to_genome(c)
    b = dmd.genome.fetch(tx.chrom, g, g + 1).upper()
    return b if tx.strand == "+" else reverse_complement(b)


@pytest.mark.parametrize(("c", "error", "words"), [
    ("c.6614+1", InvalidVariantError, "lies in intron 45"),
    ("c.-20", InvalidVariantError, "5' UTR"),
    ("c.*30", InvalidVariantError, "3' UTR"),
    ("c.7658", InfeasibleDesignError, "missense_variant"),
])
def test_bad_variants(dmd, c: str, error: type, words: str) -> None:
    ref = _tx_base(dmd, c)
    alt = {"A": "C", "C": "A", "G": "C", "T": "C"}[ref]
    v = parse_variant(f"{c}{ref}>{alt}", dmd.gene, dmd.genome, transcript=dmd.transcript.id)
    model = FrameModel.from_transcript(dmd.transcript)
    with pytest.raises(error, match=words) as exc:
        lesion_from_variant(v, model)
    assert "\n" not in str(exc.value)


def test_not_restorable_by_hand() -> None:
    # coding 6, 9, 7, 9, 9, 8: deleting exon 3 (7 nt) leaves 1 nt over; the skippable
    # neighbours hold 9, 9 and 9 + 9 nt, none of which brings the total to a multiple of 3
    m = FrameModel.from_lengths([10, 9, 7, 9, 9, 13], utr5=4, utr3=5)
    plan = plan_lesion(m, Lesion.deletion(m, 3, 3))
    assert plan.status == "not_restorable"
    assert not plan.strategies
    assert "no skip of up to 2 exon(s)" in plan.reason
