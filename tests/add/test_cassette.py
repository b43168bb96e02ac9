"""Cassette assembly: layouts, element choice, features, GenBank/FASTA export, rules."""

from __future__ import annotations

import pytest

from genetx.add.cassette import build_cassette, choose_elements, write_fasta, write_genbank
from genetx.add.elements import UnknownElementError, load_elements
from genetx.add.rules import (
    CpGDensity,
    CrypticPolyA,
    ITRIntegrity,
    PackagingLimit,
    default_rules,
    evaluate_rules,
)
from genetx.core.seq import translate
from genetx.errors import BadInputError

CDS = "ATGGCTAGCAAAGGAGAAGAACTTTTCACTGGAGTTGTCCCAATTCTTGTTGAATTAGATGGTGATTGA"
PROT = translate(CDS)[:-1]


def _names(c) -> list[str]:
    return [p.part.name for p in c.parts]


def test_ssaav_layout_and_features_match_the_library() -> None:
    lib = load_elements()
    c = build_cassette(CDS, PROT, name="demo", tissue="muscle", intron="chimeric_intron_pCI",
                       wpre="WPRE3", mirna_targets=("miR122_3x_target_sites_AAV",))
    assert _names(c) == ["AAV2_ITR_145_left_flop", "MHCK7_promoter", "chimeric_intron_pCI",
                         "Kozak", "demo", "WPRE3", "miR122_3x_target_sites_AAV", "bGH_polyA",
                         "AAV2_ITR_145_right_flop"]
    rec = c.record
    assert rec.annotations["molecule_type"] == "DNA"
    assert c.length == sum(p.end - p.start for p in c.parts) == len(rec.seq)
    for f in rec.features:
        name = f.qualifiers.get("genetx_element", [None])[0]
        if name and name != "Kozak_consensus":
            assert str(f.extract(rec.seq)) == lib.get(name).sequence
    kozak = next(f for f in rec.features if f.qualifiers["label"] == ["Kozak"])
    cds = next(f for f in rec.features if f.type == "CDS")
    assert str(rec.seq[kozak.location.start:cds.location.start + 4]) == "GCCACCATGG"
    assert translate(str(cds.extract(rec.seq))) == PROT + "*"
    assert cds.qualifiers["translation"] == [PROT]


def test_scaav_and_lentiviral_layouts() -> None:
    sc = build_cassette(CDS, PROT, name="sc", vector="scAAV", promoter="EFS")
    assert _names(sc)[0] == "AAV2_mITR_scAAV"
    assert _names(sc)[-1] == "AAV2_ITR_145_right_flop"
    assert ITRIntegrity("scAAV").evaluate(sc.record).passes
    lv = build_cassette(CDS, PROT, name="lv", vector="LV")
    assert _names(lv) == ["HIV1_5LTR_truncated", "HIV1_psi_packaging", "RRE", "cPPT_CTS",
                          "hPGK_promoter_human", "Kozak", "lv", "WPRE", "HIV1_3LTR_deltaU3_SIN"]
    ltrs = [f for f in lv.record.features if f.type == "LTR"]
    assert len(ltrs) == 2
    ev = PackagingLimit("LV").evaluate(lv.record)
    assert ev.value == lv.length
    assert ev.verdict == "fine"
    with pytest.raises(BadInputError):
        build_cassette(CDS, PROT, vector="LV", polya="bGH")
    with pytest.raises(BadInputError):
        build_cassette(CDS, PROT, vector="AAV9")


def test_promoter_choice_follows_the_fit() -> None:
    lib = load_elements()
    small = choose_elements(1000, tissue="ubiquitous")
    assert small.promoter.name == "CAG_promoter"
    assert small.polya.name == "bGH_polyA"
    # 290 (ITRs) + 1600 (CAG) + 6 + 225 (bGH) + cds <= 4700  <=>  cds <= 2579
    assert choose_elements(2579, tissue="ubiquitous").promoter.name == "CAG_promoter"
    edge = choose_elements(2580, tissue="ubiquitous")
    assert (edge.promoter.name, edge.polya.name) == ("CAG_promoter", "SV40_polyA")
    big = choose_elements(4000, tissue="ubiquitous")
    total = 290 + 6 + 4000 + big.promoter.length + big.polya.length
    assert total <= 4700
    assert lib.get(big.promoter.name).tissue == "ubiquitous"
    none = choose_elements(6000, tissue="liver")
    assert any("does not fit" in r for r in none.reasons)


def test_unknown_elements_are_refused() -> None:
    with pytest.raises(UnknownElementError):
        build_cassette(CDS, PROT, promoter="CK8")
    with pytest.raises(UnknownElementError):
        build_cassette(CDS, PROT, polya="WPRE")
    with pytest.raises(BadInputError):
        build_cassette(CDS, PROT, tissue="kidney")


def test_genbank_and_fasta_round_trip(tmp_path) -> None:
    from Bio import SeqIO

    c = build_cassette(CDS, PROT, name="roundtrip", tissue="liver")
    write_genbank(c, tmp_path / "c.gb")
    write_fasta(c, tmp_path / "c.fa")
    back = SeqIO.read(tmp_path / "c.gb", "genbank")
    assert str(back.seq) == c.sequence
    assert [f.type for f in back.features] == [f.type for f in c.record.features]
    assert [(int(f.location.start), int(f.location.end)) for f in back.features] == [
        (p.start, p.end) for p in c.parts]
    assert str(SeqIO.read(tmp_path / "c.fa", "fasta").seq) == c.sequence
    ev = evaluate_rules(back, default_rules("ssAAV"))
    assert all(e.passes for e in ev)


def test_rules_find_what_was_put_in() -> None:
    cds = "ATGAATAAATTTCGATGA"  # M N K F R * : AATAAA in frame, one CpG
    c = build_cassette(cds, "MNKFR", name="probe", tissue="liver")
    cds_start = next(p.start for p in c.parts if p.part.category == "cds")
    ev = CrypticPolyA().evaluate(c.record)
    assert (cds_start + 3, cds_start + 9) in ev.locations
    assert not ev.passes
    cpg = CpGDensity(0).evaluate(c.record)
    assert cpg.value == 1
    assert not cpg.passes
    assert cpg.locations == ((cds_start + 12, cds_start + 14),)
    assert CpGDensity().evaluate(c.record).passes  # report only without a maximum


def test_packaging_bands_by_length() -> None:
    lib = load_elements()
    stuffer = lib.get("SpCas9_CDS").sequence * 2  # real sequence as filler
    left, right = lib.get("AAV2_ITR_145_left_flop"), lib.get("AAV2_ITR_145_right_flop")
    for total, band in ((4700, "fine"), (4701, "reduced_yield"), (5000, "reduced_yield"),
                        (5001, "truncated"), (5200, "truncated"),
                        (5201, "not_packaged_intact")):
        seq = left.sequence + stuffer[:total - 290] + right.sequence
        ev = PackagingLimit("ssAAV", use_annotation=False).evaluate(seq)
        assert ev.value == len(seq) == total
        assert ev.verdict == band, (total, ev.verdict)
        assert ev.passes == (band == "fine")
        assert ev.score == 4700 - total
