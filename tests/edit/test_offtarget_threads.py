"""The parallel verification kernel: the same table, in the same order, on 1 or 2 threads and
as the numpy path (itself checked against the naive scanner in test_offtarget.py)."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from genetx.edit.offtarget import _search as eng
from genetx.edit.offtarget import search
from genetx.edit.offtarget.index import build_index_in_memory
from genetx.errors import BadInputError
from genetx.genome import InMemoryGenome
from genetx.genome.packed import pack_in_memory
from tests.edit.test_offtarget import _naive_rows, _rows, genomes_and_guides
from tests.naive import naive_offtargets


def _three_ways(idx, guides, **kw) -> list[pd.DataFrame]:
    """numpy path; kernel on 1 thread; kernel on 2 threads with tiny chunks and calls."""
    out = [search(idx, guides, threads=1, **kw)]
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(eng, "KERNEL_MIN_CANDIDATES", 0)
        out.append(search(idx, guides, threads=1, **kw))
        mp.setattr(eng, "_KERNEL_CHUNK", 3)   # many chunks per call
        mp.setattr(eng, "_KERNEL_BATCH", 50)  # many calls, full scans split in pieces
        out.append(search(idx, guides, threads=2, **kw))
    return out


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=genomes_and_guides(max_len=120), mm=st.integers(0, 6), dna=st.integers(0, 2),
       rna=st.integers(0, 2), k=st.integers(2, 7))
def test_threads_give_identical_frames(data, mm, dna, rna, k):
    records, guides = data
    idx = build_index_in_memory(pack_in_memory(InMemoryGenome(records)), "NRG", k=k)
    if idx.n_sites == 0:
        return
    numpy_path, one, two = _three_ways(idx, guides, max_mismatches=mm, dna_bulge=dna,
                                       rna_bulge=rna)
    pd.testing.assert_frame_equal(one, numpy_path)
    pd.testing.assert_frame_equal(two, numpy_path)
    expected = naive_offtargets(records, guides, "NRG", mm, dna_bulge=dna, rna_bulge=rna)
    assert _rows(two) == _naive_rows(expected)


def test_kernel_arrays_match_numpy_in_order():
    """Below the frame: the raw (query, site, mismatches) arrays agree element by element."""
    import numpy as np

    rng = np.random.default_rng(3)
    seq = "".join(rng.choice(list("ACGT"), 20_000))
    guides = [seq[s:s + 20] for s in (50, 4000, 9000, 15000)]
    for k in (3, 8):
        idx = build_index_in_memory(pack_in_memory(InMemoryGenome({"r": seq})), "NRG", k=k)
        q = eng.make_queries(guides, "3prime", 1, 1)
        ref = eng.search_queries(idx, q, 4, kernel=False)
        assert ref[0].shape[0] > 0
        for threads, batch in ((1, None), (2, None), (2, 1000)):
            got = eng.search_queries(idx, q, 4, batch, threads=threads, kernel=True)
            for a, b in zip(got, ref, strict=True):
                np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("threads", [0, -2, 1.5, True, "2"])
def test_bad_threads(threads):
    g = InMemoryGenome({"chr1": "TTTT" + "GACGCATAAAGATGAGACGC" + "AGG" + "TTTT"})
    with pytest.raises(BadInputError, match="threads="):
        search(g, ["GACGCATAAAGATGAGACGC"], "NGG", threads=threads)
