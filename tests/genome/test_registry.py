"""Genome registry: register, list, remove, resolve and open_genome by name or path."""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path

import pytest

from genetx.errors import BadInputError, MalformedFileError, MissingDataError
from genetx.genome import InMemoryGenome
from genetx.genome import open_genome as lazy_open_genome
from genetx.genome.fasta import FastaGenome
from genetx.genome.registry import (
    genome_format,
    get,
    list_genomes,
    open_genome,
    register,
    registry_path,
    remove,
    resolve,
)
from genetx.genome.twobit import TwoBitGenome, write_twobit
from genetx.settings import settings

RECS = {"chr1": "ACGTNNNNacgtACGT", "chrX:101-108": "GGGGCCCC"}


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    tb = tmp_path / "g.2bit"
    write_twobit(tb, RECS)
    fa = tmp_path / "g.fa.gz"
    text = "".join(f">{k}\n{v}\n" for k, v in RECS.items())
    fa.write_bytes(gzip.compress(text.encode()))
    return {"2bit": tb, "fasta": fa}


def test_registry_lives_under_the_settings_data_dir() -> None:
    assert registry_path() == settings.data_dir / "genomes" / "registry.json"
    assert list_genomes() == []


@pytest.mark.parametrize("fmt", ["2bit", "fasta"])
def test_register_list_open_remove(files, fmt) -> None:
    entry = register("mine", files[fmt])
    assert entry.format == fmt
    assert entry.records == 2
    assert entry.total_bp == sum(len(v) for v in RECS.values())
    assert entry.path == str(files[fmt].resolve())
    assert entry.fingerprint == "sha256:" + hashlib.sha256(files[fmt].read_bytes()).hexdigest()
    on_disk = json.loads(registry_path().read_text())
    assert on_disk["genomes"]["mine"]["path"] == entry.path
    assert [e.name for e in list_genomes()] == ["mine"]
    assert get("mine") == entry
    with open_genome("mine") as g:
        assert g.name == "mine"
        assert isinstance(g, TwoBitGenome if fmt == "2bit" else FastaGenome)
        assert g.fetch("chr1", 0, 16) == RECS["chr1"]
        assert g.fetch("chrX", 100, 104, "-") == "CCCC"
    assert remove("mine") == entry
    assert list_genomes() == []
    assert files[fmt].exists()


def test_open_by_path_and_lazy_package_function(files) -> None:
    with open_genome(files["2bit"]) as g:
        assert g.name == "g"
        assert g.fetch("chr1", 4, 8) == "NNNN"
    with lazy_open_genome(str(files["fasta"])) as g:
        assert g.name == "g"
        assert g.fetch("chr1", 8, 12) == "acgt"
    with open_genome(files["fasta"], name="custom") as g:
        assert g.name == "custom"


def test_unknown_name_says_how_to_register() -> None:
    with pytest.raises(MissingDataError, match=r"genetx genome add NAME PATH") as info:
        open_genome("hg99")
    assert str(info.value).startswith("hg99: ")
    with pytest.raises(MissingDataError, match="genetx genome add"):
        remove("hg99")


def test_missing_path_and_unsupported_extension(tmp_path) -> None:
    with pytest.raises(BadInputError, match="file not found"):
        open_genome(str(tmp_path / "nope.fa"))
    with pytest.raises(BadInputError, match="file not found"):
        register("x", tmp_path / "nope.2bit")
    bed = tmp_path / "x.bed"
    bed.write_text("chr1\t0\t1\n")
    with pytest.raises(BadInputError, match="unsupported genome file extension"):
        open_genome(bed)
    with pytest.raises(BadInputError, match="unsupported genome file extension"):
        register("x", bed)
    assert list_genomes() == []


@pytest.mark.parametrize(("name", "fmt"), [
    ("a.2bit", "2bit"), ("a.FA", "fasta"), ("a.fasta.gz", "fasta"), ("a.fna.bgz", "fasta"),
    ("a.fa.gz", "fasta"),
])
def test_genome_format(name, fmt) -> None:
    assert genome_format(name) == fmt


@pytest.mark.parametrize("name", ["a.gz", "a.txt", "a.2bit.gz", "fa"])
def test_genome_format_rejects(name) -> None:
    with pytest.raises(BadInputError):
        genome_format(name)


@pytest.mark.parametrize("bad", ["", "-x", "has space", "a/b", "x" * 65, "ü"])
def test_bad_names(files, bad) -> None:
    with pytest.raises(BadInputError, match="a genome name is"):
        register(bad, files["2bit"])


def test_name_taken_unless_replace(files) -> None:
    register("g", files["2bit"])
    with pytest.raises(BadInputError, match=r"already registered.*--force"):
        register("g", files["fasta"])
    assert get("g").format == "2bit"
    assert register("g", files["fasta"], replace=True).format == "fasta"
    assert get("g").format == "fasta"


def test_malformed_file_is_not_registered(tmp_path) -> None:
    bad = tmp_path / "bad.fa"
    bad.write_text(">a\nACGT\n>a\nACGT\n")
    with pytest.raises(MalformedFileError, match="duplicate record name 'a'"):
        register("bad", bad)
    assert list_genomes() == []
    trunc = tmp_path / "t.2bit"
    write_twobit(trunc, RECS)
    trunc.write_bytes(trunc.read_bytes()[:-3])
    with pytest.raises(MalformedFileError, match="truncated"):
        register("t", trunc)
    assert list_genomes() == []


def test_registered_file_that_disappeared(files) -> None:
    register("g", files["2bit"])
    files["2bit"].unlink()
    with pytest.raises(MissingDataError, match="no longer exists"):
        resolve("g")


def test_resolve_prefers_registered_name(files, tmp_path, monkeypatch) -> None:
    register("g.2bit", files["fasta"])
    monkeypatch.chdir(tmp_path)  # a file named g.2bit exists here too
    assert resolve("g.2bit") == files["fasta"].resolve()
    assert resolve(Path("g.2bit")) == Path("g.2bit")


def test_corrupt_registry_is_one_line() -> None:
    registry_path().parent.mkdir(parents=True, exist_ok=True)
    registry_path().write_text("{not json")
    with pytest.raises(MalformedFileError, match="not a valid genome registry"):
        list_genomes()


def test_base_class_fingerprint_hashes_content() -> None:
    a = InMemoryGenome({"r": "ACGT" * 10})
    b = InMemoryGenome({"r": "ACGT" * 10}, name="other")
    c = InMemoryGenome({"r": "ACGT" * 9 + "ACGA"})
    d = InMemoryGenome({"r": ("ACGT" * 10).lower()})
    assert a.fingerprint() == b.fingerprint()
    assert len({a.fingerprint(), c.fingerprint(), d.fingerprint()}) == 3
    want = hashlib.sha256(b">r\t40\n" + b"ACGT" * 10).hexdigest()
    assert a.fingerprint() == f"sha256:{want}"
