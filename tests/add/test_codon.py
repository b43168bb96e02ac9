"""Codon optimisation: the protein is kept, requested constraints hold when re-checked with
GeneTx's own code, impossible requests and bad input give one clear line."""

from __future__ import annotations

import pytest

from genetx.add import checks
from genetx.add.codon import (
    CodonConstraints,
    back_translate,
    check_cds,
    check_protein,
    codon_table,
    optimize_cds,
)
from genetx.core.seq import translate
from genetx.errors import BadInputError, InfeasibleDesignError, InvalidSequenceError


def test_default_optimisation_keeps_the_record_protein(ada_cds) -> None:
    cds, record_translation = ada_cds
    res = optimize_cds(cds, name="ADA")
    assert translate(res.sequence) == record_translation + "*"  # full length, record truth
    assert len(res.sequence) == len(cds)
    assert res.sequence.startswith("ATG")
    assert all(c.after_pass and c.independent_pass for c in res.constraints)
    assert res.after.cai > res.before.cai
    assert res.after.cai == pytest.approx(
        checks.cai(res.sequence, checks.codon_weights(codon_table())))
    # plain re-checks of the defaults
    assert not checks.homopolymer_runs(res.sequence, 7)
    assert not checks.gc_window_violations(res.sequence, 0.30, 0.70, 100)
    assert not checks.find_motif(res.sequence, "AATAAA")
    assert not checks.find_motif(res.sequence, "ATTAAA")
    assert not checks.find_motif(res.sequence, "GTRAGT")
    assert not checks.repeated_kmers(res.sequence, 20)
    names = {c.name for c in res.constraints}
    assert {"translation", "gc_window", "homopolymer_A", "polyA_signal_AATAAA",
            "splice_donor_consensus", "splice_acceptor_consensus", "unique_20mers"} <= names


def test_cpg_free_and_enzymes(ada_cds) -> None:
    cds, record_translation = ada_cds
    enzymes = [e for e in ("BamHI", "EcoRI", "PstI", "BsaI", "NcoI", "XhoI", "SacI", "KpnI")
               if checks.restriction_sites(cds, [e])[e]]
    assert enzymes, "the ADA CDS should hold at least one common site"
    assert len(checks.cpg_positions(cds)) > 0
    res = optimize_cds(cds, name="ADA",
                       constraints=CodonConstraints(cpg_free=True, avoid_enzymes=tuple(enzymes)))
    assert translate(res.sequence) == record_translation + "*"
    assert len(checks.cpg_positions(res.sequence)) == 0
    assert res.after.cpg == 0
    assert res.before.cpg > 0
    for e, hits in checks.restriction_sites(res.sequence, enzymes).items():
        assert hits == [], e
    cpg = next(c for c in res.constraints if c.name == "cpg")
    assert not cpg.before_pass
    assert cpg.after_pass
    assert cpg.independent_pass
    assert cpg.before_locations


def test_protein_input_is_back_translated() -> None:
    protein = "MSKGEELFTGVVPILVELDGDVNGHKFSVSGEGEGDATYGKLTLKFICTTGKLPVPWPTLVTTL"
    res = optimize_cds(protein=protein, name="gfp_part",
                       constraints=CodonConstraints(cpg_free=True))
    assert translate(res.sequence) == protein + "*"
    assert translate(back_translate(protein)) == protein + "*"
    assert res.after.cpg == 0


def test_match_codon_usage_method_and_determinism() -> None:
    protein = "MAEQKLISEEDLLRKRREQLKHKLEQ"
    c = CodonConstraints(method="match_codon_usage", unique_kmer=None)
    a = optimize_cds(protein=protein, constraints=c)
    b = optimize_cds(protein=protein, constraints=c)
    assert a.sequence == b.sequence
    assert translate(a.sequence) == protein + "*"


@pytest.mark.parametrize(("cds", "needle"), [
    ("ATGAAAT", "not a multiple of 3"),
    ("GTGAAATAA", "does not start with the ATG"),
    ("ATGTAGAAATAA", "in-frame stop codon TAG at codon 2"),
    ("ATGNNNTAA", "letter 'N' at position 4"),
    ("", "is empty"),
])
def test_bad_cds(cds, needle) -> None:
    with pytest.raises(InvalidSequenceError) as err:
        check_cds(cds, "mycds")
    assert str(err.value).startswith("mycds: ")
    assert needle in str(err.value)


@pytest.mark.parametrize(("protein", "needle"), [
    ("MKX", "letter 'X' at residue 3"),
    ("MK*L", "stop (*) at residue 3"),
    ("KLM", "not with M"),
    ("MKB*", "letter 'B'"),
])
def test_bad_protein(protein, needle) -> None:
    with pytest.raises(InvalidSequenceError) as err:
        check_protein(protein, "prot")
    assert needle in str(err.value)


def test_cds_without_stop_gets_one() -> None:
    assert check_cds("ATGAAA") == ("ATGAAATGA", "MK")


def test_impossible_gc_names_the_conflict_and_position() -> None:
    with pytest.raises(InfeasibleDesignError) as err:
        optimize_cds("ATG" + "AAA" * 40 + "TAA", name="polyK",
                     constraints=CodonConstraints(gc_min=0.6, gc_max=0.9, gc_window=30))
    text = str(err.value)
    assert text.startswith("polyK: constraint gc_window at nt ")
    assert "translation" in text
    assert "\n" not in text


def test_impossible_pair_of_constraints_is_named() -> None:
    with pytest.raises(InfeasibleDesignError) as err:
        optimize_cds("ATG" + "AAA" * 10 + "TAA", name="polyK",
                     constraints=CodonConstraints(max_homopolymer=3))
    assert "homopolymer_A" in str(err.value)
    assert "unique_20mers" in str(err.value)


@pytest.mark.parametrize("kwargs", [
    {"gc_min": 0.8, "gc_max": 0.2}, {"avoid_enzymes": ("NotAnEnzyme",)},
    {"max_homopolymer": 2}, {"unique_kmer": 4}, {"method": "magic"},
])
def test_bad_constraint_settings(kwargs) -> None:
    with pytest.raises(BadInputError):
        CodonConstraints(**kwargs)
