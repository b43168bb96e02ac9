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
