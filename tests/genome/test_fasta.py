"""FASTA genomes: plain, gzip and bgzip, CRLF, index placement, caching and every bad input.

Truth: the sequences the tests write (or a minimal line-joining parser for shared files), the
sacCer3 2bit file (written by another tool), the N runs documented in shared/data/SOURCES.md,
the ``.fai`` that pyfaidx builds by itself, and Biopython's BGZF writer for bgzip files.
"""

from __future__ import annotations

import gzip
import hashlib
import random
import re
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from genetx.errors import BadInputError, InvalidSequenceError, MalformedFileError
from genetx.genome import fasta as fasta_mod
from genetx.genome.fasta import FastaGenome, prepare_fasta, sniff_compression
from genetx.settings import settings as settings_
from tests.genome.test_twobit import read_fasta_gz, revcomp

HUMAN = "genomes/human"


def to_fasta(recs: dict[str, str], width: int = 60, eol: str = "\n",
             final_eol: bool = True) -> bytes:
    lines = []
    for name, seq in recs.items():
        lines.append(f">{name} some description")
        lines.extend(seq[i:i + width] for i in range(0, len(seq), width))
    text = eol.join(lines) + (eol if final_eol else "")
    return text.encode()


def bgzip(data: bytes, path: Path) -> None:
    from Bio import bgzf

    with bgzf.BgzfWriter(str(path), "wb") as fh:
        fh.write(data)


def make_recs(seed: int = 1) -> dict[str, str]:
    rng = random.Random(seed)
    recs = {}
    for i, n in enumerate([1, 59, 60, 61, 121, 5000, 70_001]):
        s = [rng.choice("ACGTacgtRYKMn") if rng.random() < 0.05 else rng.choice("ACGT")
             for _ in range(n)]
        if n > 100:
            s[10:40] = "N" * 30
        recs[f"chr{i}"] = "".join(s)
    return recs


def assert_same(g: FastaGenome, recs: dict[str, str]) -> None:
    assert g.records() == {k: len(v) for k, v in recs.items()}
    rng = random.Random(2)
    for rec, seq in recs.items():
        assert g.fetch(rec, 0, len(seq)) == seq
        for _ in range(20):
            s = rng.randrange(len(seq) + 1)
            e = rng.randrange(s, len(seq) + 1)
            assert g.fetch(rec, s, e) == seq[s:e]
            assert g.fetch(rec, s, e, "-") == revcomp_iupac(seq[s:e])


_IUPAC_COMP = str.maketrans("ACGTRYSWKMBDHVNacgtryswkmbdhvn", "TGCAYRSWMKVHDBNtgcayrswmkvhdbn")


def revcomp_iupac(s: str) -> str:
    return s.translate(_IUPAC_COMP)[::-1]


# -- shared, independently produced files ------------------------------------------------------


def test_sacCer3_fasta_gz_equals_2bit(shared_data) -> None:
    from genetx.genome.twobit import TwoBitGenome

    d = shared_data / "genomes" / "sacCer3"
    with FastaGenome(d / "sacCer3.fa.gz") as f, TwoBitGenome(d / "sacCer3.2bit") as t:
        assert f.records() == t.records()
        for rec, n in t.records().items():
            assert f.fetch(rec, 0, n) == t.fetch(rec, 0, n), rec
        assert f.manifest["compression"] == "gzip"
        assert f.manifest["normalised"] is True
        assert Path(f.manifest["data"]).parent == settings_.cache_dir / "fasta"


@pytest.mark.parametrize("fname", [
    "GRCh38_chrX_31117221-33344609.DMD_locus.mutalyzer_UD_139262478721.fa.gz",
    "GRCh38_chr21_ensembl_vep_testdb_regions.fa.gz",
    "GRCh37_chr22_20000001-21000000.hisat2_example.fa.gz",
    "GRCh37_chr20_1000001-2000000.vg_1mb1kgp.fa.gz",
    "GRCh37_chr1_97541298-98391615.DPYD_locus.mutalyzer_UD_139015208095.fa.gz",
    "GRCh37_chr1_220696568-220839800.MARK1_locus.mutalyzer_UD_139015213982.fa.gz",
])
def test_human_loci_match_a_plain_parse(shared_data, fname) -> None:
    path = shared_data / HUMAN / fname
    truth = read_fasta_gz(path)
    with FastaGenome(path) as g:
        assert g.records() == {k: len(v) for k, v in truth.items()}
        for rec, seq in truth.items():
            assert g.fetch(rec, 0, len(seq)) == seq


