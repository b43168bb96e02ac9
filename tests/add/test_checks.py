"""The plain re-checks against hand-counted cases and the codon usage table file itself."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import pytest

from genetx.add import checks


def test_cpg_gc_homopolymers_by_hand() -> None:
    seq = "ACGTTCGAAAAAAAGG"
    assert checks.cpg_positions(seq).tolist() == [1, 5]
    assert checks.gc_fraction(seq) == pytest.approx(6 / 16)
    assert checks.homopolymer_runs(seq, 7) == [(7, 14, "A")]
    assert checks.longest_homopolymer(seq) == 7
    # o/e = n(CG) * L / (n(C) * n(G)) = 2 * 16 / (2 * 4)
    assert checks.cpg_observed_expected(seq) == pytest.approx(4.0)


def test_gc_windows() -> None:
    seq = "AAAAAAAAAA" + "GCGCGCGCGC" + "ATATATATAT"
    bad = checks.gc_window_violations(seq, 0.2, 0.8, 10)
    # windows starting 0 (GC 0) and 10 (GC 1) and 20 (GC 0) are out; runs are merged
    starts = [s for s, _, _ in bad]
    assert 0 in starts
    assert all(e - s >= 10 for s, e, _ in bad)
    assert checks.gc_window_violations("ACGT" * 10, 0.4, 0.6, 8) == []


def test_motifs_both_strands_and_enzymes() -> None:
    assert checks.find_motif("CCAATAAAGG", "AATAAA") == [(2, 8, 1)]
    assert checks.find_motif("GTTTATTG", "AATAAA", both_strands=True) == [(1, 7, -1)]
    assert checks.find_motif("AAGTAAGTA", "GTRAGT") == [(2, 8, 1)]
    assert checks.enzyme_site("BsaI") == "GGTCTC"
    assert checks.restriction_sites("AAGAGACCAA", ["BsaI"]) == {"BsaI": [(2, 8, -1)]}


def test_repeated_kmers_with_reverse_complement() -> None:
    seq = "ACGTTTACGTAAAC"
    assert checks.repeated_kmers(seq, 4, include_reverse_complement=False) == [("ACGT", [0, 6])]
    both = dict(checks.repeated_kmers(seq, 4))
    assert both["ACGT"] == [0, 6]
    assert both["GTTT"] == [2, 10]  # AAAC at 10 is the reverse complement of GTTT
    assert checks.repeated_kmers("ACGTAC", 5) == []


def _table_file() -> dict[str, dict[str, float]]:
    import python_codon_tables

    path = Path(python_codon_tables.__file__).parent / "codon_usage_data/tables"
    rows = csv.DictReader((path / "h_sapiens_9606.csv").read_text().splitlines())
    out: dict[str, dict[str, float]] = {}
    for r in rows:
        out.setdefault(r["amino_acid"], {})[r["codon"].replace("U", "T")] = float(
            r["relative_frequency"])
    return out


def test_cai_by_hand_from_the_table_file() -> None:
    table = _table_file()
    w = checks.codon_weights(table)
    leu = table["L"]
    # Sharp & Li: w = f / max f; CAI = geometric mean over codons except ATG, TGG, stops
    w_cta = leu["CTA"] / max(leu.values())
    assert checks.cai("ATGCTGCTATGGTAA", w) == pytest.approx(math.sqrt(1.0 * w_cta))
    best = "".join(max(c, key=c.get) for aa, c in table.items() if aa not in "*MW")
    assert checks.cai(best, w) == pytest.approx(1.0)


def test_same_protein() -> None:
    assert checks.same_protein("ATGAAATAA", "MK") == (True, "")
    ok, why = checks.same_protein("ATGAAGTAA", "MN")
    assert not ok
    assert "codon 2" in why
    assert not checks.same_protein("ATGAAA", "MK")[0]
