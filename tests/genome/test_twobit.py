"""UCSC 2bit reader and writer, checked against a 2bit/FASTA pair written by another tool
(sacCer3, FASTA by twobitreader), a file assembled byte by byte from the format description,
an independent reader (py2bit, when installed) and plain Python string slicing."""

from __future__ import annotations

import gzip
import hashlib
import random
import struct

import pytest

from genetx.errors import BadInputError, InvalidSequenceError, MalformedFileError
from genetx.genome.twobit import TwoBitGenome, write_twobit

_COMP = str.maketrans("ACGTNacgtn", "TGCANtgcan")


def revcomp(s: str) -> str:
    return s.translate(_COMP)[::-1]


def read_fasta_gz(path) -> dict[str, str]:
    """The simplest possible FASTA parser: the truth side of the comparisons."""
    out: dict[str, list[str]] = {}
    name = None
    with gzip.open(path, "rt") as fh:
        for line in fh:
            line = line.rstrip("\n")
            if line.startswith(">"):
                name = line[1:].split()[0]
                out[name] = []
            elif name is not None:
                out[name].append(line)
    return {k: "".join(v) for k, v in out.items()}


@pytest.fixture(scope="module")
def sac_truth(shared_data):
    d = shared_data / "genomes" / "sacCer3"
    return d / "sacCer3.2bit", read_fasta_gz(d / "sacCer3.fa.gz"), d / "sacCer3.sizes"


def test_sacCer3_2bit_equals_fasta_written_by_another_tool(sac_truth) -> None:
    path, truth, sizes = sac_truth
    with TwoBitGenome(path) as g:
        expected_sizes = dict(line.split() for line in sizes.read_text().splitlines())
        assert g.records() == {k: int(v) for k, v in expected_sizes.items()}
        assert list(g.records()) == list(truth)
        for rec, seq in truth.items():
            assert g.fetch(rec, 0, len(seq)) == seq, rec
        rng = random.Random(7)
        for _ in range(500):
            rec = rng.choice(list(truth))
            n = len(truth[rec])
            s = rng.randrange(n)
            e = min(n, s + rng.randrange(0, 300))
            assert g.fetch(rec, s, e) == truth[rec][s:e]
            assert g.fetch(rec, s, e, "-") == revcomp(truth[rec][s:e])
        assert g.version == 0


def _hand_built(byteorder: str, version: int) -> bytes:
    """A 2-record 2bit file assembled from the format description (not by write_twobit).

    r1 = ACGTNNacgT: A C G T -> 10 01 11 00 = 0x9C; N N a c -> 00 00 10 01 = 0x09 (N stored as
    T = 00); g T + 2 pad -> 11 00 00 00 = 0xC0. N block (4, 2); mask block (6, 3).
    r2 = GGA: 11 11 10 00 = 0xF8, no blocks.
    """
    bo = byteorder
    off = "I" if version == 0 else "Q"
    header = struct.pack(bo + "IIII", 0x1A412743, version, 2, 0)
    index_len = sum(1 + len(n) + struct.calcsize(off) for n in ("r1", "r2"))
    r1 = (struct.pack(bo + "II", 10, 1) + struct.pack(bo + "I", 4) + struct.pack(bo + "I", 2)
          + struct.pack(bo + "I", 1) + struct.pack(bo + "I", 6) + struct.pack(bo + "I", 3)
          + struct.pack(bo + "I", 0) + bytes([0x9C, 0x09, 0xC0]))
    r2 = struct.pack(bo + "IIII", 3, 0, 0, 0) + bytes([0xF8])
    o1 = len(header) + index_len
    o2 = o1 + len(r1)
    index = (b"\x02r1" + struct.pack(bo + off, o1) + b"\x02r2" + struct.pack(bo + off, o2))
    return header + index + r1 + r2


@pytest.mark.parametrize(("byteorder", "version"), [("<", 0), (">", 0), ("<", 1), (">", 1)])
def test_hand_built_file_both_byte_orders_and_versions(tmp_path, byteorder, version) -> None:
    p = tmp_path / "hand.2bit"
    p.write_bytes(_hand_built(byteorder, version))
    with TwoBitGenome(p) as g:
        assert g.records() == {"r1": 10, "r2": 3}
        assert g.fetch("r1", 0, 10) == "ACGTNNacgT"
        assert g.fetch("r1", 3, 8) == "TNNac"
        assert g.fetch("r1", 0, 10, "-") == "AcgtNNACGT"
        assert g.fetch("r2", 0, 3) == "GGA"
        assert g.blocks("r1") == {"N": [(4, 6)], "mask": [(6, 9)]}
        assert g.version == version


