"""Fetching genes from Ensembl REST and NCBI E-utilities, with recorded answers (no network).

The answers in tests/genome/recorded/ are described in its README: the Ensembl ones are
synthesised from the Ensembl GFF3 and GRCh38 sequence of shared/data, the NCBI ones are real
GenBank records. The fetched models are compared with the gene pack's models, which were built
from other files by other code (the GFF3 reader, the build script's GenBank extraction).
"""

from __future__ import annotations

import copy
import gzip
import json
from pathlib import Path

import pytest

from genetx.errors import BadInputError, MissingDataError, UnknownGeneError
from genetx.genome import fetch
from genetx.genome.genes import cached_genes, load_gene
from genetx.settings import settings
from tests.clirun import genetx

REC = Path(__file__).resolve().parent / "recorded"
LOOKUP_URL = "https://rest.ensembl.org/lookup/symbol/homo_sapiens/"
SEQ_URL = "https://rest.ensembl.org/sequence/region/homo_sapiens/21:43767512..43781445:1"
EFETCH_URL = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/efetch.fcgi"


class Recorded:
    """Stands in for :func:`genetx.genome.fetch.http_get`; fails on any unexpected URL."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, str] | None]] = []
        self.lookup = (REC / "ensembl_lookup_CSTB.json").read_text()

    def __call__(self, url: str, params: dict[str, str] | None = None, *,
                 accept: str = "application/json") -> tuple[int, str]:
        self.calls.append((url, params))
        if url == LOOKUP_URL + "CSTB":
            assert params is not None
            assert params["expand"] == "1"
            return 200, self.lookup
        if url.startswith(LOOKUP_URL):
            sym = url.rsplit("/", 1)[1]
            return 400, json.dumps({"error": f"No valid lookup found for symbol {sym}"})
        if url == SEQ_URL:
            return 200, (REC / "ensembl_sequence_CSTB.json").read_text()
        if url == EFETCH_URL:
            assert params is not None
            assert params["db"] == "nuccore"
            path = REC / f"ncbi_efetch_{params['id']}.gb.gz"
            if path.is_file():
                with gzip.open(path, "rt") as fh:
                    return 200, fh.read()
            return 400, "Error: F a i l e d  t o  u n d e r s t a n d  i d"
        raise AssertionError(f"unexpected request {url} {params}")


@pytest.fixture
def online(monkeypatch: pytest.MonkeyPatch) -> Recorded:
    """Pretend to be online, answering from the recorded files."""
    rec = Recorded()
    monkeypatch.setattr(settings, "offline", False)
    monkeypatch.setattr(fetch, "http_get", rec)
    return rec


# -------------------------------------------------------------------------------- Ensembl


def test_fetch_ensembl_writes_cache_and_matches_pack(online: Recorded) -> None:
    res = fetch.fetch_gene("CSTB")
    assert res.service == "Ensembl REST"
    assert res.record == "chr21:43767512-43781445"
    for name in ("model.gff3", "sequence.2bit", "meta.json"):
        assert (res.folder / name).is_file()
    meta = json.loads((res.folder / "meta.json").read_text())
    assert meta["symbol"] == "CSTB"
    assert meta["urls"][1] == SEQ_URL
    assert "CSTB" in cached_genes()
    fetched = load_gene("CSTB", annotation=res.annotation_path, genome=res.genome_path)
    pack = load_gene("CSTB")
    assert fetched.transcript.id == pack.transcript.id == "ENST00000291568.5"
    assert "Ensembl_canonical" in fetched.transcript.tags
    assert fetched.transcript.exons == pack.transcript.exons
    assert fetched.transcript.cds == pack.transcript.cds
    assert fetched.transcript.protein(fetched.genome) == pack.transcript.protein(pack.genome)
    assert {t.id for t in fetched.gene.transcripts} == {t.id for t in pack.gene.transcripts}


def test_translation_without_stop_codon_is_extended() -> None:
    data = json.loads((REC / "ensembl_lookup_CSTB.json").read_text())
    tx = data["Transcript"][0]
    full = fetch.ensembl_transcript(tx, "CSTB", "chr21", "ENSG00000160213")
    bare = copy.deepcopy(tx)
    bare["Translation"]["start"] += 3  # minus strand: the stop codon is at the low end
    cut = fetch.ensembl_transcript(bare, "CSTB", "chr21", "ENSG00000160213")
    assert cut.cds == full.cds
    assert full.cds_length == 3 * (tx["Translation"]["length"] + 1)


def test_unknown_symbol_from_ensembl(online: Recorded) -> None:
    with pytest.raises(UnknownGeneError, match="not found in Ensembl"):
        fetch.fetch_gene("NOTAGENE1")
    assert not (settings.genes_dir / "NOTAGENE1").exists()


def test_server_error_is_missing_data(online: Recorded, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fetch, "http_get", lambda url, params=None, accept="": (503, "busy"))
    with pytest.raises(MissingDataError, match="HTTP 503"):
        fetch.fetch_gene("CSTB")


# ----------------------------------------------------------------------------------- NCBI


def test_fetch_ncbi_mrna_record(online: Recorded) -> None:
    res = fetch.fetch_gene("NM_000088.3")
    assert res.service == "NCBI E-utilities"
    assert (res.folder / "record.gb").is_file()
    assert res.gene.symbol == "COL1A1"
    t = res.gene.transcripts[0]
    pack = load_gene("COL1A1").transcript
    assert (t.exons, t.cds) == (pack.exons, pack.cds)
    hit = load_gene("COL1A1", annotation=res.annotation_path, genome=res.genome_path)
    assert hit.transcript.protein(hit.genome) == pack.protein(load_gene("COL1A1").genome)


def test_fetch_ncbi_refseqgene_record(online: Recorded) -> None:
    res = fetch.fetch_gene("NG_009105.1")
    assert res.gene.symbol == "OPN1LW"
    hit = load_gene("OPN1LW", annotation=res.annotation_path, genome=res.genome_path)
    pack = load_gene("OPN1LW")
    assert hit.transcript.id == pack.transcript.id == "NM_020061.4"
    assert hit.transcript.exons == pack.transcript.exons
    assert hit.transcript.protein(hit.genome) == pack.transcript.protein(pack.genome)
    assert len(pack.transcript.protein(pack.genome)) == 364  # UniProt P04000, red opsin


def test_cache_is_consulted_for_genes_not_in_the_pack(
        online: Recorded, shared_data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """NM_004006.1 (the older DMD record) is not in the pack; once fetched it resolves."""
    with gzip.open(shared_data / "genes/genbank/NM_004006.1.gb.gz", "rt") as fh:
        text = fh.read()
    orig = fetch.http_get

    def answer(url: str, params: dict[str, str] | None = None, *,
               accept: str = "application/json") -> tuple[int, str]:
        if params and params.get("id") == "NM_004006.1":
            return 200, text
        return orig(url, params, accept=accept)

    monkeypatch.setattr(fetch, "http_get", answer)
    with pytest.raises(UnknownGeneError):
        load_gene("NM_004006.1")
    fetch.fetch_gene("NM_004006.1")
    hit = load_gene("NM_004006.1")
    assert hit.origin == "cache"
    assert hit.gene.symbol == "DMD"
    assert (hit.transcript.id, hit.transcript.exon_count) == ("NM_004006.1", 79)
    assert len(hit.transcript.protein(hit.genome)) == 3685


def test_unknown_accession(online: Recorded) -> None:
    with pytest.raises(UnknownGeneError, match="not found in NCBI"):
        fetch.fetch_gene("NM_999999999.1")


# -------------------------------------------------------------------- offline and failures


def test_offline_fails_in_one_line_with_the_way_out() -> None:
    assert settings.offline  # the test suite runs with GENETX_OFFLINE=1
    with pytest.raises(MissingDataError) as exc:
        fetch.fetch_gene("CSTB")
    text = str(exc.value)
    assert "\n" not in text
    assert "--annotation FILE --genome NAME" in text
    assert not (settings.genes_dir / "CSTB").exists()


def test_connection_error_is_missing_data(monkeypatch: pytest.MonkeyPatch) -> None:
    requests = pytest.importorskip("requests")

    def refuse(*args: object, **kwargs: object) -> None:
        raise requests.ConnectionError("no route to host")

    monkeypatch.setattr(settings, "offline", False)
    monkeypatch.setattr(requests, "get", refuse)
    with pytest.raises(MissingDataError, match="cannot reach"):
        fetch.fetch_gene("CSTB")


@pytest.mark.parametrize("query", ["a/b", "", "bad symbol!"])
def test_bad_query(query: str) -> None:
    with pytest.raises(BadInputError):
        fetch.fetch_gene(query)


# --------------------------------------------------------------------------------- the CLI


def test_cli_fetch_offline() -> None:
    r = genetx("gene", "fetch", "CSTB")
    assert r.exit_code == 6
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "genetx gene SYMBOL --annotation FILE --genome NAME" in lines[0]


def test_cli_fetch_and_list(online: Recorded) -> None:
    r = genetx("gene", "fetch", "CSTB", "--flank", "5000")
    assert r.exit_code == 0, r.stderr
    assert "fetched CSTB" in r.stdout
    assert "Ensembl REST" in r.stdout
    assert "--annotation" in r.stdout  # CSTB is also in the pack, which stays the default
    r = genetx("gene", "list")
    assert r.exit_code == 0
    assert "Fetched (1" in r.stdout
    assert "CSTB" in r.stdout


def test_cli_fetch_unknown(online: Recorded) -> None:
    r = genetx("gene", "fetch", "NOTAGENE1")
    assert r.exit_code == 4
    assert len(r.stderr.strip().splitlines()) == 1
