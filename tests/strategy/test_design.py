"""The design orchestrator: designs checked against the genome, failures kept as reasons."""

from __future__ import annotations

import random

import pytest

from genetx.core.seq import reverse_complement
from genetx.strategy.design import (
    STATUSES,
    DesignRequest,
    _Context,
    gather,
    guide_offtargets,
    run_modality,
)
from genetx.strategy.triage import triage


def test_every_modality_has_a_result_with_a_reason(dmd_del_run) -> None:
    run = dmd_del_run
    assert [r.modality for r in run.results] == [o.modality for o in run.triage.options]
    for r in run.results:
        assert r.status in STATUSES
        assert r.reason.strip(), r.modality
        if not r.option.fits:
            assert r.status == "not_run"
            assert r.option.verdict.replace("_", " ") in r.reason


def test_aso_designs_are_antisense_to_the_genome(dmd_del_run) -> None:
    run = dmd_del_run
    res = run.result("exon_skipping")
    assert res.status == "designed"
    assert len(res.designs) == run.request.top
    g = run.gene.genome
    exon51 = run.transcript.exons[50]
    for d in res.designs:
        chrom, s, e, strand = d.location
        target = g.fetch(chrom, s, e, strand).upper()
        assert d.sequence == reverse_complement(target)
        assert s < exon51[1]
        assert e > exon51[0]
        assert d.offtarget is not None
        assert d.offtarget.engine == "transcript_match"
    assert "aso_candidates" in res.tables
    assert len(res.tables["aso_candidates"]) > 100


def test_exon_deletion_pairs_cut_around_exon_51(dmd_del_run) -> None:
    run = dmd_del_run
    res = run.result("exon_deletion")
    assert res.status == "designed"
    assert res.designs
    g = run.gene.genome
    s51, e51 = run.transcript.exons[50]
    for d in res.designs:
        _chrom, lo, hi, _ = d.location
        assert lo < s51
        assert e51 < hi
        assert d.properties["deletion_nt"] == hi - lo
        assert len(d.sites) == 2
        for (c, s, e, strand, _label), spacer in zip(
                d.sites, (d.properties["guide_5prime"], d.properties["guide_3prime"]),
                strict=False):
            site = g.fetch(c, s, e, strand).upper()
            assert spacer in (site[:20], site[-20:]) or site.startswith(spacer) or \
                spacer in site
        ot = d.offtarget
        assert ot is not None
        assert ot.engine == "genome_search"
        assert len(ot.counts) == 5
        assert "not a whole genome" in ot.searched


def test_gene_addition_oversize_reports_the_numbers(dmd_del_run) -> None:
    res = dmd_del_run.result("gene_addition")
    assert res.status == "nothing_found"
    assert "11,058-nt CDS does not fit ssAAV" in res.reason
    (item,) = res.designs
    cas = item.cassette
    assert cas is not None
    assert not cas.codon_optimized
    assert cas.margin < 0
    assert len(res.records[0].seq) == cas.packaged_length


def test_small_cds_gets_an_optimised_cassette_that_fits(cstb_run) -> None:
    res = cstb_run.result("gene_addition")
    assert res.status == "designed"
    cas = res.designs[0].cassette
    assert cas.codon_optimized
    assert cas.fits
    assert cas.margin > 0
    assert len(res.records[0].seq) == cas.packaged_length


def test_reference_says_the_embedded_pack_is_not_a_whole_genome(dmd_del_run) -> None:
    ref = dmd_del_run.reference
    assert ref.kind == "embedded"
    assert not ref.whole_genome
    assert "not a whole genome" in ref.description
    # the searched sequences: every record of the pack but its mRNA records
    recs = dmd_del_run.gene.genome.records()
    assert ref.excluded
    assert ref.total_bp == sum(n for r, n in recs.items() if r not in ref.excluded)
    assert ref.records == len(recs) - len(ref.excluded)
    assert "mRNA records are not searched" in ref.description


def test_unknown_gene_runs_to_the_end_with_reasons(unknown_run) -> None:
    run = unknown_run
    assert run.gene is None
    assert run.gene_error is not None
    assert run.gene_error.exit_status == 4
    assert "not in the gene pack" in run.gene_reason
    assert all(r.status == "not_run" for r in run.results)


