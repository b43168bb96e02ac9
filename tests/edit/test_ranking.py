"""Off-target profiles and ranking: planted off-targets found and counted, tiers and scores.

Truth: a random genome with off-target sites planted by hand (their mismatch counts and PAMs
are known), CRISPOR's alternative-PAM rule worked out with the MIT formula, and the ranking
rules of docs/guides.md applied by hand.
"""

from __future__ import annotations

import random

import numpy as np
import pandas as pd
import pytest

from genetx.core.seq import reverse_complement
from genetx.edit.guides import scan_sequence
from genetx.edit.ranking import offtarget_profile, rank_guides, search_offtargets
from genetx.edit.scoring import mit_score
from genetx.genome import InMemoryGenome

GUIDE = "GACGTCAGTCCATGGACTGA"


def _mutate(seq: str, positions: list[int]) -> str:
    swap = {"A": "C", "C": "G", "G": "T", "T": "A"}
    return "".join(swap[c] if i in positions else c for i, c in enumerate(seq))


@pytest.fixture
def planted():
    rng = random.Random(5)
    bg = "".join(rng.choice("AT") for _ in range(4000))  # no G/C: no stray NGG sites
    sites = {
        "on": (200, GUIDE + "TGG"),
        "mm1": (800, _mutate(GUIDE, [2]) + "AGG"),
        "mm3_rev": (1500, _mutate(GUIDE, [0, 5, 9]) + "CGG"),
        # NAG site, 1 PAM-distal mismatch: MIT without PAM factor 100 > 1 -> kept
        "nag_kept": (2200, _mutate(GUIDE, [0]) + "TAG"),
        # NGA site, 4 PAM-proximal mismatches: MIT without PAM factor < 1 -> dropped
        "nga_dropped": (2900, _mutate(GUIDE, [16, 17, 18, 19]) + "TGA"),
    }
    seq = list(bg)
    for name, (pos, s) in sites.items():
        s = reverse_complement(s) if name.endswith("_rev") else s
        seq[pos:pos + 23] = s
    return InMemoryGenome({"chr1": "".join(seq)}), sites


def test_planted_offtargets_counted(planted) -> None:
    g, _sites = planted
    assert mit_score(GUIDE, _mutate(GUIDE, [16, 17, 18, 19])) <= 1.0
    assert mit_score(GUIDE, _mutate(GUIDE, [0])) > 1.0
    t = scan_sequence(g.fetch("chr1", 150, 260), "SpCas9", chrom="chr1", offset=150)
    t = t[t["spacer"] == GUIDE]
    assert len(t) == 1
    hits = search_offtargets(t, g, "SpCas9", max_mismatches=4)
    assert sorted(hits["Start"]) == [200, 800, 1500, 2200]
    prof = offtarget_profile(t, hits, "SpCas9")
    row = prof.iloc[0]
    assert bool(row.on_target)
    assert (row.offtargets, row.mm0, row.mm1, row.mm2, row.mm3, row.mm4) == (3, 0, 2, 0, 1, 0)
    assert 0 < row.mit_specificity < 100
    assert 0 < row.cfd_specificity < 100


def test_profile_without_hits_and_other_nucleases(planted) -> None:
    g, _ = planted
    t = scan_sequence("AAAA" + "ACGTTGCAACGTTGCAACGT" + "TGG" + "AAAA", "SpCas9")
    prof = offtarget_profile(t, search_offtargets(t, g, "SpCas9"), "SpCas9")
    assert (prof["offtargets"][0], prof["mit_specificity"][0]) == (0, 100.0)
    assert not bool(prof["on_target"][0])


def _table() -> pd.DataFrame:
    return pd.DataFrame({
        "guide_id": ["a", "b", "c", "d"], "nuclease": "SpCas9", "cut": [100, 110, 120, 130],
        "filters": ["", "", "polyT", ""], "rule_set_1": [0.9, 0.5, 0.99, 0.8],
        "on_target": [True, True, True, True], "mm0": [0, 0, 0, 1], "mm1": [0, 0, 0, 0],
        "mm2": [0, 0, 0, 0], "mm3": [0, 0, 0, 0], "mm4": [0, 0, 0, 0],
        "cfd_specificity": [50.0, 100.0, 100.0, 90.0], "exonic_offtargets": [0, 0, 0, 0],
    })


def test_rank_rules_by_hand() -> None:
    r = rank_guides(_table(), "region")
    # tier 1: a (0.9 * 0.5 = 0.45), b (0.5 * 1.0 = 0.5): b first; d has a 0-mismatch
    # off-target (tier 2); c fails the polyT filter (tier 3)
    assert list(r["guide_id"]) == ["b", "a", "d", "c"]
    assert list(r["tier"]) == [1, 1, 2, 3]
    assert r["score"].tolist() == pytest.approx([0.5, 0.45, 0.72, 0.99])
    assert list(r["rank"]) == [1, 2, 3, 4]


