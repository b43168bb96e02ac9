"""Scores, annotation and the Dask path of the off-target search."""

from __future__ import annotations

import numpy as np
import pytest

from genetx.edit.offtarget import search
from genetx.genome import InMemoryGenome

GUIDE = "GACGCATAAAGATGAGACGC"


def _genome():
    rng = np.random.default_rng(3)
    seq = list("".join(rng.choice(list("ACGT"), 6000)))
    one_mm = GUIDE[:5] + "T" + GUIDE[6:]
    for pos, site in ((1000, GUIDE + "TGG"), (3000, one_mm + "AGG"), (5000, GUIDE + "CAG")):
        seq[pos:pos + 23] = site
    return InMemoryGenome({"chr1": "".join(seq)})


def test_scores_match_the_scoring_module():
    from genetx.edit.scoring.offtarget import cfd_score, mit_score

    hits = search(_genome(), {"g": GUIDE}, "NRG", max_mismatches=2, score=True)
    assert {"cfd", "mit"} <= set(hits.columns)
    for r in hits.itertuples():
        assert r.cfd == pytest.approx(cfd_score(GUIDE, r.site.upper()))
        assert r.mit == pytest.approx(mit_score(GUIDE, r.site.upper()))
    on = hits[hits.Start == 1000].iloc[0]
    assert on.cfd == 1.0
    assert on.mit == 100.0


def test_guide_summary_counts_and_specificity():
    from genetx.edit.offtarget.scores import add_scores, guide_summary
    from genetx.edit.scoring.offtarget import cfd_specificity, mit_specificity

    hits = add_scores(search(_genome(), {"g": GUIDE}, "NRG", max_mismatches=3), "NRG")
    summary = guide_summary(hits, max_mismatches=3).iloc[0]
    off = hits[hits.Start != 1000]
    assert summary.on_target
    assert summary.offtargets == len(off)
    assert [summary[f"mm{m}"] for m in range(4)] == [
        int((off.mismatches == m).sum()) for m in range(4)]
    assert summary.mit_specificity == mit_specificity(off.mit.to_numpy())
    assert summary.cfd_specificity == cfd_specificity(off.cfd.to_numpy())


def test_bulge_rows_are_not_scored():
    hits = search(_genome(), {"g": GUIDE}, "NGG", max_mismatches=1, dna_bulge=1, score=True)
    bulged = hits[hits.bulge_type != "none"]
    assert bulged["cfd"].isna().all()
    assert hits[hits.bulge_type == "none"]["cfd"].notna().all()


def test_annotation_labels(tmp_path):
    gtf = tmp_path / "a.gtf"
    rows = [
        ("gene", 900, 3100, 'gene_id "G1"; gene_name "GENE1";'),
        ("transcript", 900, 3100, 'gene_id "G1"; transcript_id "T1"; gene_name "GENE1";'),
        ("exon", 900, 1100, 'gene_id "G1"; transcript_id "T1"; gene_name "GENE1";'),
        ("exon", 2900, 2950, 'gene_id "G1"; transcript_id "T1"; gene_name "GENE1";'),
    ]
    gtf.write_text("".join(f"chr1\ttest\t{f}\t{s}\t{e}\t.\t+\t.\t{a}\n" for f, s, e, a in rows))
    hits = search(_genome(), {"g": GUIDE}, "NRG", max_mismatches=1, annotation=str(gtf))
    lab = dict(zip(hits.Start, zip(hits.region, hits.gene, strict=True), strict=True))
    assert lab[1000] == ("exon", "GENE1")
    assert lab[3000] == ("intron", "GENE1")
    assert lab[5000] == ("intergenic", "")


def test_search_dask_equals_local():
    pytest.importorskip("distributed")
    from distributed import Client, LocalCluster

    from genetx.edit.offtarget import search_dask

    rng = np.random.default_rng(9)
    seq = "".join(rng.choice(list("AAGT"), 5000))
    g = InMemoryGenome({"a": seq, "b": seq[::-1]})
    guides = {f"q{i}": seq[i * 97:i * 97 + 20] for i in range(12)}
    local = search(g, guides, "NGG", max_mismatches=5, rna_bulge=1)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                      dashboard_address=None) as cluster, Client(cluster) as client:
        dist = search_dask(client, g, guides, "NGG", max_mismatches=5, rna_bulge=1, shards=5)
    assert len(local) > 20
    assert dist.to_dict("list") == local.to_dict("list")
