"""Triage reaches the textbook modality for cases built from the gene pack.

Truth used: the DMD reading-frame facts (a deletion of exons 45-50 is out of frame and skipping
exon 51 restores it, the eteplirsen indication; Aartsma-Rus et al. 2009 Hum Mutat 30:293), the
sizes of the CDS in the pack's RefSeq records (CSTB 297 nt, ADA 1,092 nt, DMD 11,058 nt) against
the ~4.7-kb AAV genome, the cited mechanisms (DMD, CSTB and ADA loss of function, APP gain of
function), and base-editor chemistry (C>T and G>A are transitions, C>G is a transversion).
"""

from __future__ import annotations

import pytest

from genetx.catalog import load_catalog
from genetx.strategy.design import DesignRequest, triage_request
from genetx.strategy.evidence import Bibliography
from genetx.strategy.triage import MODALITIES, VERDICTS, Triage


def _triage(gene: str, variant: str | None = None, **kw: str) -> Triage:
    return triage_request(DesignRequest(gene, variant=variant, **kw))[0]


def _all_statements(t: Triage) -> list:
    out = list(t.context)
    for o in t.options:
        out += [*o.reasons, *o.caveats, *(p.statement() for p in o.precedents)]
    return out


def test_every_modality_is_listed_with_a_verdict_and_a_reason() -> None:
    t = _triage("DMD", "del ex45-50")
    assert sorted(o.modality for o in t.options) == sorted(MODALITIES)
    assert [o.rank for o in t.options] == list(range(1, len(MODALITIES) + 1))
    for o in t.options:
        assert o.verdict in VERDICTS
        assert o.reasons, o.modality


def test_out_of_frame_dmd_deletion_gives_exon_skipping_then_gene_addition_with_caveat() -> None:
    t = _triage("DMD", "del ex45-50")
    skip = t.option("exon_skipping")
    assert skip.verdict == "recommended"
    assert skip.rank == 1
    assert any("restores the frame" in s.text and "51" in s.text for s in skip.reasons)
    assert any(p.product_id == "eteplirsen" for p in skip.precedents)
    add = t.option("gene_addition")
    assert add.fits
    assert add.verdict == "possible"
    assert any("does not fit" in s.text and "11,058" in s.text for s in add.reasons)
    assert any("micro" in s.text.lower() for s in add.caveats)
    assert any(p.product_id == "elevidys" and p.level == "same_gene" for p in add.precedents)
    assert add.delivery is not None
    assert add.delivery.serotype == "AAVrh74"
    fitting = [o.modality for o in t.fitting()]
    assert fitting.index("exon_skipping") < fitting.index("gene_addition")
    for m in ("base_editing", "prime_editing", "silencing", "knockout", "ex_vivo_hsc"):
        assert t.option(m).verdict == "not_applicable", m


def test_loss_of_function_gene_whose_cds_fits_aav_gives_gene_addition() -> None:
    t = _triage("CSTB")
    add = t.option("gene_addition")
    assert add.verdict == "recommended"
    assert t.fitting()[0].modality == "gene_addition"
    assert any("297 nt" in s.text and "fits ssAAV" in s.text for s in add.reasons)
    assert t.option("silencing").verdict == "not_applicable"


def test_transition_point_mutation_is_a_base_editing_candidate() -> None:
    t = _triage("DMD", "c.7657C>T")
    be = t.option("base_editing")
    assert be.verdict == "recommended"
    assert any("transition" in s.text and "adenine base editor" in s.text for s in be.reasons)
    assert any("strategy:GAUDELLI-2017" in s.sources for s in be.reasons)


def test_transversion_goes_to_prime_editing_not_base_editing() -> None:
    t = _triage("DMD", "c.7657C>G")
    assert t.option("base_editing").verdict == "not_applicable"
    assert any("transversion" in s.text for s in t.option("base_editing").reasons)
    assert t.option("prime_editing").verdict == "possible"


def test_gain_of_function_gene_gives_silencing_not_gene_addition() -> None:
    t = _triage("APP")
    assert t.option("silencing").verdict == "recommended"
    assert t.option("gene_addition").verdict == "not_applicable"
    assert t.option("knockout").fits


def test_blood_disorder_goes_ex_vivo_with_catalog_precedent() -> None:
    t = _triage("ADA")
    hsc = t.option("ex_vivo_hsc")
    assert hsc.verdict == "recommended"
    assert hsc.rank == 1
    assert any(p.product_id == "strimvelis" and p.level == "same_gene" for p in hsc.precedents)
    assert hsc.delivery is not None
    assert hsc.delivery.vector == "LV"
    assert hsc.delivery.ex_vivo
    assert t.option("gene_addition").verdict == "not_applicable"


def test_dominant_negative_variant_of_col1a1_gives_silencing_over_addition() -> None:
    t = _triage("COL1A1", "c.607G>A")  # p.(Gly203Ser), a helical glycine substitution
    assert t.mechanism.mechanisms == ("dominant_negative",)
    assert t.option("silencing").verdict == "recommended"
    assert t.option("gene_addition").verdict == "not_applicable"


def test_user_mechanism_changes_the_ranking() -> None:
    t = _triage("DMD", "del ex45-50", mechanism="gain_of_function")
    assert t.option("silencing").verdict == "recommended"
    assert t.option("exon_skipping").verdict == "not_applicable"


def test_gene_without_model_is_undetermined_not_guessed() -> None:
    t = _triage("NOSUCHGENE1")
    assert not any(o.verdict == "recommended" for o in t.options)
    add = t.option("gene_addition")
    assert add.verdict == "undetermined"
    assert any("no gene model" in s.text for s in add.reasons)


def test_variant_the_pack_cannot_place_is_reported_per_modality() -> None:
    t = _triage("DMD", "del ex99")
    for m in ("exon_skipping", "base_editing", "prime_editing"):
        o = t.option(m)
        assert o.verdict == "undetermined"
        assert any("could not be placed" in s.text and "exon 99" in s.text for s in o.reasons)
    assert t.option("gene_addition").fits  # variant-independent modalities still ranked


def test_no_variant_leaves_variant_specific_modalities_undetermined() -> None:
    t = _triage("DMD")
    for m in ("exon_skipping", "base_editing", "prime_editing"):
        assert t.option(m).verdict == "undetermined"
        assert "--variant" in t.option(m).reasons[0].text


@pytest.mark.parametrize(("gene", "variant"), [
    ("DMD", "del ex45-50"), ("DMD", "c.7657C>T"), ("ADA", None), ("APP", None),
    ("NOSUCHGENE1", None),
])
def test_every_statement_resolves_to_a_source(gene: str, variant: str | None) -> None:
    from genetx.strategy.design import _bibliography

    t = _triage(gene, variant)
    bib = _bibliography(load_catalog())
    for st in _all_statements(t):
        assert st.sources
        for key in st.sources:
            bib.cite(key)
    assert bib.unknown_keys() == []


def test_triage_without_a_catalog_has_no_precedents() -> None:
    from genetx.strategy.design import _Context, gather
    from genetx.strategy.triage import triage

    inp = gather(_Context(DesignRequest("DMD", variant="del ex45-50"), None))
    t = triage(inp, None)
    assert all(not o.precedents or o.modality == "exon_skipping" for o in t.options)
    assert t.option("exon_skipping").verdict == "recommended"


def test_bibliography_numbers_in_order_of_first_use() -> None:
    bib = Bibliography()
    assert bib.cite("genetx:triage") == 1
    assert bib.cite("strategy:X") == 2
    assert bib.cite("genetx:triage") == 1
    assert bib.unknown_keys() == ["strategy:X"]
