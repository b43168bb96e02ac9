"""Reading-frame arithmetic against hand calculation and published DMD cases.

Independent truth used here:

* exon lengths and the CDS of the NM_004006.2 GenBank record (parsed in conftest.py, not by
  GeneTx): 79 exons, CDS 245..11302 of 13,993 nt;
* published frame verdicts for DMD deletions: exons 3-7 out of frame; 4-18, 3-41 and 13-48 in
  frame; 45 out of frame (Winnard et al. 1993, Hum Mol Genet 2:737, "Characterization of
  translational frame exception patients in Duchenne/Becker muscular dystrophy"; 3-41 also
  Takeshima et al., "Amino-terminal deletion of 53% of dystrophin", and 10-44, 13-40 in-frame
  rod deletions, Isr Med Assoc J 2003;5:94); 45-47 in frame, "one of the more common in-frame
  deletions expected to cause a BMD phenotype" (Bushby et al. 1993, cited in the pseudoexon
  report on a del45-47 patient); exon 5 in frame (Toh et al. 2016, PLoS One 11:e0145620);
  exon 16 in frame and harmless (Schwartz et al. 2007, Hum Mutat 28:205); 45-55 in frame
  (Beroud et al. 2007, Hum Mutat 28:196);
* exons 10, 16, 26, 33 and 34 are in-frame exons whose nonsense/frameshift mutations are
  addressed by skipping that single exon (Aartsma-Rus et al. 2009, Hum Mutat 30:1527,
  "Exon skipping-mediated dystrophin reading frame restoration for small mutations");
* del49-50 "causes a frameshift and leads to the introduction of a premature termination codon
  in exon 51" (PMC7854307, Fig. 4, mechanism of action of eteplirsen);
* the coding nucleotides removed by deletions and skips in the worked table of
  shared/reference/facts-catalog.md section 3.3 (computed there from an independent exon table,
  GitHub frair7/7030_Capstone reference_tables/dmd_exons_grch38.csv);
* NM_004006.2:c.7657C>T is p.(Arg2553Ter) (ClinVar name): the patient's protein has 2552 aa.
"""

from __future__ import annotations

import pytest

from genetx.errors import BadInputError
from genetx.genome import InMemoryGenome, Transcript
from genetx.skip.frames import (
    FrameModel,
    check_order,
    deletion_frame,
    deletion_order,
    duplication_frame,
    duplication_order,
    exon_removal_in_frame,
    exon_sequences,
    parse_exon_set,
    reference_order,
    removal_frame,
    removal_order,
    translate_order,
)

# --------------------------------------------------------------------------------------------
# hand-worked synthetic model
#
# exon lengths 10, 9, 7, 11, 12, 14 with 4 nt of 5' UTR and 5 nt of 3' UTR:
#   coding per exon    6, 9, 7, 11, 12, 9   (cds 54 nt = 17 aa + stop)
#   coding before      0, 6, 15, 22, 33, 45
#   phase in           0, 0, 0, 1, 0, 0       phase out  0, 0, 1, 0, 0, 0


@pytest.fixture
def toy() -> FrameModel:
    return FrameModel.from_lengths([10, 9, 7, 11, 12, 14], utr5=4, utr3=5, transcript="T.1",
                                   gene="TOY")


def test_model_by_hand(toy: FrameModel) -> None:
    assert [e.coding for e in toy.exons] == [6, 9, 7, 11, 12, 9]
    assert [e.coding_before for e in toy.exons] == [0, 6, 15, 22, 33, 45]
    assert [e.phase_in for e in toy.exons] == [0, 0, 0, 1, 0, 0]
    assert [e.phase_out for e in toy.exons] == [0, 0, 1, 0, 0, 0]
    assert [e.kind for e in toy.exons] == ["partial", "coding", "coding", "coding", "coding",
                                          "partial"]
    assert (toy.start_exon, toy.stop_exon, toy.cds_length, toy.protein_length) == (1, 6, 54, 17)
    assert toy.exons[0].utr5 == 4
    assert (toy.exons[3].cds_start, toy.exons[3].cds_end) == (23, 33)


