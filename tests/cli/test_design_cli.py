"""``genetx design``: the report folder, the summary, and one stderr line per bad input."""

from __future__ import annotations

import json
from pathlib import Path

from tests.clirun import genetx


def _one_line(err: str) -> str:
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1, err
    return lines[0]


def test_design_dmd_deletion_writes_the_report(tmp_path: Path) -> None:
    out = tmp_path / "dmd"
    r = genetx("design", "DMD", "--variant", "del ex45-50", "-o", str(out), "--no-figures")
    assert r.exit_code == 0, r.stderr
    assert "exon_skipping" in r.stdout
    assert "recommended" in r.stdout
    assert "loci only" in r.stdout  # the embedded pack is not a whole genome
    for name in ("report.html", "design.json", "designs.tsv", "designs.bed"):
        assert (out / name).is_file(), name
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "figures were not requested" in html


def test_design_json_summary(tmp_path: Path) -> None:
    r = genetx("design", "CSTB", "-o", str(tmp_path / "c"), "--no-figures", "--json")
    assert r.exit_code == 0, r.stderr
    doc = json.loads(r.stdout)
    first = doc["triage"]["options"][0]
    assert first["modality"] == "gene_addition"
    assert first["verdict"] == "recommended"
    assert any(f.endswith("report.html") for f in doc["files"])


def test_unknown_gene_writes_a_report_and_exits_with_its_status(tmp_path: Path) -> None:
    out = tmp_path / "x"
    r = genetx("design", "NOSUCHGENE1", "-o", str(out), "--no-figures")
    assert r.exit_code == 4
    line = _one_line(r.stderr)
    assert "NOSUCHGENE1" in line
    assert "report" in line
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "No gene model for NOSUCHGENE1" in html


def test_variant_that_cannot_be_placed(tmp_path: Path) -> None:
    out = tmp_path / "v"
    r = genetx("design", "DMD", "--variant", "del ex99", "-o", str(out), "--no-figures")
    assert r.exit_code == 3
    line = _one_line(r.stderr)
    assert "del ex99" in line
    assert "exon 99" in line
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "could not be placed" in html


def test_bad_mechanism_and_tissue_are_refused_before_any_work(tmp_path: Path) -> None:
    out = tmp_path / "m"
    r = genetx("design", "DMD", "--mechanism", "toxic", "-o", str(out))
    assert r.exit_code == 3
    assert "--mechanism" in _one_line(r.stderr)
    assert not out.exists()
    r = genetx("design", "DMD", "--tissue", "spleen", "-o", str(out))
    assert r.exit_code == 3
    assert "--tissue" in _one_line(r.stderr)


def test_output_path_that_is_a_file(tmp_path: Path) -> None:
    f = tmp_path / "file.txt"
    f.write_text("x")
    r = genetx("design", "CSTB", "-o", str(f), "--no-figures")
    assert r.exit_code == 3
    assert "not a folder" in _one_line(r.stderr)


def test_unregistered_genome_name(tmp_path: Path) -> None:
    r = genetx("design", "DMD", "--genome", "hg38", "-o", str(tmp_path / "g"), "--no-figures")
    assert r.exit_code == 6  # missing data: the report says so and the command fails
    assert "hg38" in _one_line(r.stderr)