def test_placed_dmd_locus_takes_chromosome_coordinates(shared_data) -> None:
    path = shared_data / HUMAN / (
        "GRCh38_chrX_31117221-33344609.DMD_locus.mutalyzer_UD_139262478721.fa.gz")
    seq = read_fasta_gz(path)["chrX:31117221-33344609"]
    with FastaGenome(path) as g:
        assert g.fetch("chrX", 31117220, 31117243) == seq[:23]
        assert g.fetch("X", 31117220, 31117243, "-") == revcomp(seq[:23])
        assert g.fetch("chrX", 33344609 - 23, 33344609) == seq[-23:]
        with pytest.raises(Exception, match="not inside the sequence available"):
            g.fetch("chrX", 31117200, 31117243)


def test_documented_n_runs_are_visible(shared_data) -> None:
    """SOURCES.md: chr21 record 2 has N at its bases 42,460-43,029 (570 bp); the hisat2 chr22
    slice holds the 100-kb hg19 gap."""
    with FastaGenome(shared_data / HUMAN / "GRCh38_chr21_ensembl_vep_testdb_regions.fa.gz") as g:
        rec2_start = 43758155 - 1
        s = g.fetch("chr21", rec2_start + 42459, rec2_start + 43029)
        assert s == "N" * 570
        assert g.fetch("chr21", rec2_start + 42458, rec2_start + 42459) != "N"
        assert g.fetch("chr21", rec2_start + 43029, rec2_start + 43030) != "N"
    chr22 = shared_data / HUMAN / "GRCh37_chr22_20000001-21000000.hisat2_example.fa.gz"
    with FastaGenome(chr22) as g:
        whole = g.fetch("chr22", 20_000_000, 21_000_000)
        assert max(len(m) for m in re.findall("N+", whole)) == 100_000


# -- formats -------------------------------------------------------------------------------------


def test_plain_fasta_index_beside_file_equals_pyfaidx_index(tmp_path) -> None:
    import pyfaidx

    recs = make_recs()
    data = to_fasta(recs, width=60)
    p = tmp_path / "g.fa"
    p.write_bytes(data)
    with FastaGenome(p) as g:
        assert_same(g, recs)
        assert g.manifest["data"] == str(p.resolve())
        assert g.manifest["fai"] == str(p.resolve()) + ".fai"
    other = tmp_path / "copy"
    other.mkdir()
    (other / "g.fa").write_bytes(data)
    pyfaidx.Faidx(str(other / "g.fa")).close()  # pyfaidx builds its own index
    assert (tmp_path / "g.fa.fai").read_text() == (other / "g.fa.fai").read_text()


def test_index_goes_to_cache_when_folder_is_not_writable(tmp_path, monkeypatch) -> None:
    recs = make_recs(3)
    p = tmp_path / "g.fa"
    p.write_bytes(to_fasta(recs, width=50))
    monkeypatch.setattr(fasta_mod, "dir_writable", lambda _folder: False)
    with FastaGenome(p) as g:
        assert_same(g, recs)
        fai = Path(g.manifest["fai"])
        assert fai.parent == fasta_mod.cache_subdir("fasta")
    assert not (tmp_path / "g.fa.fai").exists()


def test_bgzip_read_in_place_with_gzi(tmp_path) -> None:
    recs = make_recs(4)
    rng = random.Random(9)
    recs["big"] = "".join(rng.choices("ACGTacgtN", k=300_000))
    p = tmp_path / "g.fa.gz"
    bgzip(to_fasta(recs, width=70), p)
    assert sniff_compression(p) == "bgzf"
    with FastaGenome(p) as g:
        assert g.manifest["compression"] == "bgzf"
        assert g.manifest["normalised"] is False
        assert g.manifest["data"] == str(p.resolve())
        assert Path(g.manifest["gzi"]).is_file()
        assert_same(g, recs)