def test_utr_only_exons() -> None:
    # 5' UTR exon, coding exons, 3' UTR exon: start codon in exon 2, stop in exon 4
    m = FrameModel.from_lengths([20, 15, 9, 12, 30], utr5=23, utr3=33)
    assert [e.coding for e in m.exons] == [0, 12, 9, 9, 0]
    assert (m.start_exon, m.stop_exon) == (2, 4)
    assert m.skip_block_reason(1) == "exon 1 is the first exon and is never skipped"
    assert "start codon" in m.skip_block_reason(2)
    assert m.skippable(3)
    assert "stop codon" in m.skip_block_reason(4)
    assert "last exon" in m.skip_block_reason(5)
    # removing exon 3 (9 nt) keeps the frame: 12 + 9 coding nt are read
    fc = removal_frame(m, [3])
    assert fc.in_frame is True
    assert fc.coding_length == 21
    assert fc.protein_length == 6


def test_deletions_by_hand(toy: FrameModel) -> None:
    assert deletion_frame(toy, 2, 2).in_frame is True          # 9 nt
    fc = deletion_frame(toy, 3, 3)                              # 7 nt
    assert fc.in_frame is False
    assert fc.shift_at == (2, 4)
    assert deletion_frame(toy, 3, 4).in_frame is True          # 7 + 11 = 18 nt
    assert deletion_frame(toy, 3, 4).protein_length == 17 - 6
    assert deletion_frame(toy, 4, 5).in_frame is False         # 23 nt
    # start or stop exon removed: no verdict
    assert deletion_frame(toy, 1, 2).in_frame is None
    assert deletion_frame(toy, 5, 6).in_frame is None


def test_two_blocks_each_must_keep_the_frame(toy: FrameModel) -> None:
    # exons 2 and 3 together: 9 + 7 = 16 nt
    assert removal_frame(toy, [2, 3]).in_frame is False
    # separate blocks {3} (7 nt) and {5} (12 nt): exon 4 is read out of frame
    fc = removal_frame(toy, [3, 5])
    assert fc.in_frame is False
    assert fc.shift_at == (2, 4)
    # separate blocks {2} (9 nt) and {5} (12 nt): both multiples of 3
    assert removal_frame(toy, [2, 5]).in_frame is True
    # blocks whose total is a multiple of 3 but not each on its own: coding 3, 7, 9, 11, 3
    m = FrameModel.from_lengths([6, 7, 9, 11, 6], utr5=3, utr3=3)
    fc = removal_frame(m, [2, 4])  # 7 + 11 = 18 nt, but exon 3 is read out of frame
    assert fc.in_frame is False
    assert fc.shift_at == (1, 3)
    assert removal_frame(m, [2, 3, 4]).in_frame is True  # one block of 27 nt
    assert check_order(m, [1, 5]).in_frame is True


def test_duplications_by_hand(toy: FrameModel) -> None:
    assert duplication_order(toy, 3, 4) == (1, 2, 3, 4, 3, 4, 5, 6)
    assert duplication_frame(toy, 3, 4).in_frame is True       # inserts 18 nt
    assert duplication_frame(toy, 3, 4).protein_length == 17 + 6
    assert duplication_frame(toy, 3, 3).in_frame is False      # inserts 7 nt
    # a second copy of the start exon is read in full, 5' UTR included: 10 + 9 = 19 nt
    assert duplication_frame(toy, 1, 2).in_frame is False
    # the stop exon duplicated: translation ends in the first copy
    fc = duplication_frame(toy, 5, 6)
    assert fc.in_frame is True
    assert fc.protein_length == 17


def test_length_changes(toy: FrameModel) -> None:
    ref = reference_order(toy)
    fc = check_order(toy, ref, {4: -1})
    assert fc.in_frame is False
    assert fc.shift_at == (4, 5)
    assert check_order(toy, ref, {4: -3}).in_frame is True
    # the frameshift's exon removed: back in frame
    assert check_order(toy, removal_order(ref, [4]), {4: -1}).in_frame is False  # 11 nt exon
    assert check_order(toy, removal_order(ref, [3, 4]), {4: -1}).in_frame is True