def _ctx(gene: str, variant: str | None = None) -> tuple[_Context, object, object]:
    from genetx.catalog import load_catalog

    ctx = _Context(DesignRequest(gene, variant=variant), load_catalog())
    inp = gather(ctx)
    return ctx, inp, triage(inp, ctx.catalog)


def test_a_failing_capability_becomes_the_section_reason(monkeypatch) -> None:
    import genetx.skip.aso

    ctx, inp, tri = _ctx("DMD", "del ex45-50")

    def boom(*a: object, **k: object) -> None:
        raise RuntimeError("simulated designer bug")

    monkeypatch.setattr(genetx.skip.aso, "design_asos", boom)
    res = run_modality(ctx, tri.option("exon_skipping"), inp)
    assert res.status == "failed"
    assert "RuntimeError: simulated designer bug" in res.reason


def test_a_missing_capability_is_reported_unavailable(monkeypatch) -> None:
    import genetx.strategy.design as design

    ctx, inp, tri = _ctx("DMD", "del ex45-50")
    real = design.importlib.import_module

    def fake(name: str, *a: object) -> object:
        if name == "genetx.edit.exon_deletion":
            raise ImportError("No module named 'genetx.edit.exon_deletion'")
        return real(name, *a)

    monkeypatch.setattr(design.importlib, "import_module", fake)
    res = run_modality(ctx, tri.option("exon_deletion"), inp)
    assert res.status == "unavailable"
    assert "genetx.edit.exon_deletion" in res.reason


def _random(n: int, rng: random.Random) -> str:
    return "".join(rng.choice("ACGT") for _ in range(n))


def _mutate(seq: str, positions: list[int]) -> str:
    swap = {"A": "C", "C": "G", "G": "T", "T": "A"}
    out = list(seq)
    for p in positions:
        out[p] = swap[out[p]]
    return "".join(out)


def test_guide_offtargets_counts_planted_sites_and_skips_the_intended_one() -> None:
    from genetx.edit.scoring.offtarget import cfd_score, cfd_specificity
    from genetx.genome import InMemoryGenome

    rng = random.Random(7)
    guide = "GACGTTAGCCATGCAATCGT"
    one = _mutate(guide, [3])          # 1 mismatch, PAM-distal
    two = _mutate(guide, [5, 12])      # 2 mismatches
    parts = [_random(300, rng), guide + "AGG", _random(300, rng), one + "TGG",
             _random(300, rng), two + "CGG", _random(300, rng), guide + "AAG",
             _random(300, rng)]
    seq = "".join(parts)
    start = 300
    g = InMemoryGenome({"chrT": seq}, name="planted")
    sums, hits = guide_offtargets(
        g, {"g1": (guide, "SpCas9", (("chrT", start, start + 23),))}, max_mismatches=4)
    s = sums["g1"]
    # the exact NGG site is the intended one; the NAG copy is a 0-mismatch off-target (its MIT
    # score without the PAM factor, 100, is above CRISPOR's 1.0, so the alt-PAM rule keeps it)
    assert s.counts == (1, 1, 1, 0, 0)
    assert (hits["site_class"] == "on_target").sum() == 1
    on = hits[hits["site_class"] == "on_target"].iloc[0]
    assert (on["Start"], on["pam"]) == (start, "AGG")
    want = cfd_specificity([cfd_score(guide, one + "TGG"), cfd_score(guide, two + "CGG"),
                            cfd_score(guide, guide + "AAG")])
    assert s.cfd_specificity == want
    assert s.other_gene_exon_hits == ()