def test_gzip_decompressed_once_into_cache(tmp_path, monkeypatch) -> None:
    recs = make_recs(5)
    p = tmp_path / "g.fasta.gz"
    p.write_bytes(gzip.compress(to_fasta(recs, width=80)))
    assert sniff_compression(p) == "gzip"
    with FastaGenome(p) as g:
        assert_same(g, recs)
        copy = Path(g.manifest["data"])
        assert copy.parent == fasta_mod.cache_subdir("fasta")
        assert copy.read_bytes() == to_fasta(recs, width=80)

    def boom(*_a, **_k):
        raise AssertionError("the file was scanned again")

    monkeypatch.setattr(fasta_mod, "_scan", boom)
    with FastaGenome(p) as g:  # second open: manifest only
        assert g.fetch("chr5", 0, 5) == recs["chr5"][:5]


def test_multi_member_gzip(tmp_path) -> None:
    recs = make_recs(6)
    data = to_fasta(recs)
    p = tmp_path / "g.fa.gz"
    p.write_bytes(gzip.compress(data[:1000]) + gzip.compress(data[1000:]))
    with FastaGenome(p) as g:
        assert_same(g, recs)


@pytest.mark.parametrize("kind", ["plain", "gzip", "bgzip"])
def test_windows_line_endings_equal_the_lf_file(tmp_path, kind) -> None:
    recs = make_recs(7)
    crlf = to_fasta(recs, width=60, eol="\r\n")
    p = tmp_path / ("w.fa" if kind == "plain" else "w.fa.gz")
    if kind == "plain":
        p.write_bytes(crlf)
    elif kind == "gzip":
        p.write_bytes(gzip.compress(crlf))
    else:
        bgzip(crlf, p)
    with FastaGenome(p) as g:
        assert g.manifest["normalised"] is True
        assert Path(g.manifest["data"]).read_bytes() == to_fasta(recs, width=60)
        assert_same(g, recs)


def test_no_final_newline_and_blank_lines_between_records(tmp_path) -> None:
    p = tmp_path / "n.fa"
    p.write_bytes(b"\n>a\nACGT\nAC\n\n\n>b desc\nGGGG\nTT")
    with FastaGenome(p) as g:
        assert g.records() == {"a": 6, "b": 6}
        assert g.fetch("a", 0, 6) == "ACGTAC"
        assert g.fetch("b", 0, 6) == "GGGGTT"


@pytest.mark.parametrize("chunk", [1, 7, 64, 1 << 20])
def test_block_boundaries_do_not_matter(tmp_path, monkeypatch, chunk) -> None:
    monkeypatch.setattr(fasta_mod, "READ_CHUNK", chunk)
    recs = make_recs(8)
    p = tmp_path / "c.fa"
    p.write_bytes(to_fasta(recs, width=61))
    with FastaGenome(p) as g:
        assert_same(g, recs)


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    seqs=st.lists(st.text(alphabet="ACGTNacgtnRY", min_size=1, max_size=200), min_size=1,
                  max_size=5),
    width=st.integers(1, 90),
    chunk=st.integers(4, 300),
    crlf=st.booleans(),
)
def test_random_files_round_trip(tmp_path_factory, monkeypatch, seqs, width, chunk, crlf) -> None:
    monkeypatch.setattr(fasta_mod, "READ_CHUNK", chunk)
    recs = {f"r{i}": s for i, s in enumerate(seqs)}
    p = tmp_path_factory.mktemp("h") / "r.fa"
    p.write_bytes(to_fasta(recs, width=width, eol="\r\n" if crlf else "\n"))
    with FastaGenome(p) as g:
        for rec, seq in recs.items():
            assert g.fetch(rec, 0, len(seq)) == seq


def test_fingerprint_is_sha256_of_the_file(tmp_path) -> None:
    p = tmp_path / "f.fa.gz"
    p.write_bytes(gzip.compress(to_fasta({"a": "ACGT"})))
    with FastaGenome(p) as g:
        assert g.fingerprint() == "sha256:" + hashlib.sha256(p.read_bytes()).hexdigest()


