"""Exon deletion by a guide pair in the flanking introns.

Truth used here:
* DMD exon 51 (NM_004006.2 on GRCh38): the exon coordinates come from the NM_004006.2 mRNA
  feature of the NCBI GenBank slice of the locus and the bases from the locus FASTA
  (shared/data), both read with plain text parsing, not with GeneTx's readers. Each guide's
  spacer + PAM, its cut, the intron it lies in, the deletion size and the junction are rebuilt
  from those by string slicing. Exon 51 is 233 nt (NM_004006.2), so deleting it alone shifts the
  frame (233 = 3 x 77 + 2).
* A hand-built toy gene on the minus strand whose introns hold only A and T except for planted
  SpCas9 sites, so the only possible guides, their cuts and the pair are known by hand.
"""

from __future__ import annotations

import gzip
import random
import re
from pathlib import Path

import pytest

from genetx.core.seq import reverse_complement
from genetx.edit.exon_deletion import (
    PAIR_COLUMNS,
    deletion_nuclease,
    deletion_windows,
    design_exon_deletion,
)
from genetx.errors import BadInputError, InfeasibleDesignError
from genetx.genome import InMemoryGenome
from genetx.genome.models import Transcript
from genetx.skip.frames import FrameModel, removal_frame

LOCUS_FA = "genomes/human/GRCh38_chrX_31117221-33344609.DMD_locus.mutalyzer_UD_139262478721.fa.gz"
LOCUS_GB = "genes/genbank/DMD_locus_GRCh38_chrX_31117221-33344609_rc.UD_139262478721.gb.gz"
LOCUS_START = 31117220  # 0-based plus-strand position of the FASTA's first base
LOCUS_END = 33344609


# --------------------------------------------------------------------------- DMD exon 51


def _locus(shared: Path) -> str:
    with gzip.open(shared / LOCUS_FA, "rt") as fh:
        return "".join(line.strip() for line in fh if not line.startswith(">")).upper()


def _nm004006_exons(shared: Path) -> list[tuple[int, int]]:
    """Plus-strand 0-based half-open exons of NM_004006.2, in transcript order."""
    text = gzip.open(shared / LOCUS_GB, "rt").read()
    for m in re.finditer(r"^     mRNA            (join\([^)]*\))(.*?)(?=^     \S)", text,
                         re.M | re.S):
        if '/transcript_id="NM_004006.2"' in m[2]:
            spans = re.findall(r"(\d+)\.\.(\d+)", m[1])
            # the record is the reverse complement of chrX:31117221-33344609
            return [(LOCUS_END - int(b), LOCUS_END - int(a) + 1) for a, b in spans]
    raise AssertionError("NM_004006.2 not found")


@pytest.fixture(scope="module")
def dmd51(tmp_path_factory, shared_data):
    from genetx.genome.genes import load_gene
    from tests.design_runs import isolated

    with isolated(tmp_path_factory):
        g = load_gene("DMD")
        model = FrameModel.from_transcript(g.transcript)
        design = design_exon_deletion(g.transcript, g.genome, [51],
                                      frame_check=lambda ex: removal_frame(model, ex))
    return design, _locus(shared_data), _nm004006_exons(shared_data)


def test_dmd_exon51_guides_are_in_the_genome_at_their_positions(dmd51) -> None:
    design, locus, exons = dmd51
    assert len(exons) == 79
    e51 = exons[50]
    assert e51[1] - e51[0] == 233
    intron50 = (exons[50][1], exons[49][0])  # minus strand: intron 50 lies right of exon 51
    intron51 = (exons[51][1], exons[50][0])
    assert [w.intron for w in design.windows] == [50, 51]
    assert design.pairs
    for p in design.pairs:
        for g, (lo, hi), intron in ((p.guide_5prime, intron50, 50),
                                    (p.guide_3prime, intron51, 51)):
            site = locus[g.start - LOCUS_START:g.end - LOCUS_START]
            if g.strand == "-":
                site = reverse_complement(site)
            assert site == g.spacer + g.pam
            assert g.pam[1:] == "GG"
            # SpCas9 cuts 3 nt 5' of the PAM on the PAM strand
            assert g.cut == (g.end - 6 if g.strand == "+" else g.start + 6)
            assert lo <= g.cut <= hi
            assert g.intron == intron
            dist = e51[0] - g.cut if intron == 51 else g.cut - e51[1]
            assert g.distance_to_exon == dist
            assert 50 <= dist <= 1000


