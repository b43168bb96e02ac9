"""End-to-end design on a short CDS, and the plot of its cassette."""

from __future__ import annotations

import json

from genetx.add.codon import CodonConstraints
from genetx.add.design import design_gene_addition
from genetx.add.inputs import CodingInput
from genetx.core.seq import translate


def _source(ada_cds) -> CodingInput:
    cds, protein = ada_cds
    return CodingInput("ADA", "cds", protein, cds, "test", "ADA", None)


def test_design_cpg_free_liver(ada_cds, tmp_path) -> None:
    from genetx.plot.cassette import plot_cassette

    src = _source(ada_cds)
    d = design_gene_addition(src, tissue="liver", constraints=CodonConstraints(cpg_free=True))
    assert d.fit.fits
    assert not d.proposals
    cds_f = next(f for f in d.cassette.record.features if f.type == "CDS")
    assert translate(str(cds_f.extract(d.cassette.record.seq))) == src.protein + "*"
    rules = {e.rule: e for e in d.evaluations}
    assert rules["CpGDensity[cds, max 0]"].passes
    assert rules["CpGDensity[cds, max 0]"].value == 0
    assert rules["PackagingLimit[ssAAV]"].value == d.cassette.length
    doc = json.loads(json.dumps(d.to_dict()))
    assert doc["optimization"]["after"]["cpg"] == 0
    assert {e["name"] for e in doc["elements"]} >= {"HLP_hybrid_liver_promoter", "bGH_polyA"}
    for e in doc["elements"]:
        assert e["source"]["repo"]
        assert e["source"]["commit"]
    fig = plot_cassette(d.cassette, evaluations=d.evaluations, path=tmp_path / "map.png")
    assert (tmp_path / "map.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    texts = [t.get_text() for t in fig.axes[0].texts]
    for p in d.cassette.parts:
        assert any(t.startswith(p.part.name) for t in texts)


def test_design_split_scaav(ada_cds) -> None:
    src = _source(ada_cds)
    d = design_gene_addition(src, vector="scAAV", promoter="EFS", split=True,
                             constraints=CodonConstraints(unique_kmer=None))
    assert len(d.split) == 2
    assert all(e.passes for e in d.split_evaluations[0] if e.rule.startswith("Packaging"))
    assert d.cassette.parts[0].part.name == "AAV2_mITR_scAAV"
