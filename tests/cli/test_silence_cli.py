"""``genetx silence``: TSV/JSON/GenBank output, a user transcriptome, bad input (exit + one line).

Truth: NM_004992.3 (MECP2) is 10,241 nt, so it has 10,241 - 23 + 1 = 10,219 siRNA windows and
10,241 - 20 + 1 = 10,222 gapmer windows (it holds no N); c.473 lies at mRNA position
226 + 473 = 699 (226-nt 5' UTR); a transcriptome that holds the MECP2 mRNA under another gene
name gives every siRNA exactly one perfect guide-side off-target, and none when it carries the
name MECP2 (the target's own transcripts are left out).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from Bio import SeqIO

from genetx.errors import ExitStatus
from tests.clirun import genetx


def _one_line(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    return lines[0]


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open() as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


@pytest.fixture(scope="module")
def mecp2_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict, str]:
    out = tmp_path_factory.mktemp("silence") / "out"
    r = genetx("silence", "MECP2", "--json", "--top", "5", "-o", str(out))
    assert r.exit_code == 0, r.stderr
    return out, json.loads(r.stdout), r.stdout


def test_files_and_json(mecp2_run: tuple[Path, dict, str]) -> None:
    out, data, _ = mecp2_run
    assert data["transcript"] == "NM_004992.3"
    assert data["mrna_length"] == 10241
    assert json.loads((out / "silence.json").read_text()) == data
    rows = _rows(out / "sirna_candidates.tsv")
    assert len(rows) == 10241 - 23 + 1
    cols = set(rows[0])
    assert cols >= {"reynolds", "reynolds_gc", "reynolds_au_15_19", "reynolds_no_hairpin",
                    "uitei", "uitei_au_guide_1_7", "amarzguioui", "amarzguioui_asymmetry",
                    "end_asymmetry_ddg", "seed_tm_guide", "seed_tm_passenger",
                    "seed_transcripts_guide", "seed_transcripts_guide_utr3",
                    "seed_transcripts_passenger", "offtarget_guide_mm0", "offtarget_guide_mm1",
                    "offtarget_guide_mm2", "offtarget_passenger_mm0", "offtarget_passenger_mm2",
                    "gc_in_bounds", "immune_motifs", "passes_filters"}
    assert [r["id"] for r in rows[:5]] == [r["id"] for r in data["sirna"]["top"]]
    assert data["sirna"]["summary"]["excluded_transcripts"] >= 1
    gaps = _rows(out / "gapmer_candidates.tsv")
    assert len(gaps) == 10241 - 20 + 1
    assert {"gapmer", "gc_percent", "cpg_in_gap", "offtarget_mm0"} <= set(gaps[0])
    assert "Reynolds et al. 2004" in data["rules"]["reynolds"]["name"]
    gbs = sorted(out.glob("shrna_*.gb"))
    assert len(gbs) == 1
    rec = SeqIO.read(gbs[0], "genbank")
    top = rows[0]
    sense19 = top["target_23"][2:21]
    assert sense19 in str(rec.seq)
    assert {f.type for f in rec.features} >= {"promoter", "terminator", "misc_RNA"}


def test_text_with_variant(tmp_path: Path) -> None:
    out = tmp_path / "o"
    r = genetx("silence", "MECP2", "--variant", "c.473C>T", "--top", "3", "-o", str(out))
    assert r.exit_code == 0, r.stderr
    assert "mRNA position 699 C>T" in r.stdout
    assert "19 allele-specific candidates" in r.stdout
    rows = _rows(out / "allele_specific_sirnas.tsv")
    assert len(rows) == 19
    assert {r["mismatch_vs_normal"] for r in rows} == {"A:C"}
    assert {r["id"] for r in rows} == {f"as{p}" for p in range(699 - 18, 700)}
    assert len(list(out.glob("shrna_*.gb"))) == 2


def test_shrna_from(tmp_path: Path) -> None:
    r = genetx("silence", "MECP2", "--variant", "c.473C>T", "--shrna-from", "as692",
               "--shrna-from", "si1516", "--promoter", "H1", "-o", str(tmp_path), "--top", "1")
    assert r.exit_code == 0, r.stderr
    recs = {p.name: SeqIO.read(p, "genbank") for p in tmp_path.glob("shrna_*.gb")}
    assert set(recs) == {"shrna_shRNA_as692.gb", "shrna_shRNA_si1516.gb"}
    rows = {x["id"]: x for x in _rows(tmp_path / "allele_specific_sirnas.tsv")}
    sense = rows["as692"]["target_23"][2:21]
    assert sense in str(recs["shrna_shRNA_as692.gb"].seq)
    assert "T" == sense[699 - 692]  # the mutant base (c.473C>T) sits in the sense stem


def test_user_transcriptome(tmp_path: Path, mecp2_run: tuple[Path, dict, str]) -> None:
    from genetx.genome.genes import load_gene

    hit = load_gene("MECP2")
    mrna = hit.transcript.spliced_sequence(hit.genome)
    other = "ACGT" * 30
    for gene, expect in (("DECOY", 1), ("MECP2", 0)):
        fa = tmp_path / f"{gene}.fa"
        fa.write_text(f">ENST1.1|ENSG1.1|-|-|X-201|{gene}|{len(mrna)}|protein_coding|\n{mrna}\n"
                      f">ENST2.1|ENSG2.1|-|-|Y-201|OTHER|120|protein_coding|\n{other}\n")
        out = tmp_path / f"o_{gene}"
        r = genetx("silence", "MECP2", "--transcriptome", str(fa), "-o", str(out), "--top", "1")
        assert r.exit_code == 0, r.stderr
        rows = _rows(out / "sirna_candidates.tsv")
        assert {int(x["offtarget_guide_mm0"]) for x in rows} == {expect}


def _tiny(tmp_path: Path) -> tuple[Path, Path]:
    fa = tmp_path / "tiny.fa"
    fa.write_text(">chrT\n" + "ACGTACGTAC" * 10 + "\n")
    gff = tmp_path / "tiny.gff3"
    gff.write_text("##gff-version 3\n"
                   "chrT\ttest\tgene\t11\t25\t.\t+\t.\tID=gene:TINY;Name=TINY\n"
                   "chrT\ttest\ttranscript\t11\t25\t.\t+\t.\tID=transcript:TINY-1;"
                   "Parent=gene:TINY;Name=TINY-1\n"
                   "chrT\ttest\texon\t11\t25\t.\t+\t.\tParent=transcript:TINY-1\n")
    return fa, gff


@pytest.mark.parametrize(("args", "code", "text"), [
    (["NOSUCHGENE1"], ExitStatus.UNKNOWN_GENE, "NOSUCHGENE1: not in the gene pack"),
    (["MECP2", "--variant", "c.378-5C>A"], ExitStatus.BAD_INPUT,
     "c.378-5C>A: lies outside the mRNA of NM_004992.3"),
    (["MECP2", "--variant", "c.100del"], ExitStatus.BAD_INPUT,
     "c.100del: is a deletion; allele-specific siRNA design handles substitutions only"),
    (["MECP2", "--gc", "60-30"], ExitStatus.BAD_INPUT, "--gc 60-30: bounds must satisfy"),
    (["MECP2", "--gapmer", "5-2-5"], ExitStatus.BAD_INPUT,
     "5-2-5: GeneTx accepts gapmers with a DNA gap of at least 5 nt"),
    (["MECP2", "--promoter", "7SK"], ExitStatus.BAD_INPUT, "--promoter 7SK: must be U6, H1"),
    (["MECP2", "--transcriptome", "/nonexistent/tx.fa"], ExitStatus.BAD_INPUT,
     "/nonexistent/tx.fa: transcriptome file not found"),
    (["MECP2", "--shrna-from", "si1"], ExitStatus.BAD_INPUT,
     "si1: is not a candidate of NM_004992.3"),
    # si8485 (GCCTCCTTTCCGTTTGATTT...) gives a hairpin with TTTTT: Pol III would stop early
    (["MECP2", "--shrna-from", "si8485"], ExitStatus.INFEASIBLE,
     "si8485: the hairpin holds TTTTT at hairpin position 17"),
])
def test_bad_input(args: list[str], code: int, text: str) -> None:
    r = genetx("silence", *args)
    assert r.exit_code == code, (r.stdout, r.stderr)
    line = _one_line(r.stderr)
    assert line.startswith("genetx: error: ")
    assert text in line


def test_bad_transcriptome_letters(tmp_path: Path) -> None:
    fa = tmp_path / "bad.fa"
    fa.write_text(">ok\nACGTACGT\n>bad\nACGT\nAC*GT\n")
    r = genetx("silence", "MECP2", "--transcriptome", str(fa))
    assert r.exit_code == ExitStatus.BAD_INPUT
    line = _one_line(r.stderr)
    assert f"{fa}: line 3: record 'bad': letter '*' at position 7 is not a nucleotide" in line


def test_corrupt_gzip_transcriptome(tmp_path: Path) -> None:
    import gzip

    fa = tmp_path / "tx.fa.gz"
    fa.write_bytes(gzip.compress(b">t1\nACGTACGTACGT\n")[:-12])  # truncated: EOFError
    r = genetx("silence", "MECP2", "--transcriptome", str(fa))
    assert r.exit_code == ExitStatus.BAD_INPUT, (r.exit_code, r.stderr)
    line = _one_line(r.stderr)
    assert line.startswith(f"genetx: error: {fa}: cannot be read: truncated or corrupt gzip")


def test_transcript_shorter_than_a_duplex(tmp_path: Path) -> None:
    fa, gff = _tiny(tmp_path)
    r = genetx("silence", "TINY", "--annotation", str(gff), "--genome", str(fa))
    assert r.exit_code == ExitStatus.BAD_INPUT, (r.stdout, r.stderr)
    line = _one_line(r.stderr)
    assert "TINY-1: is 15 nt long; a design needs at least 23 nt" in line