def test_parse_exon_set(toy: FrameModel) -> None:
    assert parse_exon_set("2", toy) == (2,)
    assert parse_exon_set("ex2-3, 5", toy) == (2, 3, 5)
    with pytest.raises(BadInputError, match="reversed"):
        parse_exon_set("4-2", toy)
    with pytest.raises(BadInputError, match="overlap"):
        parse_exon_set("2-4,3-5", toy)
    with pytest.raises(BadInputError, match="there is no exon 7"):
        parse_exon_set("5-7", toy)
    with pytest.raises(BadInputError, match="there is no exon 0"):
        parse_exon_set("0", toy)
    with pytest.raises(BadInputError, match="not an exon number"):
        parse_exon_set("two", toy, "--skip")
    with pytest.raises(BadInputError, match="give exon numbers"):
        parse_exon_set("", toy)


def test_bad_ranges(toy: FrameModel) -> None:
    with pytest.raises(BadInputError, match="reversed"):
        deletion_order(toy, 4, 2)
    with pytest.raises(BadInputError, match="there is no exon 9"):
        duplication_order(toy, 5, 9)
    with pytest.raises(BadInputError, match="has exons 1-6"):
        toy.exon(7)
    with pytest.raises(BadInputError):
        FrameModel.from_lengths([10, 0, 5])
    with pytest.raises(BadInputError, match="no coding base"):
        FrameModel.from_lengths([10, 5], utr5=10, utr3=5)


def test_from_transcript_matches_lengths() -> None:
    # minus-strand transcript; exons given in transcript order
    tx = Transcript("TM.1", "G", "chr1", "-", ((300, 400), (150, 200), (50, 100)),
                    cds=(80, 350))
    m = FrameModel.from_transcript(tx)
    # exon 1: [300,400) coding [300,350) = 50; exon 2: 50; exon 3: [80,100) = 20
    assert [e.coding for e in m.exons] == [50, 50, 20]
    assert m.exons[0].utr5 == 50
    nc = Transcript("NC.1", "G", "chr1", "+", ((0, 10),))
    with pytest.raises(BadInputError, match="non-coding"):
        FrameModel.from_transcript(nc)


# --------------------------------------------------------------------------------------------
# sequence level: a stop codon created at a new junction


def test_translate_finds_junction_stop() -> None:
    # exon 1: ATG GCT  T|  exon 2: TT GGC A|  exon 3: AA GCC TAA
    # reference: ATG GCT TTT GGC AAA GCC TAA = M A F G K A *
    # skipping exon 2 (6 nt, in frame by arithmetic) joins T + AA -> TAA: a stop at codon 3
    seqs = ["ATGGCTT", "TTGGCA", "AAGCCTAA"]
    m = FrameModel.from_lengths([len(s) for s in seqs])
    ref = translate_order(m, seqs, reference_order(m))
    assert (ref.protein_length, ref.premature_stop, ref.stop_exon) == (6, False, 3)
    fc = removal_frame(m, [2])
    assert fc.in_frame is True
    assert fc.protein_length == 4
    out = translate_order(m, seqs, fc.order)
    assert (out.protein_length, out.expected_length, out.premature_stop) == (2, 4, True)
    assert out.stop_exon == 3
    # edits: a patient change in exon 2 (GGC -> TGA: nonsense)
    pat = translate_order(m, seqs, reference_order(m), {2: "TTTGAA"})
    assert pat.protein_length == 3
    assert pat.premature_stop is True


def test_exon_sequences_on_a_minus_strand_genome() -> None:
    from genetx.core.seq import reverse_complement

    plus_tx = "ATGGCTT" + "ggg" + "TTGGCA" + "ccc" + "AAGCCTAA"
    chrom = reverse_complement(plus_tx)  # the transcript lies on the minus strand
    genome = InMemoryGenome({"chrM1": chrom})
    n = len(chrom)
    exons = ((n - 7, n), (n - 16, n - 10), (0, 8))
    tx = Transcript("T.1", "G", "chrM1", "-", exons, cds=(0, n))
    seqs = exon_sequences(tx, genome)
    assert seqs == ("ATGGCTT", "TTGGCA", "AAGCCTAA")


