"""Base editing: editor choice, guides, bystanders and the protein of every outcome.

Truth used here: a small gene written by hand on each strand (the guide, its PAM and the
position of the base in the window are worked out by hand in the comments), and DMD
NM_004006.2 on the embedded GRCh38 locus. Every outcome's protein is re-derived in the test
by applying the listed edits to the genome and translating the transcript with
``Transcript.protein`` (the gene-model code, not the designer's).
"""

from __future__ import annotations

import re

import pytest

from genetx.core.seq import reverse_complement, translate
from genetx.edit.base_editing import design_base_edits, editor_for
from genetx.errors import InfeasibleDesignError
from genetx.genome import InMemoryGenome
from genetx.genome.models import Gene, Transcript
from genetx.genome.variants import parse_variant

UTR5 = "GTCAGTCAGTCAGTCAGTCAGTCCAGTCAG"  # CCA at 22-24 is the minus-strand PAM (TGG)
CDS = "ATGGCTGAACGATTCAAAGGTCTGTGGCATAACTTTGGACCCTAA"  # M A E R F K G L W H N F G P *
UTR3 = "GTTAGTTAGTTAGTTAGTTA"
FLANK = "AT" * 20
SEQ = FLANK + UTR5 + CDS + UTR3 + FLANK  # 175 bp; exon 40-135, CDS 70-115


def plus_gene():
    tx = Transcript("T+", "G", "chr1", "+", ((40, 135),), cds=(70, 115))
    return Gene("G", "chr1", 40, 135, "+", (tx,)), tx, InMemoryGenome({"chr1": SEQ})


def minus_gene():
    n = len(SEQ)
    tx = Transcript("T-", "G", "chr1", "-", ((n - 135, n - 40),), cds=(n - 115, n - 70))
    return (Gene("G", "chr1", n - 135, n - 40, "-", (tx,)), tx,
            InMemoryGenome({"chr1": reverse_complement(SEQ)}))


def _protein_after(tx: Transcript, genome: InMemoryGenome, edits: str, patient: tuple) -> str:
    """Translate the transcript after the patient change and the listed g. edits."""
    seq = list(genome.fetch(tx.chrom, 0, genome.contig_length(tx.chrom)))
    pos, alt = patient
    seq[pos] = alt
    for e in edits.split(";"):
        m = re.match(r"g\.(\d+)([ACGT])>([ACGT])", e)
        assert m, e
        p = int(m[1]) - 1
        assert seq[p] == m[2]
        seq[p] = m[3]
    return tx.protein(InMemoryGenome({tx.chrom: "".join(seq)}))


def test_editor_choice() -> None:
    assert editor_for("G", "A") == ("adenine", "+")
    assert editor_for("C", "T") == ("adenine", "-")
    assert editor_for("T", "C") == ("cytosine", "+")
    assert editor_for("A", "G") == ("cytosine", "-")
    kind, reason = editor_for("C", "A")
    assert kind is None
    assert "transversion" in reason


@pytest.mark.parametrize(("make", "strand"), [(plus_gene, "-"), (minus_gene, "+")])
def test_abe_reverts_nonsense_both_strands(make, strand) -> None:
    _gene, tx, g = make()
    v = parse_variant("c.10C>T", tx, g)  # CGA (Arg4) -> TGA
    assert v.effect.protein == "p.(Arg4Ter)"
    plan = design_base_edits(v, tx, g, nucleases=("SpCas9",))
    assert plan.editor == "ABE8e"
    assert plan.strand == strand
    # by hand (plus gene): patient plus strand around c.10 reads ...GTCAG ATGGCTGAA TGA TTC...;
    # CCA at 62-64 is a TGG PAM on the minus strand, so the protospacer is the reverse
    # complement of plus 65-84, GAATCATTCAGCCATCTGAC, whose A at position 6 pairs with the
    # patient T at c.10; positions 4-8 read T C A T T: no other A, no bystander. The minus gene
    # is the reverse complement of the same sequence: the same guide on the plus strand.
    row = plan.guides[plan.guides["spacer"] == "GAATCATTCAGCCATCTGAC"].iloc[0]
    assert (row.pam, row.target_position, row.bystanders, row.Strand) == ("TGG", 6, 0, strand)
    assert row.protein_intended == "p.(=)"
    assert bool(row.clean)
    ref_protein = tx.protein(g)
    assert ref_protein == "MAERFKGLWHNFGP"
    out = plan.outcomes[plan.outcomes["guide_id"] == row.guide_id]
    assert out["restores_protein"].all()
    for o in out.itertuples():
        assert _protein_after(tx, g, o.edits, (v.start, v.alt)) == ref_protein