def test_guide_offtargets_labels_hits_in_other_genes_exons() -> None:
    import pandas as pd

    from genetx.genome import InMemoryGenome

    class _Annotation:  # exons_df / genes_df are what annotate_sites reads
        def exons_df(self) -> pd.DataFrame:
            return pd.DataFrame({"Chromosome": ["chrT"], "Start": [900], "End": [960],
                                 "gene_name": ["OTHER1"]})

        def genes_df(self) -> pd.DataFrame:
            return pd.DataFrame({"Chromosome": ["chrT"], "Start": [800], "End": [1000],
                                 "gene_name": ["OTHER1"]})

    rng = random.Random(11)
    guide = "TTGACCGATGCAGTACGGTA"
    seq = _random(300, rng) + guide + "AGG" + _random(600, rng)
    seq = seq[:910] + _mutate(guide, [2]) + "TGG" + seq[933:]
    g = InMemoryGenome({"chrT": seq}, name="planted")
    sums, _ = guide_offtargets(g, {"g1": (guide, "SpCas9", (("chrT", 300, 323),))},
                               max_mismatches=3, annotation=_Annotation(),
                               annotation_name="test", gene="TARGET")
    assert sums["g1"].counts[1] == 1
    assert sums["g1"].other_gene_exon_hits == ("OTHER1",)


@pytest.mark.parametrize("modality", ["base_editing", "prime_editing"])
def test_point_mutation_editing_designs_sit_on_the_variant(dmd_snv_run, modality) -> None:
    run = dmd_snv_run
    res = run.result(modality)
    assert res.status == "designed", res.reason
    v = run.variant
    for d in res.designs:
        chrom, s, e, _ = d.location
        assert chrom == v.chrom
        if modality == "base_editing":  # the base sits in the protospacer
            assert s <= v.start < e
        else:  # the edit lies 3' of the nick, within reach of a 40-nt RT template
            assert s - 40 <= v.start < e + 40
        assert d.offtarget is not None
        assert d.offtarget.engine == "genome_search"


def test_silencing_designs_pair_with_the_mrna_and_include_allele_specific_ones() -> None:
    ctx, inp, tri = _ctx("COL1A1", "c.607G>A")  # p.(Gly203Ser): dominant negative
    opt = tri.option("silencing")
    assert opt.verdict == "recommended"
    res = run_modality(ctx, opt, inp)
    assert res.status == "designed", res.reason
    g = ctx.genome
    for d in res.designs:
        chrom, s, e, strand = d.location
        target = g.fetch(chrom, s, e, strand).upper()
        if d.id.endswith("_allele"):
            assert "variant_guide_position" in d.properties
            continue
        # target_23 = 2 nt + 19-nt duplex + 2 nt; the 21-nt guide pairs with its first 21 nt
        assert d.sequence == reverse_complement(target[:21]).replace("T", "U")
        assert d.offtarget is not None
        assert d.offtarget.engine == "transcript_match"
    assert any(d.id.endswith("_allele") for d in res.designs)
    assert res.records  # shRNA cassettes


def test_reference_of_a_registered_genome_is_stated_as_such(tmp_path) -> None:
    from genetx.genome.genes import load_gene, pack_genome
    from genetx.genome.registry import register
    from genetx.strategy.design import describe_reference

    # a user genome: the CSTB region of chr21 written as a FASTA and registered by name
    rec = "chr21:43758155-43894067"
    seq = pack_genome().fetch(rec, 0, pack_genome().records()[rec])
    fa = tmp_path / "mine.fa"
    fa.write_text(f">{rec}\n" + "\n".join(seq[i:i + 60] for i in range(0, len(seq), 60)) + "\n")
    register("mine", fa)
    hit = load_gene("CSTB", genome="mine")
    ref = describe_reference(hit, "mine")
    assert ref.kind == "registered"
    assert ref.whole_genome
    assert "the registered genome 'mine'" in ref.description
    assert ref.total_bp == len(seq)
    embedded = describe_reference(load_gene("CSTB"), None)
    assert embedded.kind == "embedded"
    assert not embedded.whole_genome