def test_writer_produces_the_hand_built_bytes(tmp_path) -> None:
    p = tmp_path / "w.2bit"
    write_twobit(p, {"r1": "ACGTNNacgT", "r2": "GGA"})
    assert p.read_bytes() == _hand_built("<", 0)
    write_twobit(p, {"r1": "ACGTNNacgT", "r2": "GGA"}, byteorder=">", version=1)
    assert p.read_bytes() == _hand_built(">", 1)


def _random_genome(seed: int) -> dict[str, str]:
    rng = random.Random(seed)
    recs = {}
    for i, n in enumerate([1, 2, 3, 5, 7, 9, 1001, 4099, 20003]):
        s = [rng.choice("ACGT") for _ in range(n)]
        for _ in range(rng.randrange(0, 40)):  # N runs, some at the ends
            a = rng.choice([0, n - 1, rng.randrange(n)])
            for j in range(a, min(n, a + rng.randrange(1, 60))):
                s[j] = "N"
        for _ in range(rng.randrange(0, 60)):  # soft-masked runs, some over N
            a = rng.randrange(n)
            for j in range(a, min(n, a + rng.randrange(1, 90))):
                s[j] = s[j].lower()
        recs[f"seq{i}_{n}"] = "".join(s)
    recs["allN"] = "N" * 13
    recs["alln"] = "n" * 6
    recs["lower"] = "acgtacg"
    return recs


@pytest.mark.parametrize(("byteorder", "version"), [("<", None), (">", 0), ("<", 1)])
def test_round_trip_keeps_case_and_n(tmp_path, byteorder, version) -> None:
    recs = _random_genome(11)
    p = tmp_path / "rt.2bit"
    write_twobit(p, recs, byteorder=byteorder, version=version)
    rng = random.Random(3)
    with TwoBitGenome(p) as g:
        assert g.records() == {k: len(v) for k, v in recs.items()}
        for rec, seq in recs.items():
            assert g.fetch(rec, 0, len(seq)) == seq
            for _ in range(50):
                s = rng.randrange(len(seq) + 1)
                e = rng.randrange(s, len(seq) + 1)
                assert g.fetch(rec, s, e) == seq[s:e]
                assert g.fetch(rec, s, e, "-") == revcomp(seq[s:e])


def test_many_blocks_in_one_fetch(tmp_path) -> None:
    """A fetch that spans more mask and N blocks than the slice-by-slice path handles."""
    seq = "".join(("acgtN" if i % 2 else "ACGTN") for i in range(400))
    p = tmp_path / "b.2bit"
    write_twobit(p, {"r": seq})
    with TwoBitGenome(p) as g:
        assert len(g.blocks("r")["N"]) == 400
        assert g.fetch("r", 0, len(seq)) == seq
        assert g.fetch("r", 3, 1777) == seq[3:1777]


def test_file_written_here_is_read_by_py2bit(tmp_path) -> None:
    py2bit = pytest.importorskip("py2bit")
    recs = _random_genome(5)
    p = tmp_path / "x.2bit"
    write_twobit(p, recs)
    tb = py2bit.open(str(p), storeMasked=True)
    try:
        assert tb.chroms() == {k: len(v) for k, v in recs.items()}
        for rec, seq in recs.items():
            # lib2bit applies N blocks after the mask, so masked N comes back upper case
            assert tb.sequence(rec) == seq.replace("n", "N"), rec
    finally:
        tb.close()


def test_placed_record_answers_chromosome_coordinates(tmp_path) -> None:
    p = tmp_path / "loci.2bit"
    write_twobit(p, {"chrX:101-110": "ACGTACGTAC", "chr2": "GGGG"})
    with TwoBitGenome(p) as g:
        assert g.fetch("chrX", 100, 104) == "ACGT"
        assert g.fetch("X", 104, 110, "-") == "GTACGT"
        assert g.fetch("chrX:101-110", 0, 2) == "AC"


def test_fingerprint_is_the_file_sha256_and_cached(tmp_path) -> None:
    p = tmp_path / "f.2bit"
    write_twobit(p, {"a": "ACGT"})
    want = "sha256:" + hashlib.sha256(p.read_bytes()).hexdigest()
    with TwoBitGenome(p) as g:
        assert g.fingerprint() == want
        assert g.fingerprint() == want
    write_twobit(p, {"a": "ACGA"})
    with TwoBitGenome(p) as g:
        assert g.fingerprint() == "sha256:" + hashlib.sha256(p.read_bytes()).hexdigest()
        assert g.fingerprint() != want


