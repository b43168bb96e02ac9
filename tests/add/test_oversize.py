"""Oversized CDSs: numbers, the FVIII-SQ build from NM_000132.3, split-intein dual AAV, LV."""

from __future__ import annotations

import pytest

from genetx.add.elements import load_elements
from genetx.add.oversize import (
    INTEIN_C,
    INTEIN_N,
    assess_fit,
    build_shortened,
    choose_split,
    propose,
    split_cassettes,
    split_sites,
)
from genetx.add.rules import ITRIntegrity, PackagingLimit
from genetx.core.seq import translate
from genetx.errors import BadInputError

SIGNAL = 19  # FVIII signal peptide (Thompson 2003)


def test_fviii_sq_from_the_refseq_record(f8_cds) -> None:
    cds, record_protein = f8_cds
    assert len(record_protein) == 2351 == 2332 + SIGNAL
    built = build_shortened("F8-BDD-SQ", cds, transcript="NM_000132.3")
    # Sandberg 2001: Gln744-Ser1637 (mature numbering) removed -> 2332 - 894 mature residues
    assert record_protein[744 + SIGNAL - 1] == "Q"
    assert record_protein[1637 + SIGNAL - 1] == "S"
    assert len(built.protein) == 2351 - (1637 - 744 + 1) == 1457
    assert built.protein == record_protein[:743 + SIGNAL] + record_protein[1637 + SIGNAL:]
    assert built.cds == cds[:3 * (743 + SIGNAL)] + cds[3 * (1637 + SIGNAL):]
    assert translate(built.cds) == built.protein + "*"
    assert len(built.cds) == 4374
    assert built.junction == "SFSQNPPVLKRHQR"
    assert len(built.junction) == 14
    assert built.removed_precursor == (763, 1656)


def test_fviii_sq_refuses_a_record_that_disagrees(f8_cds) -> None:
    cds, _ = f8_cds
    i = 744 + SIGNAL - 1
    mutated = cds[:3 * i] + "AAA" + cds[3 * i + 3:]  # Gln744 -> Lys
    with pytest.raises(BadInputError) as err:
        build_shortened("F8-BDD-SQ", mutated)
    assert "mature residue 744" in str(err.value)
    with pytest.raises(BadInputError):
        build_shortened("F8-BDD-SQ", cds, transcript="NM_004006.2")
    with pytest.raises(BadInputError) as err:
        build_shortened("DMD-microdystrophin", cds)
    assert "not built" in str(err.value)
    with pytest.raises(BadInputError):
        build_shortened("no-such-version", cds)


def test_f8_does_not_fit_and_the_proposals_say_what_to_do(f8_cds) -> None:
    cds, protein = f8_cds
    props = {p.kind: p for p in propose(protein, cds, gene="F8", transcript="NM_000132.3",
                                        tissue="liver")}
    sq = props["shortened"]
    assert sq.details["cds_length"] == 4374
    assert sq.details["junction"] == "SFSQNPPVLKRHQR"
    fit = sq.details["fit"]
    # HLP (252) + Kozak (6) + CDS (4374) + polyA + 2 x 145 ITRs
    lib = load_elements()
    polya = [n for n in ("bGH_polyA", "SV40_polyA", "synthetic_polyA_SPA") if n in sq.summary]
    assert fit["packaged_length"] == 290 + 252 + 6 + 4374 + lib.get(polya[0]).length
    split = props["dual_aav_split_intein"]
    assert split.feasible
    site = split.details["site"]
    assert protein[site["residue"] - 1] in "CST"
    assert site["n_vector_length"] <= 4700
    assert site["c_vector_length"] <= 4700
    assert props["lentiviral_ex_vivo"].feasible


def test_dmd_numbers(dmd_cds) -> None:
    cds, protein = dmd_cds
    assert len(cds) == 11058
    assert len(protein) == 3685
    fit = assess_fit(len(cds), 290 + 771 + 6 + len(cds) + 49, "ssAAV")
    assert not fit.fits
    assert fit.overflow == 290 + 771 + 6 + 11058 + 49 - 4700
    assert "does not fit" in fit.message
    assert "11,058" in fit.message
    props = {p.kind: p for p in propose(protein, cds, gene="DMD", tissue="muscle")}
    assert not props["shortened"].feasible  # micro-dystrophin is listed, not built
    assert not props["dual_aav_split_intein"].feasible
    assert "orthogonal split intein" in props["dual_aav_split_intein"].summary
    assert props["lentiviral_ex_vivo"].details["fit"]["band"] == "reduced_titer"


def test_split_cassettes_reconstitute_the_protein(f8_cds) -> None:
    cds, _protein = f8_cds
    built = build_shortened("F8-BDD-SQ", cds)
    design = choose_split(built.protein, built.cds, tissue="liver")
    assert design is not None
    assert design.fits
    assert design.site.aa == "C"  # a Cys site that fits both vectors exists and is preferred
    n_vec, c_vec = split_cassettes(design, built.protein, name="F8SQ")
    lib = load_elements()
    n_int = translate(lib.get(INTEIN_N).sequence)
    c_int = translate(lib.get(INTEIN_C).sequence)
    parts = []
    for vec, intein in ((n_vec, INTEIN_N), (c_vec, INTEIN_C)):
        rec = vec.record
        cds_f = next(f for f in rec.features if f.type == "CDS")
        int_f = next(f for f in rec.features if f.qualifiers["label"] == [intein])
        assert cds_f.location.start <= int_f.location.start < int_f.location.end <= (
            cds_f.location.end)
        assert str(int_f.extract(rec.seq)) == lib.get(intein).sequence
        parts.append(translate(str(cds_f.extract(rec.seq))))
        assert PackagingLimit("ssAAV").evaluate(rec).passes
        assert ITRIntegrity("ssAAV").evaluate(rec).passes
    n_prot, c_prot = parts
    assert n_prot.endswith(n_int + "*")
    assert c_prot.startswith(c_int)
    exteins = n_prot[:-len(n_int) - 1] + c_prot[len(c_int):-1]
    assert exteins == built.protein  # trans-splicing product = the input protein
    assert c_prot[len(c_int)] in "CST"
    assert (n_vec.length, c_vec.length) == (design.site.n_length, design.site.c_length)


def test_split_sites_only_at_cys_ser_thr() -> None:
    protein = "M" + "A" * 60 + "C" + "A" * 60 + "S" + "A" * 60
    sites = split_sites(protein, 1000)
    assert [(s.residue, s.aa) for s in sites] == [(62, "C"), (123, "S")]
    assert choose_split("M" + "A" * 200, "ATG" + "GCC" * 200 + "TGA") is None