def test_dmd_exon51_deletion_size_and_junction(dmd51) -> None:
    design, locus, exons = dmd51
    for p in design.pairs:
        lo, hi = sorted((p.guide_5prime.cut, p.guide_3prime.cut))
        assert (p.start, p.end) == (lo, hi)
        assert p.size == hi - lo
        # exon 51 lies inside the deletion, exons 50 and 52 outside it
        assert lo < exons[50][0]
        assert exons[50][1] < hi
        assert hi <= exons[49][0]
        assert exons[51][1] <= lo
        a, b = lo - LOCUS_START, hi - LOCUS_START
        plus = locus[a - 20:a] + locus[b:b + 20]
        assert p.junction_plus == plus
        assert p.junction_transcript == reverse_complement(plus)
        assert p.junction_left == 20
    assert design.deleted_exon_nt == 233
    assert design.frame is not None
    assert design.frame.in_frame is False


def test_dmd_exon51_offtargets_and_ranking(dmd51) -> None:
    design, _locus_seq, _exons = dmd51
    assert design.offtargets_searched
    assert "not a whole genome" in design.offtarget_scope
    keys = [(p.tier, -p.score) for p in design.pairs]
    assert keys == sorted(keys)
    for p in design.pairs:
        for g in (p.guide_5prime, p.guide_3prime):
            ot = g.offtargets
            assert ot is not None
            assert ot.on_target
            assert len(ot.counts) == design.max_mismatches + 1
            assert 0 <= ot.cfd_specificity <= 100
        assert p.score == pytest.approx(p.guide_5prime.rule_set_1 + p.guide_3prime.rule_set_1)
        close = p.guide_5prime.offtargets.close + p.guide_3prime.offtargets.close
        assert p.tier == (2 if close else 1)
    table = design.to_frame()
    assert list(table.columns) == list(PAIR_COLUMNS)
    assert len(table) == len(design.pairs)
    assert (table["deletion_size"] == table["deletion_end"] - table["deletion_start"]).all()


# --------------------------------------------------------------------------- toy gene

SP_A = "ACGTTGCAACGTTGCAACGT"  # planted on the plus strand in intron 1
SP_B = "TACGATCAGTACTGACTAGT"  # planted on the minus strand in intron 2
SP_C = "ATGCATCGTACAGTCATGCA"  # planted too close to exon 2


def _toy(plant: bool = True, decoy: bool = True, seed: int = 7) -> tuple[Transcript, str]:
    """A 4-kb minus-strand gene: exon 1 [3200, 3400), exon 2 [1900, 1999), exon 3 [500, 700).

    Everything is A/T except the planted sites, so no other SpCas9 site exists. Exon 2 is 99 nt:
    deleting it keeps the frame (CDS 101 + 99 + 100 nt).
    """
    rng = random.Random(seed)
    seq = [rng.choice("AT") for _ in range(4000)]

    def put(at: int, text: str) -> None:
        seq[at:at + len(text)] = list(text)

    if plant:
        put(2383, SP_A + "TGG")  # plus strand, cut 2383 + 17 = 2400 (401 nt from exon 2)
        put(1494, reverse_complement(SP_B + "AGG"))  # minus strand, cut 1494 + 6 = 1500
    if decoy:
        put(3093, SP_A + "CGG")  # same spacer, cut 3110: 1110 nt from exon 2 (outside)
        put(1864, reverse_complement(SP_C + "TGG"))  # cut 1870: 29 nt from exon 2 (too close)
    tx = Transcript("TOY1", "TOY", "chrT", "-", ((3200, 3400), (1900, 1999), (500, 700)),
                    cds=(600, 3301))
    return tx, "".join(seq)


def test_toy_minus_strand_gene_by_hand() -> None:
    tx, seq = _toy()
    genome = InMemoryGenome({"chrT": seq}, name="toy-minus")
    model = FrameModel.from_transcript(tx)
    d = design_exon_deletion(tx, genome, [2], frame_check=lambda ex: removal_frame(model, ex))
    w5, w3 = d.windows
    assert (w5.intron, w5.start, w5.end) == (1, 2049, 2999)
    assert (w3.intron, w3.start, w3.end) == (2, 900, 1850)
    assert d.candidates == {"5prime": 1, "3prime": 1}
    (p,) = d.pairs
    a, b = p.guide_5prime, p.guide_3prime
    assert (a.spacer, a.pam, a.strand, a.start, a.end, a.cut) == (SP_A, "TGG", "+", 2383,
                                                                  2406, 2400)
    assert (b.spacer, b.pam, b.strand, b.start, b.end, b.cut) == (SP_B, "AGG", "-", 1494,
                                                                  1517, 1500)
    assert (a.intron, a.distance_to_exon, b.intron, b.distance_to_exon) == (1, 401, 2, 400)
    assert (p.start, p.end, p.size) == (1500, 2400, 900)
    assert p.junction_plus == seq[1480:1500] + seq[2400:2420]
    assert p.junction_transcript == reverse_complement(seq[1480:1500] + seq[2400:2420])
    # the decoy with guide A's spacer is an off-target with 0 mismatches: the pair is demoted
    assert a.offtargets.counts[0] == 1
    assert a.offtargets.on_target
    assert b.offtargets.on_target
    assert b.offtargets.total == 0
    assert p.tier == 2
    assert d.frame.in_frame is True
    assert d.deleted_exon_nt == 99
    assert p.pair_id == "DEL-ex2-1"