def test_iupac_codes_need_ambiguous_n(tmp_path) -> None:
    p = tmp_path / "i.2bit"
    with pytest.raises(InvalidSequenceError, match=r"'R' at position 3 .*ambiguous='N'"):
        write_twobit(p, {"a": "ACRT"})
    assert not p.exists()
    write_twobit(p, {"a": "ACRTy"}, ambiguous="N")
    with TwoBitGenome(p) as g:
        assert g.fetch("a", 0, 5) == "ACNTn"


@pytest.mark.parametrize(("recs", "pattern"), [
    ({"a": "ACXT"}, r"^a: letter 'X' at position 3 is not an IUPAC"),
    ({"a": "AC-T"}, r"letter '-' at position 3"),
    ({"a": "ACGé"}, r"letter 'é' at position 4"),
])
def test_writer_rejects_bad_letters(tmp_path, recs, pattern) -> None:
    with pytest.raises(InvalidSequenceError, match=pattern):
        write_twobit(tmp_path / "bad.2bit", recs)


@pytest.mark.parametrize("name", ["", "has space", "x" * 256, "naïve"])
def test_writer_rejects_bad_names(tmp_path, name) -> None:
    with pytest.raises(BadInputError, match="record names"):
        write_twobit(tmp_path / "bad.2bit", {name: "ACGT"})


def test_empty_file(tmp_path) -> None:
    p = tmp_path / "e.2bit"
    p.write_bytes(b"")
    with pytest.raises(MalformedFileError, match="is empty"):
        TwoBitGenome(p)


def test_not_a_2bit_file(tmp_path) -> None:
    p = tmp_path / "e.2bit"
    p.write_bytes(b">chr1\nACGT\n" * 4)
    with pytest.raises(MalformedFileError, match="not a 2bit file"):
        TwoBitGenome(p)


def test_unknown_version(tmp_path) -> None:
    p = tmp_path / "v.2bit"
    p.write_bytes(struct.pack("<IIII", 0x1A412743, 7, 0, 0))
    with pytest.raises(MalformedFileError, match="unsupported 2bit version 7"):
        TwoBitGenome(p)


@pytest.mark.parametrize("cut", [10, 20, 30, 60, -1])
def test_truncated_file(tmp_path, cut) -> None:
    full = _hand_built("<", 0)
    p = tmp_path / "t.2bit"
    p.write_bytes(full[:cut])
    with pytest.raises(MalformedFileError, match=r"truncated|outside the file"):
        with TwoBitGenome(p) as g:
            g.validate()


def test_missing_file(tmp_path) -> None:
    with pytest.raises(BadInputError, match="file not found"):
        TwoBitGenome(tmp_path / "nope.2bit")


def test_fetch_errors_are_one_line(tmp_path) -> None:
    p = tmp_path / "w.2bit"
    write_twobit(p, {"a": "ACGT"})
    with TwoBitGenome(p) as g:
        with pytest.raises(BadInputError, match="runs past the end"):
            g.fetch("a", 2, 9)
        with pytest.raises(Exception, match="contig not in genome"):
            g.fetch("b", 0, 1)
        with pytest.raises(BadInputError, match="not in genome"):
            g.blocks("b")


def test_folder_is_not_a_2bit_file(tmp_path) -> None:
    d = tmp_path / "dir.2bit"
    d.mkdir()
    with pytest.raises(BadInputError, match="is a folder"):
        TwoBitGenome(d)


def test_block_lookup_matches_brute_force() -> None:
    """The two-level run lookup against a scan of every run (tables longer than one stride)."""
    import numpy as np

    from genetx.genome.twobit import _Blocks, _merge_blocks

    rng = np.random.default_rng(4)
    for n in (0, 1, 5, 63, 64, 65, 1000):
        starts = np.sort(rng.choice(100_000, size=n, replace=False))
        sizes = rng.integers(1, 120, size=n)
        s, e = _merge_blocks(starts, sizes)
        blocks = _Blocks(s, e)
        for _ in range(300):
            a = int(rng.integers(0, 101_000))
            b = a + int(rng.choice([0, 1, 23, 500, 20_000]))
            want = [i for i in range(s.size) if s[i] < b and e[i] > a]
            i0, i1 = blocks.overlapping(a, b)
            assert list(range(i0, i1)) == want, (n, a, b)
