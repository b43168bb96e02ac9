"""Cited mechanism and tissue facts: the data rules, and how mechanisms follow the variant."""

from __future__ import annotations

import copy

import pytest

from genetx.errors import BadInputError
from genetx.strategy import knowledge as kn


def _variant(gene: str, text: str):
    from genetx.genome.genes import load_gene
    from genetx.genome.variants import parse_variant

    hit = load_gene(gene)
    return parse_variant(text, hit.gene, hit.genome, transcript=hit.transcript.id), hit


def test_shipped_data_are_sound() -> None:
    assert kn.validate(kn.mechanism_table()) == []
    assert kn.validate(kn.modality_facts()) == []
    refs = kn.references()
    assert refs, "no sources"
    assert all(r.citation and r.key.startswith("strategy:") for r in refs)


def test_every_gene_fact_names_a_defined_source() -> None:
    doc = kn.mechanism_table()
    table = doc["sources"]
    for sym, entry in doc["genes"].items():
        assert entry["mechanisms"], sym
        for m in entry["mechanisms"]:
            assert m["mechanism"] in kn.MECHANISMS
            assert m["sources"], sym
            assert all(s in table for s in m["sources"]), sym
        assert entry["tissue"]["sources"], sym


def test_validate_reports_unsourced_and_unknown_sources() -> None:
    doc = copy.deepcopy(kn.mechanism_table())
    doc["genes"]["DMD"]["mechanisms"][0]["sources"] = []
    doc["genes"]["F8"]["tissue"]["sources"] = ["NOPE"]
    doc["genes"]["ADA"]["mechanisms"][0]["mechanism"] = "toxic"
    problems = kn.validate(doc)
    assert any("DMD" in p and "without sources" in p for p in problems)
    assert any("unknown source NOPE" in p for p in problems)
    assert any("unknown mechanism 'toxic'" in p for p in problems)


def test_dmd_is_loss_of_function_from_the_table() -> None:
    call = kn.resolve_mechanism("DMD", "null")
    assert call.mechanisms == ("loss_of_function",)
    assert call.origin == "table"
    assert call.inheritance == "X-linked recessive"
    assert all(s.sources for s in call.statements)
    assert any("strategy:OMIM-300377" in s.sources for s in call.statements)


def test_col1a1_mechanism_follows_the_variant_class() -> None:
    assert kn.resolve_mechanism("COL1A1", "null").mechanisms == ("loss_of_function",)
    assert kn.resolve_mechanism("COL1A1", "missense").mechanisms == ("dominant_negative",)
    both = kn.resolve_mechanism("COL1A1", None)
    assert set(both.mechanisms) == {"loss_of_function", "dominant_negative"}
    assert any("depends on the variant" in s.text for s in both.statements)


def test_user_mechanism_wins_and_unknown_gene_stays_unknown() -> None:
    call = kn.resolve_mechanism("DMD", "null", "gain_of_function")
    assert call.mechanisms == ("gain_of_function",)
    assert call.origin == "user"
    unknown = kn.resolve_mechanism("NOSUCHGENE1", None)
    assert not unknown.known
    assert unknown.origin == "unknown"
    assert "--mechanism" in unknown.statements[-1].text


def test_mecp2_is_flagged_dosage_sensitive() -> None:
    call = kn.resolve_mechanism("MECP2", "null")
    assert call.dosage_sensitive
    assert call.dosage_statement is not None
    assert call.mechanisms == ("loss_of_function",)
    assert "gain_of_function" in kn.resolve_mechanism("MECP2", "copy_gain").mechanisms


@pytest.mark.parametrize(("text", "want"), [
    ("lof", "loss_of_function"), ("Gain-of-function", "gain_of_function"),
    ("dn", "dominant_negative"), ("haploinsufficiency", "loss_of_function"),
])
def test_parse_mechanism_aliases(text: str, want: str) -> None:
    assert kn.parse_mechanism(text) == want


def test_parse_mechanism_and_tissue_reject_unknown_values() -> None:
    with pytest.raises(BadInputError, match="--mechanism"):
        kn.parse_mechanism("toxic")
    with pytest.raises(BadInputError, match="--tissue"):
        kn.parse_tissue("spleen")
    assert kn.parse_tissue("blood") == "hematopoietic"
    assert kn.parse_tissue("Bone") == "bone"


def test_tissue_from_table_and_catalog_precedent() -> None:
    from genetx.catalog import load_catalog

    assert kn.resolve_tissue("F8").tissue == "liver"
    # SMN1 is not in the table: its approved products (Zolgensma, Itvisma) are CNS therapies
    call = kn.resolve_tissue("SMN1", load_catalog())
    assert call.tissue == "cns"
    assert call.origin == "catalog"
    assert all(k.startswith("catalog:") for k in call.statements[0].sources)
    assert kn.resolve_tissue("NOSUCHGENE1", load_catalog()).tissue is None


def test_variant_classes_of_real_pack_variants() -> None:
    v, hit = _variant("DMD", "del ex45-50")
    assert kn.variant_class(v, hit.transcript.exon_count) == "null"
    v, hit = _variant("DMD", "c.7657C>T")  # p.(Arg2553Ter)
    assert kn.variant_class(v, hit.transcript.exon_count) == "null"
    v, hit = _variant("DMD", "c.7657C>G")  # p.(Arg2553Gly)
    assert kn.variant_class(v, hit.transcript.exon_count) == "missense"
    v, hit = _variant("COL1A1", "c.607G>A")  # p.(Gly203Ser)
    assert kn.variant_class(v, hit.transcript.exon_count) == "missense"
    v, hit = _variant("MECP2", "dup ex1-4")  # every exon: a whole-gene copy gain
    assert kn.variant_class(v, hit.transcript.exon_count) == "copy_gain"
    assert kn.variant_class(None) is None
