"""``genetx gene``: the README's main command, user files, bad input (exit code + one line)."""

from __future__ import annotations

import json
from pathlib import Path

from genetx.errors import ExitStatus
from tests.clirun import genetx


def _one_line(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    return lines[0]


def test_gene_dmd() -> None:
    r = genetx("gene", "DMD")
    assert r.exit_code == 0, r.stderr
    out = r.stdout
    assert "chrX:31,117,221-33,344,609" in out  # the pack's DMD locus record
    assert "(- strand)" in out
    assert "NM_004006.2" in out
    assert "exons:       79" in out
    assert "CDS:         11,058 nt" in out
    assert "protein:     3,685 aa" in out
    # the exon table: 79 rows, exon 1 holds c.1-31, exon 79 ends the CDS at c.11058
    rows = [line.split() for line in out.splitlines()
            if line.strip() and line.split()[0].isdigit() and len(line.split()) == 6]
    assert [int(x[0]) for x in rows] == list(range(1, 80))
    assert rows[0][4] == "1-31"
    assert rows[-1][4] == "11047-11058"


def test_gene_show_json() -> None:
    r = genetx("gene", "show", "DMD", "--json")
    assert r.exit_code == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["strand"] == "-"
    assert data["chrom"] == "chrX"
    assert data["genome"]["record"] == "chrX:31117221-33344609"
    t = data["transcript"]
    assert (t["id"], t["exons"], t["cds_nt"], t["protein_aa"]) == ("NM_004006.2", 79, 11058,
                                                                   3685)
    coding = sum(x["cds_end"] - x["cds_start"] + 1 for x in data["exon_table"]
                 if x["cds_start"] is not None)
    assert coding == 11058
    assert sum(x["chosen"] for x in data["transcripts"]) == 1


def test_gene_transcript_option() -> None:
    r = genetx("gene", "DMD", "--transcript", "NM_004015")
    assert r.exit_code == 0, r.stderr
    assert "NM_004015.2 (chosen with --transcript)" in r.stdout  # Dp71


def test_gene_chr21() -> None:
    r = genetx("gene", "CSTB")
    assert r.exit_code == 0, r.stderr
    assert "chr21:43,772,512-43,776,445" in r.stdout
    assert "protein:     98 aa" in r.stdout


def test_gene_list() -> None:
    r = genetx("gene", "list")
    assert r.exit_code == 0
    lines = {line.split()[0]: line for line in r.stdout.splitlines()[2:] if line.strip()}
    assert "genomic" in lines["DMD"]
    assert "sequence only" in lines["CFTR"]
    assert "mRNA record" in lines["F8"]


def test_gene_user_files(tmp_path: Path) -> None:
    from genetx.genome.genes import gff3_lines, load_gene

    pack = load_gene("CSTB")
    gff = tmp_path / "cstb.gff3"
    gff.write_text("\n".join(gff3_lines([pack.gene])) + "\n")
    seq = pack.genome.fetch("chr21", 43770000, 43780000)
    fa = tmp_path / "cstb.fa"
    fa.write_text(">chr21:43770001-43780000\n" + seq + "\n")
    r = genetx("gene", "CSTB", "--annotation", str(gff), "--genome", str(fa))
    assert r.exit_code == 0, r.stderr
    assert str(gff) in r.stdout
    assert "protein:     98 aa" in r.stdout


def test_unknown_gene() -> None:
    r = genetx("gene", "NOTAGENE1")
    assert r.exit_code == ExitStatus.UNKNOWN_GENE == 4
    line = _one_line(r.stderr)
    assert "NOTAGENE1" in line
    assert "--annotation FILE --genome NAME" in line


def test_unknown_gene_close_match() -> None:
    r = genetx("gene", "DMDX")
    assert r.exit_code == 4
    assert "close matches: DMD" in _one_line(r.stderr)


def test_unknown_transcript() -> None:
    r = genetx("gene", "DMD", "--transcript", "NM_000000.1")
    assert r.exit_code == 4
    line = _one_line(r.stderr)
    assert "NM_000000.1" in line
    assert "NM_004006.2" in line


def test_sequence_only_gene() -> None:
    r = genetx("gene", "CFTR")
    assert r.exit_code == 4
    assert "only sequence" in _one_line(r.stderr)


def test_missing_annotation_file(tmp_path: Path) -> None:
    r = genetx("gene", "DMD", "--annotation", str(tmp_path / "missing.gff3"))
    assert r.exit_code == ExitStatus.BAD_INPUT
    assert "missing.gff3" in _one_line(r.stderr)


def test_unregistered_genome_name() -> None:
    r = genetx("gene", "DMD", "--genome", "no_such_genome")
    assert r.exit_code == ExitStatus.MISSING_DATA
    assert "no_such_genome" in _one_line(r.stderr)


def test_gene_help_lists_subcommands() -> None:
    r = genetx("gene", "--help")
    assert r.exit_code == 0
    for sub in ("show", "list", "fetch"):
        assert sub in r.stdout