# --------------------------------------------------------------------------------------------
# DMD: NM_004006.2


@pytest.fixture(scope="module")
def dmd_model(nm004006) -> FrameModel:
    s, e = nm004006.cds
    return FrameModel.from_lengths(nm004006.exon_lengths, utr5=s - 1,
                                   utr3=len(nm004006.sequence) - e, transcript="NM_004006.2",
                                   gene="DMD")


def test_dmd_model_from_genbank(dmd_model: FrameModel, dmd) -> None:
    assert dmd_model.cds_length == 11058
    assert dmd_model.protein_length == 3685
    assert (dmd_model.start_exon, dmd_model.stop_exon) == (1, 79)
    # the gene pack's genomic model (GRCh38) has the same exon and coding lengths
    pack = FrameModel.from_transcript(dmd.transcript)
    assert [e.length for e in pack.exons] == list(nm004006_lengths(dmd_model))
    assert [e.coding for e in pack.exons] == [e.coding for e in dmd_model.exons]


def nm004006_lengths(m: FrameModel) -> tuple[int, ...]:
    return tuple(e.length for e in m.exons)


@pytest.mark.parametrize(("first", "last", "in_frame"), [
    (3, 7, False), (4, 18, True), (3, 41, True), (13, 48, True), (45, 45, False),  # Winnard
    (10, 44, True), (13, 40, True),                                             # IMAJ 2003
    (45, 47, True),                                                             # Bushby
    (5, 5, True), (16, 16, True),                                               # Toh; Schwartz
    (45, 55, True),                                                             # Beroud
    (49, 50, False), (50, 50, False), (52, 52, False), (44, 44, False),
])
def test_dmd_published_frame_verdicts(dmd_model: FrameModel, first: int, last: int,
                                      in_frame: bool) -> None:
    assert deletion_frame(dmd_model, first, last).in_frame is in_frame


@pytest.mark.parametrize("exon", [10, 16, 26, 33, 34])
def test_dmd_in_frame_exons_for_small_mutations(dmd_model: FrameModel, exon: int) -> None:
    assert exon_removal_in_frame(dmd_model, exon) is True


@pytest.mark.parametrize(("deleted", "skipped", "removed_nt"), [
    # facts-catalog.md section 3.3 worked table (removed CDS nt)
    ((52, 52), (), 118), ((52, 52), (51,), 351), ((52, 52), (53,), 330),
    ((45, 50), (), 871), ((45, 50), (51,), 1104),
    ((48, 52), (), 748), ((48, 52), (53,), 960),
    ((44, 44), (), 148), ((44, 44), (45,), 324),
    ((46, 47), (), 298), ((46, 47), (45,), 474),
    ((49, 50), (), 211), ((49, 50), (51,), 444),
    ((45, 45), (), 176), ((45, 55), (), 1779),
])
def test_dmd_removed_coding_matches_worked_table(dmd_model: FrameModel, deleted, skipped,
                                                 removed_nt: int) -> None:
    exons = [*range(deleted[0], deleted[1] + 1), *skipped]
    assert dmd_model.coding_of(exons) == removed_nt
    fc = removal_frame(dmd_model, exons)
    assert fc.in_frame is (removed_nt % 3 == 0)
    if fc.in_frame:
        assert fc.protein_length == 3685 - removed_nt // 3


def test_dmd_del49_50_stops_in_exon_51(dmd) -> None:
    m = FrameModel.from_transcript(dmd.transcript)
    seqs = exon_sequences(dmd.transcript, dmd.genome)
    out = translate_order(m, seqs, deletion_order(m, 49, 50))
    assert out.stop_exon == 51
    assert out.protein_length is not None
    assert out.protein_length < 3685
    # the reference translates to 3685 aa ending at exon 79; skipping 51 as well restores it
    assert translate_order(m, seqs, reference_order(m)).protein_length == 3685
    fixed = translate_order(m, seqs, removal_order(reference_order(m), range(49, 52)))
    assert fixed.premature_stop is False
    assert fixed.protein_length == 3685 - 444 // 3
