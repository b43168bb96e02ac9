"""Persistent packed genome and PAM-site index: reuse, staleness, atomic writes, wrong genome."""

from __future__ import annotations

import json

import numpy as np
import pytest

from genetx.edit.offtarget import prepare_index, search
from genetx.edit.offtarget.index import build_index, load_index, open_index
from genetx.errors import BadInputError
from genetx.genome import InMemoryGenome
from genetx.genome.packed import pack_genome, pack_in_memory


def _fasta(path, records):
    path.write_text("".join(f">{k}\n{v}\n" for k, v in records.items()))
    return path


def _random(n, seed):
    return "".join(np.random.default_rng(seed).choice(list("ACGT"), n))


@pytest.fixture
def genome_file(tmp_path):
    seq = _random(5000, 1)
    return _fasta(tmp_path / "toy.fa", {"chrA": seq, "chrB": _random(3000, 2)}), seq


def test_index_is_built_once_then_memory_mapped(genome_file):
    from genetx.genome.registry import open_genome

    path, seq = genome_file
    idx = prepare_index(open_genome(path), "NGG")
    assert idx.path is not None
    assert (idx.path / "meta.json").is_file()
    assert idx.packed.path is not None
    stamp = (idx.path / "words.npy").stat().st_mtime_ns
    again = prepare_index(open_genome(path), "NGG")
    assert (again.path / "words.npy").stat().st_mtime_ns == stamp
    assert isinstance(again.words.base, np.memmap) or again.words.base is not None
    p = next(i for i in range(100, 4000) if seq[i + 21:i + 23] == "GG")
    hits = search(again, [seq[p:p + 20]], max_mismatches=0)
    assert ((hits["Start"] == p) & (hits["Chromosome"] == "chrA")).any()


def test_changed_source_is_repacked(genome_file):
    import os

    from genetx.genome.registry import open_genome

    path, seq = genome_file
    first = prepare_index(open_genome(path), "NGG")
    new = seq[:2000] + "GACGCATAAAGATGAGACGCAGG" + seq[2023:]
    _fasta(path, {"chrA": new, "chrB": _random(3000, 2)})
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))
    second = prepare_index(open_genome(path), "NGG")
    assert second.packed.digest != first.packed.digest
    assert len(search(second, ["GACGCATAAAGATGAGACGC"], max_mismatches=0)) == 1


def test_corrupt_pack_is_rebuilt(genome_file):
    from genetx.genome.registry import open_genome

    path, _ = genome_file
    g = open_genome(path)
    packed = pack_genome(g)
    codes = np.load(packed.path / "codes.npy", mmap_mode="r+")
    codes[1:2000] = (codes[1:2000] + 1) % 4  # damage the pack behind its back
    codes.flush()
    del codes
    rebuilt = pack_genome(g)
    assert rebuilt.fetch(0, 0, 50) == g.fetch("chrA", 0, 50)


def test_index_of_another_genome_is_refused(tmp_path):
    a = pack_genome(InMemoryGenome({"x": _random(3000, 3)}), tmp_path / "pa")
    b = pack_genome(InMemoryGenome({"x": _random(3000, 4)}), tmp_path / "pb")
    build_index(a, "NGG", directory=tmp_path / "ia")
    with pytest.raises(BadInputError, match="index was built from another genome"):
        open_index(b, "NGG", directory=tmp_path / "ia")
    with pytest.raises(BadInputError, match="index is for PAM NGG"):
        open_index(a, "NRG", directory=tmp_path / "ia")


def test_stale_cached_index_is_rebuilt(tmp_path):
    packed = pack_genome(InMemoryGenome({"x": _random(4000, 5)}), tmp_path / "p")
    idx = open_index(packed, "NGG")
    meta = json.loads((idx.path / "meta.json").read_text())
    meta["genome_digest"] = "0" * 32
    (idx.path / "meta.json").write_text(json.dumps(meta))
    again = open_index(packed, "NGG")
    assert again.genome_digest == packed.digest


