"""Safety dossiers: every statement sourced, the right class facts for each kind of design."""

from __future__ import annotations

import copy

import pytest

from genetx.safety import dossier as ds


def _dossiers(run) -> dict:
    return ds.build_dossiers(run)


def _texts(section) -> str:
    return " | ".join(s.text for s in section.statements)


def test_class_risk_data_are_sound() -> None:
    doc = ds.class_risks()
    assert ds.validate(doc) == []
    classes = {r["class"] for r in doc["long_term_follow_up"]}
    assert {"integrating_vector", "genome_editing", "AAV"} <= classes


def test_validate_catches_unsourced_facts() -> None:
    doc = copy.deepcopy(ds.class_risks())
    doc["cpg"][0]["sources"] = []
    doc["integration"]["AAV"]["sources"] = ["NOPE"]
    problems = ds.validate(doc)
    assert any("cpg" in p and "without sources" in p for p in problems)
    assert any("unknown source NOPE" in p for p in problems)


def test_follow_up_durations_are_only_the_verified_ones() -> None:
    rows = {r["class"]: r for r in ds.class_risks()["long_term_follow_up"]}
    assert rows["integrating_vector"]["years"] == 15
    assert rows["genome_editing"]["years"] == 15
    assert rows["AAV"]["years"] is None
    assert "not confirm" in rows["AAV"]["unverified"]


@pytest.mark.parametrize("fixture", ["dmd_del_run", "dmd_snv_run", "ada_run", "cstb_run"])
def test_every_dossier_statement_resolves_to_a_source(fixture, request) -> None:
    run = request.getfixturevalue(fixture)
    dossiers = _dossiers(run)
    assert dossiers
    bib = run.bibliography
    for d in dossiers.values():
        assert [s.topic for s in d.sections] == list(ds.TOPICS)
        for st in d.statements():
            assert st.sources, st.text
            for k in st.sources:
                bib.cite(k)
    assert bib.unknown_keys() == []


def test_aso_dossier(dmd_del_run) -> None:
    d = next(x for x in _dossiers(dmd_del_run).values() if x.modality == "exon_skipping")
    off = d.section("off_target")
    assert off.applicable
    assert "within 2 mismatches" in off.statements[0].text
    assert "transcripts" in _texts(off)
    for topic in ("packaging", "integration", "antibodies", "follow_up", "conditioning"):
        assert not d.section(topic).applicable, topic


def test_guide_pair_dossier_has_cfd_and_editing_follow_up(dmd_del_run) -> None:
    d = next(x for x in _dossiers(dmd_del_run).values() if x.modality == "exon_deletion")
    off = _texts(d.section("off_target"))
    assert "CFD specificity" in off
    assert "not a whole genome" in off
    fu = d.section("follow_up")
    assert fu.applicable
    assert "15 years" in _texts(fu)
    assert any("safety:FDA-GE-2022-NEWS" in s.sources for s in fu.statements)
    assert "permanently" in _texts(d.section("integration"))


def test_systemic_aav_cassette_dossier(dmd_del_run) -> None:
    d = next(x for x in _dossiers(dmd_del_run).values() if x.modality == "gene_addition")
    pack = d.section("packaging")
    assert "over the ssAAV fine limit" in pack.statements[0].text
    risks = _texts(d.section("class_risks"))
    assert "Elevidys" in risks
    assert "boxed warning" in risks
    assert any("safety:A42" in s.sources for s in d.section("class_risks").statements)
    anti = _texts(d.section("antibodies"))
    assert "AAVrh74" in anti
    assert "1:400" in anti
    fu = d.section("follow_up")
    assert fu.statements[-1].text.startswith("not verified")
    integ = d.section("integration")
    assert any("safety:SABATINO-2022" in s.sources for s in integ.statements)
    assert "CpG" in _texts(d.section("immunogenicity"))


def test_ex_vivo_lentiviral_dossier(ada_run) -> None:
    d = next(iter(_dossiers(ada_run).values()))
    assert d.modality == "ex_vivo_hsc"
    assert d.delivery.vector == "LV"
    cond = d.section("conditioning")
    assert cond.applicable
    assert "busulfan" in _texts(cond).lower()
    assert all(k.startswith("catalog:") for s in cond.statements for k in s.sources)
    integ = _texts(d.section("integration"))
    assert "Skysona boxed warning" in integ
    assert "Lyfgenia boxed warning" in integ
    fu = d.section("follow_up")
    assert "15 years" in _texts(fu)
    assert not d.section("antibodies").applicable


def test_guide_pair_off_target_section_reports_the_shared_profile(dmd_del_run) -> None:
    from dataclasses import replace

    res = dmd_del_run.result("exon_deletion")
    item = next(d for d in res.designs if d.id == "DEL-ex51-1")
    off = _texts(ds.build_dossier(item, res, dmd_del_run).section("off_target"))
    # the counts of the edit package's profile (the same as `genetx skip`): one site at 4 mm
    assert off.startswith("1 off-target site(s) within 4 mismatches (0 at 0 mismatches, "
                          "0 at 1 mismatch, 0 at 2 mismatches, 0 at 3 mismatches, "
                          "1 at 4 mismatches)")
    assert "no hit within 3 mismatches in an exon of another gene" in off
    assert "NAG/NGA site is kept only when" in off
    assert "mRNA records are not searched" in off
    bare = replace(item, offtarget=replace(item.offtarget, exons_labelled=False,
                                           exonic_max_mismatches=None))
    off = _texts(ds.build_dossier(bare, res, dmd_del_run).section("off_target"))
    assert "not labelled with genes" in off
    assert "no hit" not in off