def test_guide_offtargets_sets_aside_the_target_genes_other_records() -> None:
    from genetx.genome import InMemoryGenome

    rng = random.Random(5)
    guide = "CCATGGTACGTTAGCAGTCA"
    genome = InMemoryGenome({
        "chrT": _random(200, rng) + guide + "TGG" + _random(200, rng),
        "SELF_COPY": _random(50, rng) + guide + "AGG" + _random(50, rng),
        "OTHER": _random(50, rng) + _mutate(guide, [1]) + "GGG" + _random(50, rng),
    }, name="planted")
    sums, hits = guide_offtargets(
        genome, {"g1": (guide, "SpCas9", (("chrT", 200, 223),))}, max_mismatches=2,
        target_copies=frozenset({"SELF_COPY"}), gene="TARGET")
    s = sums["g1"]
    assert s.counts == (0, 1, 0)  # the copy of the target's own sequence is not counted
    assert set(hits.loc[hits["Chromosome"] == "SELF_COPY", "site_class"]) == {"target_copy"}
    assert set(hits.loc[hits["Chromosome"] == "OTHER", "site_class"]) == {"off_target"}
    assert "SELF_COPY" in s.note
    # no annotation: the hits are not labelled, and the summary says so
    assert not s.exons_labelled
    assert s.other_gene_exon_hits == ()


def test_design_and_skip_report_the_same_deletion_pair_offtargets(dmd_del_run) -> None:
    """``genetx skip`` and ``genetx design`` count a pair's off-targets the same way.

    Before the two commands shared the edit package's profile, DEL-ex51-1 had 1 off-target
    (4 mismatches) in ``skip`` and 6 in ``design``: five NAG/NGA sites whose MIT score
    without the PAM factor is at most 1.0 were counted by ``design`` only.
    """
    import json

    from tests.clirun import genetx

    r = genetx("skip", "DMD", "-v", "del ex45-50", "--no-aso", "--json")
    assert r.exit_code == 0, r.stderr
    strategy = json.loads(r.stdout)["strategies"][0]
    skip_pairs = {p["pair_id"]: p for p in strategy["deletion"]["pairs"]}
    res = dmd_del_run.result("exon_deletion")
    assert [d.id for d in res.designs] == list(skip_pairs)
    for d in res.designs:
        p = skip_pairs[d.id]
        a, b = (p[k]["offtargets"]["counts"] for k in ("guide_5prime", "guide_3prime"))
        assert list(d.offtarget.counts) == [x + y for x, y in zip(a, b, strict=True)]
    assert res.designs[0].id == "DEL-ex51-1"
    assert res.designs[0].offtarget.counts == (0, 0, 0, 0, 1)
    # the five alternative-PAM sites that design used to count (searched by hand with the
    # engine at NRG and NGA): each has an MIT score without the PAM factor of at most 1.0
    from genetx.edit.scoring import mit_score

    g5, g3 = "GTTAGAACTGAAACTTAGAG", "TTACCAAATGGATTACACTG"
    dropped = [(g5, "chrX", 31853510, "cTgAaAcCTGAAACTTAGAGCAG"),
               (g5, "chrX", 32096644, "GTTAGAAaatAAACTTAaAGTAG"),
               (g5, "chr21", 43855225, "aTgAGAACTGAAACTgAGgGAGA"),
               (g3, "chrX", 32307685, "TTACCAAAaGGtTTtCtCTGGAG"),
               (g3, "NG_009497.1", 564295, "cTACCAAAgGGAgTACAgTGGAG")]
    sites = res.tables["offtargets_exon_deletion"]
    for guide, chrom, start, site in dropped:
        assert mit_score(guide, site[:20].upper()) <= 1.0
        assert not ((sites["guide"] == guide) & (sites["Chromosome"] == chrom)
                    & (sites["Start"] == start)).any()
    kept = sites[(sites["guide"] == g5) & (sites["site_class"] == "off_target")]
    assert kept[["Chromosome", "Start", "mismatches", "pam"]].values.tolist() == [
        ["NG_012772.1", 46695, 4, "AGG"]]


def test_mrna_records_are_not_searched(dmd_del_run) -> None:
    from genetx.genome.genes import pack_manifest

    ref = dmd_del_run.reference
    entries = pack_manifest()["files"]["genepack.2bit"]["records"]
    mrna = sorted(r["name"] for r in entries if r.get("note") == "mRNA record")
    assert list(ref.excluded) == mrna
    for res in dmd_del_run.results:
        for name, table in res.tables.items():
            if name.startswith("offtargets_"):
                assert not table["Chromosome"].isin(mrna).any(), name