def test_crash_during_build_leaves_no_index(tmp_path, monkeypatch):
    from genetx.edit.offtarget import index as index_mod

    packed = pack_genome(InMemoryGenome({"x": _random(4000, 6)}), tmp_path / "p")

    def boom(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(index_mod, "_build_arrays", boom)
    with pytest.raises(KeyboardInterrupt):
        open_index(packed, "NGG")
    assert not (packed.path / "index-NGG-3prime").exists()
    assert [p.name for p in packed.path.iterdir() if p.name.startswith(".")] == []
    monkeypatch.undo()
    assert open_index(packed, "NGG").n_sites > 0


def test_incomplete_index_folder_is_refused(tmp_path):
    packed = pack_in_memory(InMemoryGenome({"x": _random(3000, 7)}))
    (tmp_path / "idx").mkdir()
    with pytest.raises(BadInputError, match="not an off-target index folder"):
        load_index(tmp_path / "idx", packed)


def test_in_memory_and_disk_indexes_agree(tmp_path):
    g = InMemoryGenome({"x": _random(6000, 8), "y": _random(900, 9)})
    mem = open_index(pack_in_memory(g), "NRG")
    disk = open_index(pack_genome(g, tmp_path / "p"), "NRG")
    for name in ("words", "anchors", "flags", "off_a", "perm_b", "off_b"):
        assert np.array_equal(getattr(mem, name), getattr(disk, name)), name


# ----------------------------------------------------------------- the partitioned builder
_IUPAC = {"A": "A", "C": "C", "G": "G", "T": "T", "R": "AG", "Y": "CT", "V": "ACG", "N": "ACGT"}
_COMP = {"A": "T", "C": "G", "G": "C", "T": "A"}


def _reference_index(text: str, pam: str, side: str, k: int) -> dict[str, np.ndarray]:
    """The index arrays written out from their definition with plain strings and a sort.

    ``text`` is the packed genome as letters (``N`` for separators and non-ACGT); a site is a
    PAM on one strand with at least 14 ACGT spacer bases next to it (up to 32 are kept).
    """
    n, p = len(text), len(pam)
    rows = []
    for a in range(n):
        for strand in (0, 1):
            left = (side == "3prime") == (strand == 0)
            pam_text = text[a:a + p] if left else text[max(0, a - p):a]
            if strand == 1:
                pam_text = "".join(_COMP.get(c, "N") for c in reversed(pam_text))
            if len(pam_text) != p or any(c not in _IUPAC[q] for c, q in zip(pam_text, pam,
                                                                           strict=True)):
                continue
            spacer = []  # base d = 1 next to the PAM
            for d in range(1, 33):
                j = a - d if left else a + d - 1
                if not 0 <= j < n or text[j] not in "ACGT":
                    break
                spacer.append(_COMP[text[j]] if strand == 1 else text[j])
            if len(spacer) < 14:
                continue
            word = sum("ACGT".index(c) << (2 * i) for i, c in enumerate(spacer))
            rows.append((word, a, len(spacer) | (strand << 7)))
    mask = (1 << (2 * k)) - 1
    rows.sort(key=lambda r: (r[0] & mask, r[1], r[2] >> 7))
    words = np.array([r[0] for r in rows], dtype=np.uint64)
    key_a = np.array([r[0] & mask for r in rows], dtype=np.int64)
    key_b = np.array([(r[0] >> (2 * k)) & mask for r in rows], dtype=np.int64)
    off_a = np.concatenate([[0], np.cumsum(np.bincount(key_a, minlength=mask + 1))])
    off_b = np.concatenate([[0], np.cumsum(np.bincount(key_b, minlength=mask + 1))])
    return {"words": words, "anchors": np.array([r[1] for r in rows], dtype=np.int64),
            "flags": np.array([r[2] for r in rows], dtype=np.int64), "off_a": off_a,
            "perm_b": np.argsort(key_b, kind="stable"), "off_b": off_b}


@pytest.mark.parametrize(("pam", "side", "k", "sub_bits"), [
    ("NRG", "3prime", 6, 10), ("NRG", "3prime", 4, 3), ("TTTV", "5prime", 5, 4),
    ("G", "3prime", 2, 10), ("NNGRRT", "3prime", 7, 6),
])
def test_partitioned_build_equals_reference(pam, side, k, sub_bits, monkeypatch):
    """Many chunks, genome segments and sort groups give the arrays the definition gives."""
    from genetx.edit.offtarget import index as index_mod
    from genetx.genome.packed import decode

    rng = np.random.default_rng(11)
    records = {}
    for i, length in enumerate((2500, 40, 1800)):
        seq = list(rng.choice(list("ACGTacgt"), length, p=[0.2, 0.1, 0.2, 0.2] + [0.075] * 4))
        for j in rng.integers(0, length, 6):
            seq[j] = "N"
        records[f"r{i}"] = "".join(seq)
    packed = pack_in_memory(InMemoryGenome(records))
    monkeypatch.setattr(index_mod, "SUB_BITS", sub_bits)
    want = _reference_index(decode(packed.codes), pam, side, k)
    assert len(want["words"]) > 100
    for segment, group in ((89, 61), (997, 7), (10**6, 10**6)):
        got = index_mod._build_arrays(packed, pam, side, k,
                                      lambda _n, dt, size: np.empty(size, dt), None,
                                      segment_bases=segment, group_sites=group)
        for name, arr in want.items():
            assert np.array_equal(got[name].astype(np.int64) if name != "words" else got[name],
                                  arr), (name, segment)


def test_saved_index_lists_its_arrays_and_no_scratch(tmp_path):
    packed = pack_genome(InMemoryGenome({"x": _random(5000, 12)}), tmp_path / "p")
    idx = build_index(packed, "NRG", directory=tmp_path / "i")
    names = sorted(p.name for p in idx.path.iterdir())
    assert names == ["anchors.npy", "flags.npy", "meta.json", "off_a.npy", "off_b.npy",
                     "perm_b.npy", "words.npy"]
    meta = json.loads((idx.path / "meta.json").read_text())
    assert meta["arrays"]["words"] == ["<u8", idx.n_sites]
    meta["arrays"]["flags"][1] += 1
    (idx.path / "meta.json").write_text(json.dumps(meta))
    with pytest.raises(BadInputError, match=r"flags\.npy does not have the dtype and length"):
        load_index(idx.path, packed)


def test_index_of_an_older_format_is_rebuilt_in_the_cache(tmp_path):
    from genetx.edit.offtarget.index import INDEX_VERSION

    packed = pack_genome(InMemoryGenome({"x": _random(4000, 13)}), tmp_path / "p")
    idx = open_index(packed, "NGG")
    meta = json.loads((idx.path / "meta.json").read_text())
    meta["format"] = INDEX_VERSION - 1
    (idx.path / "meta.json").write_text(json.dumps(meta))
    with pytest.raises(BadInputError, match=f"index format {INDEX_VERSION - 1} is not"):
        load_index(idx.path, packed)
    again = open_index(packed, "NGG")
    assert json.loads((again.path / "meta.json").read_text())["format"] == INDEX_VERSION
    assert again.n_sites == idx.n_sites
