"""The off-target engine against the brute-force scanner in tests/naive.py, plus bad input."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from genetx.edit.offtarget import (
    check_guides,
    iter_search,
    prepare_index,
    read_guide_file,
    search,
)
from genetx.errors import BadInputError, InvalidSequenceError, MalformedFileError
from genetx.genome import InMemoryGenome
from tests.naive import naive_offtargets

COLS = ["Chromosome", "Start", "End", "Strand", "guide_id", "site", "mismatches",
        "bulge_type", "bulge_size", "bulge_position"]


def _rows(df) -> set[tuple]:
    return {tuple(r) for r in df[COLS].itertuples(index=False)}


def _naive_rows(rows: list[dict]) -> set[tuple]:
    return {tuple(r[c] for c in COLS) for r in rows}


def _check(records, guides, pam, mm, side="3prime", dna=0, rna=0, placement=None):
    expected = naive_offtargets(records, guides, pam, mm, pam_side=side, dna_bulge=dna,
                                rna_bulge=rna, placement=placement)
    try:
        got = search(InMemoryGenome(records), guides, pam, pam_side=side, max_mismatches=mm,
                     dna_bulge=dna, rna_bulge=rna)
    except BadInputError as exc:  # a genome without any PAM site is refused
        message = str(exc)
    else:
        message = ""
    if message:
        assert "PAM sites" in message
        assert expected == []
        return None
    assert len(got) == len(expected), "engine reported a site twice or missed one"
    assert _rows(got) == _naive_rows(expected)
    return got


# Genomes from small alphabets give many near-matches; N, soft-masked letters and other IUPAC
# letters test masking; several records test record ends.
_alphabets = st.sampled_from(["AG", "AGT", "ACGT", "GGA", "TTTAC", "AAGGTC"])


@st.composite
def genomes_and_guides(draw, max_len: int = 160):
    alpha = draw(_alphabets)
    n_rec = draw(st.integers(1, 3))
    records = {}
    for i in range(n_rec):
        n = draw(st.integers(0, max_len))
        base = draw(st.text(alphabet=alpha, min_size=n, max_size=n))
        chars = list(base)
        for j in draw(st.lists(st.integers(0, max(0, n - 1)), max_size=3)):
            if chars:
                chars[j] = draw(st.sampled_from("NnacgtRY"))
        records[f"c{i}"] = "".join(chars) or "A"
    text = "".join(records.values()).upper()
    guides = {}
    for gi in range(draw(st.integers(1, 3))):
        length = draw(st.integers(16, 22))
        if len(text) >= length and draw(st.booleans()):
            s = draw(st.integers(0, len(text) - length))
            g = list(text[s:s + length].replace("N", "A").replace("R", "G").replace("Y", "C"))
        else:
            g = list(draw(st.text(alphabet=alpha, min_size=length, max_size=length)))
        for _ in range(draw(st.integers(0, 3))):
            g[draw(st.integers(0, length - 1))] = draw(st.sampled_from("ACGT"))
        guides[f"g{gi}"] = "".join(g)
    return records, guides


_hyp = settings(max_examples=40, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@_hyp
@given(data=genomes_and_guides(), mm=st.integers(0, 6),
       pam=st.sampled_from(["NGG", "NRG", "NNGRRT", "G", "NAG"]))
def test_mismatch_search_equals_naive_3prime(data, mm, pam):
    records, guides = data
    _check(records, guides, pam, mm)


@_hyp
@given(data=genomes_and_guides(), mm=st.integers(0, 6), pam=st.sampled_from(["TTTV", "TTN", "T"]))
def test_mismatch_search_equals_naive_5prime(data, mm, pam):
    records, guides = data
    _check(records, guides, pam, mm, side="5prime")


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=genomes_and_guides(max_len=90), mm=st.integers(0, 4), dna=st.integers(0, 2),
       rna=st.integers(0, 2), pam=st.sampled_from(["NGG", "NRG", "TTTV"]))
def test_bulge_search_equals_naive(data, mm, dna, rna, pam):
    records, guides = data
    side = "5prime" if pam == "TTTV" else "3prime"
    _check(records, guides, pam, mm, side=side, dna=dna, rna=rna)


def test_planted_sites_both_strands_and_soft_mask():
    guide = "GACGCATAAAGATGAGACGC"
    rc_site = "CCT" + "GCGTCTCATCTTTATGCGTC"  # minus-strand copy with its PAM (AGG)
    seq = "TTTT" + guide.lower() + "TGG" + "AAAA" + rc_site + "TTTT"
    got = _check({"chr1": seq}, {"emx": guide}, "NGG", 0)
    assert got[["Start", "End", "Strand"]].values.tolist() == [[4, 27, "+"], [31, 54, "-"]]
    assert list(got["site"]) == [guide + "TGG", guide + "AGG"]


def test_no_site_across_n_or_record_end():
    guide = "GACGCATAAAGATGAGACGC"
    records = {"a": guide[:10] + "N" + guide[11:] + "AGG", "b": guide[5:] + "AGG",
               "c": guide, "d": "AGG" + guide}
    got = _check(records, {"g": guide}, "NGG", 6)
    assert got is None or got.empty


def test_pam_at_record_boundary_is_not_joined():
    guide = "GACGCATAAAGATGAGACGC"
    got = _check({"a": "TT" + guide + "A", "b": "GG" + guide + "AGG"}, {"g": guide}, "NGG", 1)
    assert got["Chromosome"].tolist() == ["b"]


def test_cas12a_5prime_pam():
    guide = "TGACCGTAACCGCATGCATAC"
    seq = "CC" + "TTTA" + guide + "GG" + "TTTC" + guide[:-1] + "G"
    got = _check({"x": seq}, {"c": guide}, "TTTV", 1, side="5prime")
    assert got["mismatches"].tolist() == [0, 1]
    assert got["site"].iloc[0] == "TTTA" + guide


def test_placed_records_report_chromosome_coordinates():
    guide = "GACGCATAAAGATGAGACGC"
    rec = "chrX:1001-1030"
    seq = "AAAA" + guide + "TGG" + "CCC"
    assert len(seq) == 30
    got = search(InMemoryGenome({rec: seq}), [guide], "NGG", max_mismatches=0)
    assert got[["Chromosome", "Start", "End"]].values.tolist() == [["chrX", 1004, 1027]]
    expected = naive_offtargets({rec: seq}, {"g1": guide}, "NGG", 0,
                                placement={rec: ("chrX", 1000)})
    assert _rows(got) == _naive_rows(expected)


def test_seed_buckets_and_full_scan_agree():
    """A larger random genome with a large seed (k) and a small one (full scans)."""
    from genetx.edit.offtarget.index import build_index_in_memory
    from genetx.genome.packed import pack_in_memory

    rng = np.random.default_rng(5)
    seq = "".join(rng.choice(list("ACGT"), 8_000))
    guides = {f"g{i}": seq[s:s + 20] for i, s in enumerate((100, 3000, 5000, 7000))}
    packed = pack_in_memory(InMemoryGenome({"r": seq}))
    out = []
    for k in (2, 8):
        idx = build_index_in_memory(packed, "NRG", k=k)
        out.append(_rows(search(idx, guides, max_mismatches=5, dna_bulge=1, rna_bulge=1)))
    assert out[0] == out[1]
    expected = naive_offtargets({"r": seq}, guides, "NRG", 5, dna_bulge=1, rna_bulge=1)
    assert out[0] == _naive_rows(expected)


def test_iter_search_streams_batches():
    rng = np.random.default_rng(1)
    seq = "".join(rng.choice(list("AG"), 3000))
    guides = [seq[i:i + 18] for i in range(0, 600, 60)]
    idx = prepare_index(InMemoryGenome({"r": seq}), "NGG")
    batches = list(iter_search(idx, guides, max_mismatches=2, guide_batch=3))
    assert len(batches) == 4
    assert sum(len(h) for _, h in batches) == len(search(idx, guides, max_mismatches=2))


# ------------------------------------------------------------------------------- bad input
GENOME = InMemoryGenome({"chr1": "TTTT" + "GACGCATAAAGATGAGACGC" + "AGG" + "TTTT"})


@pytest.mark.parametrize(("guides", "needle"), [
    (["GACGCATAAAGATGAGACGX"], "letter 'X' at position 20"),
    (["GACGCATAAAGATGA"], "15 nt long"),
    (["A" * 31], "31 nt long"),
    ([], "no guides"),
])
def test_bad_guides(guides, needle):
    with pytest.raises((InvalidSequenceError, BadInputError), match=needle):
        search(GENOME, guides, "NGG")


@pytest.mark.parametrize("pam", ["NXG", "", "NNNNNNNNN", "NNN"])
def test_bad_pam(pam):
    with pytest.raises(BadInputError, match="PAM"):
        search(GENOME, ["GACGCATAAAGATGAGACGC"], pam)


@pytest.mark.parametrize(("kwargs", "needle"), [
    ({"max_mismatches": 7}, "max_mismatches=7"),
    ({"max_mismatches": -1}, "max_mismatches=-1"),
    ({"dna_bulge": 3}, "dna_bulge=3"),
    ({"rna_bulge": -1}, "rna_bulge=-1"),
    ({"pam_side": "middle"}, "pam_side"),
])
def test_limits_out_of_range(kwargs, needle):
    with pytest.raises(BadInputError, match=needle):
        search(GENOME, ["GACGCATAAAGATGAGACGC"], "NGG", **kwargs)


def test_genome_without_pam_sites():
    with pytest.raises(BadInputError, match="no NGG PAM sites"):
        search(InMemoryGenome({"a": "ACACACACACACACACACACACACAC"}), ["A" * 20], "NGG")


def test_guide_file(tmp_path):
    p = tmp_path / "g.txt"
    p.write_text("# comment\nGACGCATAAAGATGAGACGC\nemx\tgagtccgagcagaagaagaa\tx\n\n")
    assert read_guide_file(p) == {"g2": "GACGCATAAAGATGAGACGC", "emx": "GAGTCCGAGCAGAAGAAGAA"}
    p.write_text("a\tGACGCATAAAGATGAGACGC\na\tGACGCATAAAGATGAGACGC\n")
    with pytest.raises(MalformedFileError, match="line 2: guide id 'a' is used twice"):
        read_guide_file(p)
    p.write_text("a\tGACGCATAAAGATGAGAC-C\n")
    with pytest.raises(MalformedFileError, match="line 1: guide 'a': letter '-'"):
        read_guide_file(p)
    p.write_text("\n# nothing\n")
    with pytest.raises(BadInputError, match="holds no guides"):
        read_guide_file(p)


def test_check_guides_ids():
    g = check_guides(["acgtacgtacgtacgtac", "ACGTACGTACGTACGTACGT"])
    assert g.ids == ("g1", "g2")
    assert g.seqs[0] == "ACGTACGTACGTACGTAC"


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=genomes_and_guides(max_len=120), mm=st.integers(0, 6), dna=st.integers(0, 2),
       rna=st.integers(0, 2), k=st.integers(5, 7))
def test_seed_filter_with_large_seeds_equals_naive(data, mm, dna, rna, k):
    """Small genomes normally get a small seed and full scans; force the seed filter."""
    from genetx.edit.offtarget._search import _plan, make_queries
    from genetx.edit.offtarget.index import build_index_in_memory
    from genetx.genome.packed import pack_in_memory

    records, guides = data
    expected = naive_offtargets(records, guides, "NRG", mm, dna_bulge=dna, rna_bulge=rna)
    idx = build_index_in_memory(pack_in_memory(InMemoryGenome(records)), "NRG", k=k)
    if k == 7 and mm <= 4:  # the seeded passes are really used here
        plan = _plan(idx, make_queries(list(guides.values()), "3prime", dna, rna), mm)
        assert not plan.full.all()
    got = search(idx, guides, max_mismatches=mm, dna_bulge=dna, rna_bulge=rna)
    assert len(got) == len(expected)
    assert _rows(got) == _naive_rows(expected)