def test_changed_file_is_prepared_again_and_old_cache_dropped(tmp_path) -> None:
    import os

    p = tmp_path / "f.fa.gz"
    p.write_bytes(gzip.compress(to_fasta({"a": "ACGT"})))
    with FastaGenome(p) as g:
        old = Path(g.manifest["data"])
    p.write_bytes(gzip.compress(to_fasta({"a": "GGGGCC"})))
    st_ = p.stat()
    os.utime(p, ns=(st_.st_atime_ns, st_.st_mtime_ns + 10**9))
    with FastaGenome(p) as g:
        assert g.fetch("a", 0, 6) == "GGGGCC"
        assert not old.exists()


class RecordingProgress:
    def __init__(self) -> None:
        self.tasks: list[tuple[str, float | None]] = []
        self.done = 0.0

    @contextmanager
    def task(self, description, total=None):
        self.tasks.append((description, total))
        outer = self

        class T:
            def advance(self, amount=1):
                outer.done += amount

        yield T()


def test_progress_reports_the_indexing_pass(tmp_path) -> None:
    p = tmp_path / "p.fa.gz"
    p.write_bytes(gzip.compress(to_fasta(make_recs(2))))
    prog = RecordingProgress()
    FastaGenome(p, progress=prog).close()
    assert prog.tasks == [("Decompressing and indexing p.fa.gz", p.stat().st_size)]
    assert prog.done == p.stat().st_size


# -- bad input: one line each ---------------------------------------------------------------------


BAD = [
    (b"", MalformedFileError, r"is empty$"),
    (b"\n\n", MalformedFileError, r"no FASTA header"),
    (b"ACGT\nACGT\n", MalformedFileError, r"line 1: sequence data before the first '>' header"),
    (b"\n\nACGT\n>a\nAC\n", MalformedFileError, r"line 3: sequence data before the first"),
    (b">\nACGT\n", MalformedFileError, r"line 1: header without a record name"),
    (b">a\nAC\n>b\nAC\n>a x\nAC\n", MalformedFileError,
     r"line 5: duplicate record name 'a' \(first used at line 1\)"),
    (b">a\nACGT\nAC\nACGT\n", MalformedFileError,
     r"line 3: record 'a': a line of 2 bases is followed by more sequence; only the last line"),
    (b">a\nACG\nACGT\n", MalformedFileError,
     r"line 3: record 'a': a line of 4 bases is longer than the record's first line \(3\)"),
    (b">a\nACGT\n\nACGT\n", MalformedFileError, r"line 3: record 'a': a line of 0 bases.*re-wrap"),
    (b">a\n>b\nACGT\n", MalformedFileError, r"line 1: record 'a' has no sequence"),
    (b">a\nACGT\n>b\n", MalformedFileError, r"line 3: record 'b' has no sequence \(is the file"),
    (b">a\nACGT\nACXT\n", InvalidSequenceError,
     r"record 'a', position 7 \(line 3\): letter 'X' is not an IUPAC nucleotide code"),
    (b">a\nACGT\n>b\nACGU\n", InvalidSequenceError,
     r"record 'b', position 4 \(line 4\): letter 'U'"),
    (b">a\nAC-T\n", InvalidSequenceError, r"position 3 .*letter '-'"),
    (b">a\nAC T\n", InvalidSequenceError, r"position 3 .*letter ' '"),
    (b">a\nAC\rGT\n", InvalidSequenceError, r"position 3 .*letter '\\r'"),
]


@pytest.mark.parametrize(("data", "exc", "pattern"), BAD)
@pytest.mark.parametrize("chunk", [3, 1 << 20])
def test_bad_fasta_is_one_clear_line(tmp_path, monkeypatch, data, exc, pattern, chunk) -> None:
    monkeypatch.setattr(fasta_mod, "READ_CHUNK", chunk)
    p = tmp_path / "bad.fa"
    p.write_bytes(data)
    with pytest.raises(exc, match=pattern) as info:
        FastaGenome(p)
    assert "\n" not in str(info.value)
    assert str(info.value).startswith(str(p))


