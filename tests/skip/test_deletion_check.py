"""The patient's frame after deleting exons from the genome, checked by hand.

Model: exons of 10, 9, 7, 11, 12 and 14 nt with a 4-nt 5' UTR and a 5-nt 3' UTR, so the coding
parts are 6, 9, 7, 11, 12 and 9 nt (54 nt, 17 amino acids and a stop codon). Removing a block
keeps the frame when its coding length is a multiple of 3.
"""

from __future__ import annotations

from genetx.skip.frames import FrameModel
from genetx.skip.strategies import Lesion, breakpoint_introns, deletion_check

M = FrameModel.from_lengths([10, 9, 7, 11, 12, 14], utr5=4, utr3=5)


def test_deletion_patient_block() -> None:
    lesion = Lesion.deletion(M, 3, 3)  # 7 nt lost: out of frame
    assert lesion.frame(M).in_frame is False
    assert deletion_check(M, lesion, [4]).in_frame is True  # 7 + 11 = 18
    # a block holding exons the patient already lacks removes the same transcript
    assert deletion_check(M, lesion, [3, 4]).in_frame is True
    assert deletion_check(M, lesion, [4]).protein_length == (54 - 18) // 3 - 1
    assert deletion_check(M, lesion, [5]).in_frame is False  # 7 + 12 = 19


def test_point_variant_block() -> None:
    lesion = Lesion.point(M, 4, "nonsense")
    assert deletion_check(M, lesion, [4]).in_frame is False  # 11
    assert deletion_check(M, lesion, [3, 4]).in_frame is True  # 7 + 11 = 18


def test_duplication_one_copy_restores_the_reference() -> None:
    lesion = Lesion.duplication(M, 3, 3)  # 7 nt inserted: out of frame
    assert lesion.frame(M).in_frame is False
    fc = deletion_check(M, lesion, [3])
    assert fc.in_frame is True
    assert fc.protein_length == 17
    assert "deleting both copies is out of frame" in fc.reason


def test_breakpoint_introns() -> None:
    assert breakpoint_introns(M, Lesion.deletion(M, 3, 4)) == (2, 4)
    assert breakpoint_introns(M, Lesion.duplication(M, 2, 2)) == (1, 2)
    assert breakpoint_introns(M, Lesion.point(M, 4, "nonsense")) == ()