def test_toy_without_offtarget_search() -> None:
    tx, seq = _toy(decoy=False)
    d = design_exon_deletion(tx, InMemoryGenome({"chrT": seq}, name="toy2"), [2],
                             offtargets=False)
    (p,) = d.pairs
    assert p.guide_5prime.offtargets is None
    assert p.tier == 1
    assert d.frame is None
    assert d.hits is None


def test_windows_on_the_plus_strand() -> None:
    tx = Transcript("P", "G", "c", "+", ((0, 100), (1100, 1200), (2200, 2300), (3000, 3100)))
    w5, w3 = deletion_windows(tx, [2, 3], (50, 300))
    assert (w5.intron, w5.start, w5.end, w5.exon) == (1, 800, 1050, 2)
    assert (w3.intron, w3.start, w3.end, w3.exon) == (3, 2350, 2600, 3)
    assert w5.distance(1000) == 100
    assert w3.distance(2400) == 100


# --------------------------------------------------------------------------- bad input


def _one_line(exc: pytest.ExceptionInfo) -> str:
    text = str(exc.value)
    assert "\n" not in text
    return text


@pytest.mark.parametrize(("exons", "cls", "text"), [
    ([1], InfeasibleDesignError, "exon 1: is the first exon of TOY1"),
    ([3], InfeasibleDesignError, "exon 3: is the last exon of TOY1"),
    ([2, 3], InfeasibleDesignError, "exon 3: is the last exon of TOY1"),
    ([0], BadInputError, "exon 0: is not an exon of TOY1 (exons 1-3)"),
    ([4], BadInputError, "exon 4: is not an exon of TOY1 (exons 1-3)"),
    ([], BadInputError, "exons: no exon given"),
])
def test_bad_exons(exons, cls, text) -> None:
    tx, seq = _toy()
    with pytest.raises(cls) as e:
        design_exon_deletion(tx, InMemoryGenome({"chrT": seq}), exons, offtargets=False)
    assert _one_line(e).startswith(text)


def test_non_consecutive_exons() -> None:
    tx = Transcript("P", "G", "c", "+", ((0, 100), (1100, 1200), (2200, 2300), (3000, 3100),
                                         (4000, 4100)))
    with pytest.raises(BadInputError) as e:
        deletion_windows(tx, [2, 4])
    assert _one_line(e).startswith("exons 2,4: are not consecutive")


def test_intron_without_pam_in_the_window() -> None:
    tx, seq = _toy(plant=False)
    with pytest.raises(InfeasibleDesignError) as e:
        design_exon_deletion(tx, InMemoryGenome({"chrT": seq}), [2], offtargets=False)
    text = _one_line(e)
    assert text.startswith("intron 1 of TOY1 (chrT:2,050-2,999): has no SpCas9 site (NGG PAM)")
    assert "50-1000 nt from exon 2" in text


def test_no_guide_passes_the_filters() -> None:
    tx, seq = _toy(decoy=False)
    bad = "ATTTTACAGTCATGCATCGA"  # TTTT ends Pol III transcription
    seq = seq[:2383] + bad + "TGG" + seq[2406:]
    with pytest.raises(InfeasibleDesignError) as e:
        design_exon_deletion(tx, InMemoryGenome({"chrT": seq}), [2], offtargets=False)
    assert "none passes the guide filters" in _one_line(e)


def test_intron_too_short() -> None:
    tx = Transcript("S", "G", "c", "+", ((0, 100), (180, 280), (2000, 2100)))
    with pytest.raises(InfeasibleDesignError) as e:
        deletion_windows(tx, [2])
    assert _one_line(e).startswith("intron 1 of S: is 80 nt long, too short")


def test_staggered_nuclease_and_bad_settings() -> None:
    with pytest.raises(BadInputError) as e:
        deletion_nuclease("AsCas12a")
    assert _one_line(e).startswith("nuclease 'AsCas12a': cuts with staggered ends")
    tx, seq = _toy()
    g = InMemoryGenome({"chrT": seq})
    with pytest.raises(BadInputError, match="near < far"):
        design_exon_deletion(tx, g, [2], window=(500, 100), offtargets=False)
    with pytest.raises(BadInputError, match="`top=0`"):
        design_exon_deletion(tx, g, [2], top=0, offtargets=False)