@pytest.mark.parametrize(("data", "exc", "pattern"), BAD[1:])
def test_bad_fasta_inside_gzip(tmp_path, data, exc, pattern) -> None:
    p = tmp_path / "bad.fa.gz"
    p.write_bytes(gzip.compress(data))
    with pytest.raises(exc, match=pattern):
        FastaGenome(p)
    assert not any(fasta_mod.cache_subdir("fasta").glob("*.fa"))  # no half-written copy


def test_bad_letter_position_far_into_a_record(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(fasta_mod, "READ_CHUNK", 1000)
    seq = list("ACGT" * 5000)
    seq[12_345] = "J"
    p = tmp_path / "far.fa"
    p.write_bytes(to_fasta({"first": "ACGT", "second": "".join(seq)}, width=60))
    line = 1 + 1 + 1 + 12_345 // 60 + 1
    with pytest.raises(InvalidSequenceError,
                       match=rf"record 'second', position 12,346 \(line {line:,}\): letter 'J'"):
        FastaGenome(p)


def test_truncated_gzip(tmp_path) -> None:
    full = gzip.compress(to_fasta(make_recs(1)))
    p = tmp_path / "t.fa.gz"
    p.write_bytes(full[: len(full) // 2])
    with pytest.raises(MalformedFileError, match=r"truncated gzip file"):
        FastaGenome(p)


def test_corrupt_gzip(tmp_path) -> None:
    full = bytearray(gzip.compress(to_fasta(make_recs(1))))
    full[-6] ^= 0xFF  # inside the CRC/size trailer
    p = tmp_path / "c.fa.gz"
    p.write_bytes(bytes(full))
    with pytest.raises(MalformedFileError, match=r"corrupt gzip data"):
        FastaGenome(p)


def test_truncated_bgzip(tmp_path) -> None:
    p = tmp_path / "t.fa.gz"
    bgzip(to_fasta(make_recs(2)), p)
    full = p.read_bytes()
    p.write_bytes(full[:-28])  # the end-of-file block is gone
    with pytest.raises(MalformedFileError, match=r"end-of-file block is missing"):
        FastaGenome(p)
    p.write_bytes(full[:-40])
    with pytest.raises(MalformedFileError, match=r"truncated bgzip file \(the last block"):
        FastaGenome(p)


def test_missing_file_and_folder(tmp_path) -> None:
    with pytest.raises(BadInputError, match="file not found"):
        FastaGenome(tmp_path / "nope.fa")
    with pytest.raises(BadInputError, match="is a folder"):
        prepare_fasta(tmp_path)


@pytest.mark.parametrize("chunk", [5, 4096, 1 << 22])
def test_gzip_output_is_bounded_and_complete(tmp_path, monkeypatch, chunk) -> None:
    """A long N run inflates a thousandfold; decompression hands it over in bounded pieces."""
    monkeypatch.setattr(fasta_mod, "READ_CHUNK", chunk)
    recs = {"gap": "ACGT" + "N" * 300_000 + "acgt", "b": "GATTACA"}
    p = tmp_path / "n.fa.gz"
    p.write_bytes(gzip.compress(to_fasta(recs, width=100)) + gzip.compress(b""))
    pieces: list[int] = []
    real = fasta_mod._Scanner.feed

    def spy(self, data):
        pieces.append(len(data))
        return real(self, data)

    monkeypatch.setattr(fasta_mod._Scanner, "feed", spy)
    with FastaGenome(p) as g:
        assert_same(g, recs)
    assert max(pieces) <= max(chunk, 1)


def test_genomes_pickle_by_path(tmp_path) -> None:
    import pickle

    from genetx.genome.twobit import TwoBitGenome, write_twobit

    recs = {"a": "ACGTNNacgt"}
    fa = tmp_path / "p.fa"
    fa.write_bytes(to_fasta(recs))
    tb = tmp_path / "p.2bit"
    write_twobit(tb, recs)
    for g in (FastaGenome(fa, name="x"), TwoBitGenome(tb, name="x")):
        with g, pickle.loads(pickle.dumps(g)) as copy:
            assert type(copy) is type(g)
            assert copy.name == "x"
            assert copy.fetch("a", 0, 10, "-") == g.fetch("a", 0, 10, "-") == "acgtNNACGT"
