"""``genetx guides``: outputs of each mode, and one stderr line per bad input."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from tests.clirun import genetx


@pytest.mark.slow
def test_knockout_writes_all_outputs(tmp_path) -> None:
    out = tmp_path / "ko"
    r = genetx("guides", "DMD", "--mode", "knockout", "--search-limit", "40", "--top", "3",
               "-o", str(out))
    assert r.exit_code == 0, r.stderr
    assert "off-targets searched in the embedded gene pack loci only" in r.stdout
    names = {p.name for p in out.iterdir()}
    assert {"guides.tsv", "guides.json", "guides.bed", "locus.gb", "primers.tsv"} <= names
    t = pd.read_csv(out / "guides.tsv", sep="\t", comment="#")
    assert len(t) == 40
    assert list(t["rank"]) == list(range(1, 41))
    assert {"exon", "percent_protein", "isoform_fraction", "out_of_frame", "cfd_specificity",
            "mm0", "tier", "score"} <= set(t.columns)
    assert (out / "guides.tsv").read_text().startswith("# GeneTx guides for DMD")
    d = json.loads((out / "guides.json").read_text())
    assert d["mode"] == "knockout"
    assert "embedded gene pack" in d["offtarget_scope"]
    assert len(d["guides"]) == 40
    bed = (out / "guides.bed").read_text().splitlines()
    assert bed[0].startswith("track")
    assert len(bed) == 41
    chrom, s, e, _name, _score, strand = bed[1].split("\t")
    assert chrom == "chrX"
    assert int(e) - int(s) == 23
    assert strand in "+-"
    from Bio import SeqIO

    rec = SeqIO.read(out / "locus.gb", "genbank")
    kinds = {f.type for f in rec.features}
    assert {"exon", "misc_feature", "primer_bind"} <= kinds
    # a guide feature's sequence is the guide's target (protospacer + PAM)
    f = next(f for f in rec.features if f.type == "misc_feature")
    row = t[t["guide_id"] == f.qualifiers["label"][0]].iloc[0]
    assert str(f.extract(rec.seq)) == row["target"]


def test_correct_mode_without_offtargets(tmp_path) -> None:
    out = tmp_path / "c"
    r = genetx("guides", "DMD", "--variant", "c.2665C>T", "--nuclease", "SpCas9",
               "--nuclease", "SpCas9-NG", "--no-offtargets", "--no-primers", "-o", str(out))
    assert r.exit_code == 0, r.stderr
    assert "base editing (ABE8e, chrX:g.32485057A>G)" in r.stdout
    assert "pegRNAs" in r.stdout
    assert "verified in silico" in r.stdout
    peg = pd.read_csv(out / "pegrnas.tsv", sep="\t", comment="#")
    assert peg["verified"].all()
    assert {"base_edits.tsv", "base_edit_outcomes.tsv", "nicking_guides.tsv"} <= {
        p.name for p in out.iterdir()}


def test_region_mode_by_exon() -> None:
    r = genetx("guides", "DMD", "--mode", "region", "--region", "exon 51", "--no-offtargets",
               "--no-primers", "--top", "2")
    assert r.exit_code == 0, r.stderr
    assert "mode region" in r.stdout
    assert "locus       chrX:" in r.stdout


@pytest.mark.parametrize(("args", "code", "start"), [
    (("guides", "DMD", "--nuclease", "Cas42"), 3,
     "genetx: error: nuclease 'Cas42': is not a known nuclease"),
    (("guides", "DMD", "--mode", "region", "--region", "chrX:32000001-32000010",
      "--nuclease", "SaCas9", "--no-offtargets"), 5,
     "genetx: error: chrX:32,000,001-32,000,010: has no SaCas9 site"),
    (("guides", "DMD", "--mode", "correct"), 3,
     "genetx: error: mode 'correct': needs --variant"),
    (("guides", "DMD", "--variant", "del ex45-50", "--no-offtargets"), 5,
     "genetx: error: del ex45-50: is an exon-level change"),
    (("guides", "DMD", "--mode", "sideways"), 3, "genetx: error: mode 'sideways'"),
    (("guides", "DMD", "--mode", "region", "--region", "exon 99"), 3,
     "genetx: error: region 'exon 99': NM_004006.2 has exons 1-79"),
    (("guides", "NOTAGENE"), 4, "genetx: error: NOTAGENE: not in the gene pack"),
])
def test_bad_input_one_line(args, code, start) -> None:
    r = genetx(*args)
    assert r.exit_code == code, (r.stdout, r.stderr)
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    assert lines[0].startswith(start), r.stderr


def test_unreachable_variant_for_the_chosen_editors() -> None:
    # a transversion with SpCas9 only: no base editor can revert it; prime editing and
    # nuclease guides still apply, and the output says why base editing is absent
    r = genetx("guides", "DMD", "--variant", "c.2665C>A", "--nuclease", "SpCas9",
               "--no-offtargets", "--no-primers")
    assert r.exit_code == 0, r.stderr
    assert "note        base editing: reverting T>G is a transversion" in r.stdout


def test_offtargets_on_a_given_genome(shared_data, tmp_path) -> None:
    fa = (shared_data / "genomes/human/"
          "GRCh38_chrX_31117221-33344609.DMD_locus.mutalyzer_UD_139262478721.fa.gz")
    r = genetx("guides", "DMD", "--genome", str(fa), "--search-limit", "10", "--no-primers",
               "-o", str(tmp_path))
    assert r.exit_code == 0, r.stderr
    assert "off-targets searched in genome 'GRCh38_chrX_31117221-33344609" in r.stdout
    t = pd.read_csv(tmp_path / "guides.tsv", sep="\t", comment="#")
    assert t["on_target"].all()
