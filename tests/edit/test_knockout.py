"""Knock-out design: Bae 2014 microhomology against CRISPOR, isoform coverage by hand.

Truth used here:
* CRISPOR's ``oof`` (out-of-frame) and ``mh`` (microhomology) columns for the 881 guides of the
  Doench 2014 human dataset (``crisporPaper_effData/doench2014-Hs.scores.tab.gz``). CRISPOR
  computed them on 60 bp centred on the first PAM base (30 nt arms): that window is used here
  to check the algorithm; GeneTx's designs put the break at the nuclease's cut.
* A two-isoform gene built by hand, whose coding positions and shared exons are counted by hand.
"""

from __future__ import annotations

import gzip
import math

import pytest

from genetx.edit.knockout import knockout_guides, microhomology_scores
from genetx.errors import InfeasibleDesignError
from genetx.genome import InMemoryGenome
from genetx.genome.models import Gene, Transcript


@pytest.mark.peer
def test_out_of_frame_equals_crispor(shared_data) -> None:
    path = shared_data / "crispr_efficiency/crisporPaper_effData/doench2014-Hs.scores.tab.gz"
    with gzip.open(path, "rt") as fh:
        head = fh.readline().rstrip("\n").split("\t")
        rows = [dict(zip(head, line.rstrip("\n").split("\t"), strict=True)) for line in fh]
    n = 0
    for r in rows:
        ctx, guide = r["longSeq100Bp"].upper(), r["seq"].upper()
        p = ctx.find(guide)
        assert p >= 0
        c = p + 20  # first PAM base, CRISPOR's break
        mh, oof = microhomology_scores(ctx[c - 30:c + 30], 30)
        assert int(oof) == int(r["oof"]), r["guide"]
        # CRISPOR truncates a float sum; ours may land on the other side of an integer
        assert abs(mh - float(r["mh"])) <= 1.0 + 1e-9, r["guide"]
        n += 1
    assert n == 881


def test_microhomology_hand_checked() -> None:
    # one 4-nt microhomology GATC on both sides, 10 nt apart: deletion of 10 (not a multiple
    # of 3); every shorter pattern inside it has the same deletion length and is not counted,
    # and no other pair of >= 2 identical bases faces each other across the break
    left, right = "ACACACGATC", "TTTTTTGATC"
    mh, oof = microhomology_scores(left + right, 10)
    score = 100 * round(math.exp(-10 / 20), 3) * (2 * 2 + 2)  # GATC: 2 GC, 2 AT
    assert oof == 100.0
    assert mh == pytest.approx(score)
    # a second copy 9 nt away (in frame) takes a share of the score
    mh2, oof2 = microhomology_scores("ACACACGATC" + "TTTTTGATCT", 10)
    in_frame = 100 * round(math.exp(-9 / 20), 3) * 6
    assert mh2 == pytest.approx(in_frame)
    assert oof2 == 0.0
    # nothing faces itself across the break: no score, no out-of-frame verdict
    mh0, oof0 = microhomology_scores("AAAAACCCCC", 5)
    assert mh0 == 0.0
    assert math.isnan(oof0)


def _two_isoforms():
    # exons (plus strand): E1 100-160, E2 200-260, E3 300-360; isoform b skips E2
    rng = __import__("random").Random(3)
    seq = "".join(rng.choice("ACGT") for _ in range(500))
    seq = seq[:120] + "ATG" + seq[123:]
    a = Transcript("TA", "G1", "chr1", "+", ((100, 160), (200, 260), (300, 360)),
                   cds=(120, 340))
    b = Transcript("TB", "G1", "chr1", "+", ((100, 160), (300, 360)), cds=(120, 340))
    gene = Gene("G1", "chr1", 100, 360, "+", (a, b))
    return gene, a, InMemoryGenome({"chr1": seq})


def test_isoform_fraction_and_position_hand_checked() -> None:
    gene, a, g = _two_isoforms()
    t = knockout_guides(gene, a, g, "SpRY", max_fraction=1.0)
    assert len(t)
    for r in t.itertuples():
        # the break lies between cut-1 and cut, both coding bases of TA
        in_e2 = 200 <= r.cut - 1 and r.cut < 260
        assert r.isoforms_hit == (1 if in_e2 else 2)
        assert r.isoforms_total == 2
        assert r.exon == (1 if r.cut <= 160 else 2 if r.cut <= 260 else 3)
        # c. position of the base 5' of the break: coding bases of TA before it, plus one
        if r.cut <= 160:
            c = r.cut - 1 - 120 + 1
        elif r.cut <= 260:
            c = 40 + (r.cut - 1 - 200) + 1
        else:
            c = 100 + (r.cut - 1 - 300) + 1
        assert r.c_pos == c
        assert r.percent_protein == pytest.approx(100 * c / 140)  # 40 + 60 + 40 coding
    # shared guides first
    assert t["isoform_fraction"].is_monotonic_decreasing


def test_noncoding_and_no_site_errors() -> None:
    gene, a, g = _two_isoforms()
    nc = Transcript("NC", "G1", "chr1", "+", ((100, 160),))
    with pytest.raises(InfeasibleDesignError, match="non-coding"):
        knockout_guides(gene, nc, g)
    poly = InMemoryGenome({"chr1": "A" * 500})
    with pytest.raises(InfeasibleDesignError, match="no SpCas9 site cuts"):
        knockout_guides(gene, a, poly)


def test_dmd_knockout_guides() -> None:
    from genetx.genome.genes import load_gene

    h = load_gene("DMD")
    t = knockout_guides(h.gene, h.transcript, h.genome)
    assert len(t) > 100
    assert (t["percent_protein"] <= 65).all()
    assert t["isoforms_total"].iloc[0] == sum(1 for x in h.gene.transcripts if x.is_coding)
    # every cut is inside a coding exon of NM_004006.2, at the c. position it reports
    tx = h.transcript
    for r in t.head(30).itertuples():
        base = r.cut if tx.strand == "-" else r.cut - 1
        assert tx.genome_to_c(base).pos == r.c_pos
        assert any(s <= base < e for s, e in tx.cds_parts)


def test_guide_ids_unique() -> None:
    gene, a, g = _two_isoforms()
    t = knockout_guides(gene, a, g, "SpRY", max_fraction=1.0)
    assert t["guide_id"].is_unique