def test_correct_mode_distance_factor() -> None:
    t = _table()
    t["filters"] = ""
    t["mm0"] = 0
    r = rank_guides(t, "correct", variant_position=110)
    f = dict(zip(r["guide_id"], r["position_factor"], strict=True))
    # cut 110 is the break between bases 109 and 110: 0 bases from base 110; cut 130 (break
    # between 129 and 130) has bases 111-129 (19) in between: 2 ** (-19 / 10)
    assert f["b"] == pytest.approx(1.0)
    assert f["d"] == pytest.approx(2 ** (-19 / 10))
    assert f["a"] == pytest.approx(2 ** (-10 / 10))
    assert np.all(r["score"].diff().dropna() <= 0)


def test_site_table_classes_and_profile_agree(planted) -> None:
    from genetx.edit.ranking import SITE_CLASSES, offtarget_sites, profile_offtargets

    g, _sites = planted
    t = scan_sequence(g.fetch("chr1", 150, 260), "SpCas9", chrom="chr1", offset=150)
    t = t[t["spacer"] == GUIDE].reset_index(drop=True)
    hits = search_offtargets(t, g, "SpCas9", max_mismatches=4)
    sites = offtarget_sites(t, hits, target_copies=())
    assert set(sites["site_class"]) <= set(SITE_CLASSES)
    # the planted on-target at 200 is the only on_target row; the other three are counted
    assert sites.loc[sites["site_class"] == "on_target", "Start"].tolist() == [200]
    assert sorted(sites.loc[sites["site_class"] == "off_target", "Start"]) == [800, 1500, 2200]
    res = profile_offtargets(t, g, "SpCas9", max_mismatches=4)
    pd.testing.assert_frame_equal(res.profile, offtarget_profile(t, hits, "SpCas9"))
    assert sorted(res.off_target_sites()["Start"]) == [800, 1500, 2200]
    assert "memory" in res.scope


def test_intended_span_and_target_copies(planted) -> None:
    from genetx.edit.ranking import locate_on_targets, profile_offtargets

    g, _sites = planted
    t = scan_sequence(g.fetch("chr1", 150, 260), "SpCas9", chrom="chr1", offset=150)
    t = t[t["spacer"] == GUIDE].reset_index(drop=True)
    hits = search_offtargets(t, g, "SpCas9", max_mismatches=4)
    gid = str(t["guide_id"][0])
    # a guide "designed" at the 1-mismatch site: that site becomes its on-target
    assert locate_on_targets(hits, {gid: (("chr1", 805, 806),)}) == {gid: ("chr1", 800, "+")}
    assert locate_on_targets(hits, {gid: (("chr1", 3500, 3600),)}) == {}
    res = profile_offtargets(t, g, "SpCas9", intended={gid: (("chr1", 805, 806),)})
    row = res.profile.iloc[0]
    # the perfect match at 200 is now an off-target at 0 mismatches, the 1-mm site is not
    assert (row.mm0, row.mm1, row.mm3) == (1, 1, 1)
    # a record holding a copy of the target gene: its hits are set aside, not counted
    res = profile_offtargets(t, g, "SpCas9", target_copies={"chr1"})
    row = res.profile.iloc[0]
    assert bool(row.on_target)
    assert row.offtargets == 0
    assert set(res.sites["site_class"]) == {"on_target", "target_copy"}


def test_target_copy_records_of_the_gene_pack() -> None:
    from genetx.edit.ranking import target_copy_records
    from genetx.genome.genes import pack_genome

    g = pack_genome()
    # DMD's other record is its mRNA (NM_004006.2), which is not searched at all
    assert target_copy_records(g, "DMD", {"chrX"}) == frozenset()
    # ADA is modelled on an mRNA record; the pack also holds its GRCh37 genomic span
    assert target_copy_records(g, "ADA", {"UD_143772172095"}) == frozenset(
        {"NM_000022.2_genomic_span"})
    assert target_copy_records(InMemoryGenome({"chr1": "ACGT" * 10}), "ADA") == frozenset()


def test_two_memory_genomes_of_one_name_are_not_confused() -> None:
    rng = random.Random(3)
    bg = "".join(rng.choice("AT") for _ in range(600))
    bg = bg[:400] + "C" * 20 + "AGG" + bg[423:]  # an unrelated site: both genomes have a PAM
    with_site = bg[:100] + GUIDE + "TGG" + bg[123:]
    t = scan_sequence(GUIDE + "TGG", "SpCas9", chrom="chr1", offset=100)
    a = search_offtargets(t, InMemoryGenome({"chr1": with_site}), "SpCas9", max_mismatches=1)
    b = search_offtargets(t, InMemoryGenome({"chr1": bg}), "SpCas9", max_mismatches=1)
    assert a["Start"].tolist() == [100]
    assert b.empty
