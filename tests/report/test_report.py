"""The report folder: self-contained HTML, JSON of everything, design files that parse."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from genetx.report.export import write_report
from genetx.safety.dossier import build_dossiers

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(os.environ.get("GENETX_TEST_ARTIFACTS", REPO / "test-artifacts"))


@pytest.fixture(scope="module")
def dmd_report(dmd_del_run, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dmd-report")
    write_report(dmd_del_run, build_dossiers(dmd_del_run), out)
    return out


def test_files_are_written(dmd_report: Path) -> None:
    names = {p.name for p in dmd_report.iterdir()}
    for want in ("report.html", "design.json", "designs.tsv", "triage.tsv", "designs.bed",
                 "aso_candidates.tsv", "DMD_target_region.gb"):
        assert want in names, want
    assert any(n.endswith(".gb") and n.startswith("gene_addition") for n in names)


def test_html_is_self_contained(dmd_report: Path) -> None:
    html = (dmd_report / "report.html").read_text(encoding="utf-8")
    assert "<script" not in html
    assert "<link" not in html
    assert not re.search(r'src="(?!data:)', html), "a resource is loaded from outside"
    assert len(re.findall(r'src="data:image/png;base64,', html)) >= 4


def test_html_states_the_reference_searched(dmd_report: Path) -> None:
    html = (dmd_report / "report.html").read_text(encoding="utf-8")
    assert "Reference searched for off-targets" in html
    assert "NOT a whole genome" in html
    assert "embedded GeneTx gene pack" in html


def test_every_citation_links_to_a_reference(dmd_report: Path) -> None:
    html = (dmd_report / "report.html").read_text(encoding="utf-8")
    cited = set(re.findall(r'href="#ref-(\d+)"', html))
    anchors = set(re.findall(r'id="ref-(\d+)"', html))
    assert cited
    assert cited == anchors
    assert "no entry in the loaded source tables" not in html


def test_every_modality_has_a_section(dmd_report: Path, dmd_del_run) -> None:
    html = (dmd_report / "report.html").read_text(encoding="utf-8")
    for o in dmd_del_run.triage.options:
        assert f'id="m-{o.modality}"' in html
        assert dmd_del_run.result(o.modality).reason.split(":")[0] in html


def test_json_holds_everything_with_resolved_sources(dmd_report: Path) -> None:
    doc = json.loads((dmd_report / "design.json").read_text(encoding="utf-8"))
    for key in ("request", "gene", "variant", "skip_plan", "triage", "results", "dossiers",
                "references", "offtarget_reference"):
        assert doc.get(key) is not None, key
    assert doc["unresolved_sources"] == []
    assert doc["offtarget_reference"]["whole_genome"] is False
    keys = {r["key"] for r in doc["references"]}
    assert "safety:SABATINO-2022" in keys


def test_bed_and_genbank_parse(dmd_report: Path, dmd_del_run) -> None:
    from Bio import SeqIO

    lines = (dmd_report / "designs.bed").read_text().splitlines()
    assert lines[0].startswith("track")
    rows = [ln.split("\t") for ln in lines[1:]]
    assert all(len(r) == 6 and int(r[1]) < int(r[2]) for r in rows)
    assert any(r[3].startswith("variant:") for r in rows)
    region = SeqIO.read(dmd_report / "DMD_target_region.gb", "genbank")
    labels = {f.qualifiers.get("label", [""])[0] for f in region.features}
    aso = dmd_del_run.result("exon_skipping").designs[0]
    assert aso.id in labels
    feat = next(f for f in region.features if f.qualifiers.get("label") == [aso.id])
    # the feature's sequence, read on its strand, is the ASO's target (reverse complement)
    from genetx.core.seq import reverse_complement

    assert str(feat.extract(region.seq)) == reverse_complement(aso.sequence)
    for p in dmd_report.glob("gene_addition_*.gb"):
        rec = SeqIO.read(p, "genbank")
        assert len(rec.seq) == dmd_del_run.result("gene_addition").designs[0] \
            .cassette.packaged_length


def test_tsv_tables_have_their_rows(dmd_report: Path, dmd_del_run) -> None:
    import pandas as pd

    designs = pd.read_csv(dmd_report / "designs.tsv", sep="\t")
    n = sum(len(r.designs) for r in dmd_del_run.results)
    assert len(designs) == n
    tri = pd.read_csv(dmd_report / "triage.tsv", sep="\t")
    assert list(tri["rank"]) == list(range(1, len(tri) + 1))


def test_unknown_gene_report_says_so(unknown_run, tmp_path: Path) -> None:
    paths = write_report(unknown_run, build_dossiers(unknown_run), tmp_path / "out")
    html = paths[0].read_text(encoding="utf-8")
    assert "No gene model for NOSUCHGENE1" in html
    assert "not in the gene pack" in html
    assert html.count('class="badge s-not_run"') >= 8  # one badge per modality at least


def test_output_path_that_is_a_file_is_refused(dmd_del_run, tmp_path: Path) -> None:
    from genetx.errors import BadInputError

    f = tmp_path / "taken"
    f.write_text("x")
    with pytest.raises(BadInputError, match="not a folder"):
        write_report(dmd_del_run, {}, f)


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


def test_report_renders_in_a_headless_browser(dmd_report: Path, tmp_path: Path) -> None:
    exe = _chromium()
    if exe is None:
        pytest.skip("no chromium binary on PATH (Debian: apt-get install chromium); the "
                    "headless rendering check needs one")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / "design_report_DMD_del_ex45-50.png"
    if shot.exists():
        shot.unlink()
    cmd = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
           "--disable-component-update", "--no-first-run", f"--user-data-dir={tmp_path / 'p'}",
           "--window-size=1280,4000", f"--screenshot={shot}",
           (dmd_report / "report.html").resolve().as_uri()]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert shot.is_file()
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width = int.from_bytes(data[16:20], "big")
    height = int.from_bytes(data[20:24], "big")
    assert (width, height) == (1280, 4000)
    # a blank page compresses to a few kB; the rendered report (text, tables, figures) does not
    assert len(data) > 100_000, f"screenshot only {len(data)} bytes: the page rendered blank?"
