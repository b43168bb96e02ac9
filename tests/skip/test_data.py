"""The cited exon-skipping facts: every fact sourced, regions equal to the RefSeq record.

Truth: the NM_004006.2 GenBank record (misc_feature 'Region:' annotations, exon features) read
independently in conftest.py; the published base sequences of eteplirsen (Drugs.com AHFS
monograph chemical name) and golodirsen (VYONDYS 53 label, section 11) must pair with exon 51
and exon 53 of that record.
"""

from __future__ import annotations

import copy

from genetx.core.seq import reverse_complement
from genetx.skip import data


def test_facts_are_cited() -> None:
    doc = data.skip_facts()
    assert data.validate(doc) == []
    for d in doc["approved_drugs"]:
        assert d["approvals"]
        assert all(a["sources"] for a in d["approvals"])
        assert d["share_of_patients"]["sources"]
    broken = copy.deepcopy(doc)
    broken["approved_drugs"][0]["approvals"][0]["sources"] = ["NOPE"]
    assert any("unknown source 'NOPE'" in p for p in data.validate(broken))
    broken["cautions"][0]["sources"] = []
    assert any("cites no source" in p for p in data.validate(broken))


def test_approved_drugs() -> None:
    drugs = {d["id"]: d for d in data.approved_drugs("DMD")}
    assert {k: v["skips_exon"] for k, v in drugs.items()} == {
        "eteplirsen": 51, "golodirsen": 53, "viltolarsen": 53, "casimersen": 45}
    dates = {k: v["approvals"][0]["date"] for k, v in drugs.items()}
    assert dates == {"eteplirsen": "2016-09-19", "golodirsen": "2019-12-12",
                     "viltolarsen": "2020-08-12", "casimersen": "2021-02-25"}
    assert data.approved_drugs("CFTR") == []


def test_drug_sequences_pair_with_their_exon(nm004006) -> None:
    drugs = {d["id"]: d for d in data.approved_drugs("DMD")}
    for name, exon in (("eteplirsen", 51), ("golodirsen", 53)):
        seq = drugs[name]["sequence"]["value"]
        assert len(seq) == drugs[name]["sequence"]["length"]
        target = reverse_complement(seq)
        assert target in nm004006.exon_seq(exon), name
        assert nm004006.sequence.count(target) == 1


def test_regions_equal_the_record(nm004006) -> None:
    regions = data.regions("DMD", "NM_004006.2")
    offset = nm004006.cds[0] - 1
    record = {(name.removeprefix("Region: "), s - offset, e - offset)
              for name, s, e in nm004006.regions
              if "upstream" not in name and "alternatively spliced" not in name}
    assert {(r.name, r.c_start, r.c_end) for r in regions} == record
    assert len(regions) == 41
    assert data.regions("DMD", "NM_004009.3") == ()


def test_numbering_and_applicability() -> None:
    assert data.numbering_applies("DMD", "NM_004006.2")
    assert data.numbering_applies("DMD", "NM_004006.1")
    assert not data.numbering_applies("DMD", "NM_004009.3")
    assert not data.numbering_applies("CFTR", "NM_000492.3")
    assert data.applicability("DMD", (51,))["share_of_patients"] == 0.13
    assert data.applicability("DMD", (2,)) is None
    assert data.multi_exon_skips("DMD")[0]["exons"] == [45, 55]
    assert "Hum Mutat" in data.source_text("AR2009")