def test_cbe_and_bystander_outcomes_checked_independently() -> None:
    _gene, tx, g = plus_gene()
    v = parse_variant("c.13T>C", tx, g)  # TTC (Phe5) -> CTC (Leu)
    assert v.effect.protein == "p.(Phe5Leu)"
    plan = design_base_edits(v, tx, g, nucleases=("SpCas9", "SpCas9-NG", "SpRY"))
    assert plan.editor == "BE4max"
    assert plan.strand == "+"
    ref_protein = tx.protein(g)
    checked = 0
    for o in plan.outcomes.itertuples():
        got = _protein_after(tx, g, o.edits, (v.start, v.alt))
        assert (got == ref_protein) == o.restores_protein
        desc = o.protein
        if got == ref_protein:
            assert desc == "p.(=)"
        checked += 1
    assert checked >= len(plan.guides)
    assert plan.guides["clean"].any()


@pytest.mark.parametrize(("variant", "reason"), [
    ("c.10C>A", "transversion"),
    ("c.10del", "base editors revert single-base changes only"),
])
def test_unreachable_variants_say_why(variant, reason) -> None:
    _gene, tx, g = plus_gene()
    v = parse_variant(variant, tx, g)
    with pytest.raises(InfeasibleDesignError, match=reason) as e:
        design_base_edits(v, tx, g)
    assert str(e.value).startswith(variant)


def test_no_guide_in_window_says_why() -> None:
    _gene, tx, _ = plus_gene()
    g = InMemoryGenome({"chr1": SEQ.replace("CCA", "GTA")})  # remove the one usable PAM
    v = parse_variant("c.10C>T", tx, g)
    with pytest.raises(InfeasibleDesignError, match="positions 4-8") as e:
        design_base_edits(v, tx, g, nucleases=("SpCas9",))
    assert "use prime editing" in str(e.value)
    with pytest.raises(InfeasibleDesignError, match="needs an adenine base editor to turn T"):
        design_base_edits(v, tx, g, editors=("BE4max",))


def test_dmd_nonsense_reverted_by_abe() -> None:
    from genetx.genome.genes import load_gene

    h = load_gene("DMD")
    tx = h.transcript
    v = parse_variant("c.2665C>T", h.gene, h.genome)
    assert v.effect.protein == "p.(Arg889Ter)"
    plan = design_base_edits(v, tx, h.genome, nucleases=("SpCas9-NG",))
    # DMD is on the minus strand: c.2665C>T is plus G>A, reverted by an ABE on the plus strand
    assert (plan.editor, plan.strand, plan.change) == ("ABE8e", "+", "chrX:g.32485057A>G")
    row = plan.guides[plan.guides["spacer"] == "TTAATCATTCAATTTGAGGT"].iloc[0]
    assert (row.pam, row.target_position, row.bystander_positions) == ("TG", 7, "A4")
    # check the outcomes with the gene model on a patched copy of the locus
    rec = h.sequence_record
    a = h.genome.segments()[0].offset
    full = h.genome.fetch(rec, 0, h.genome.records()[rec])
    ref_protein = tx.protein(h.genome)
    for o in plan.outcomes[plan.outcomes["guide_id"] == row.guide_id].itertuples():
        seq = list(full)
        seq[v.start - a] = v.alt
        for e in o.edits.split(";"):
            m = re.match(r"g\.(\d+)([ACGT])>([ACGT])", e)
            seq[int(m[1]) - 1 - a] = m[3]
        got = tx.protein(InMemoryGenome({rec: "".join(seq)}))
        assert (got == ref_protein) == o.restores_protein
        assert o.restores_protein == ("A7" in o.edited_positions)
    assert translate(tx.cds_sequence(h.genome))[888] == "R"
