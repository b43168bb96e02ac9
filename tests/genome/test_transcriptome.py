"""The shared transcript set: one class and one gene-pack set for the silencing and skipping arms.

Truth: the layout is checked against sequences written here by hand (each transcript, then one
separator code 4), not against GeneTx's own output.
"""

from __future__ import annotations

import numpy as np
import pytest

from genetx.errors import BadInputError
from genetx.genome import InMemoryGenome, Transcript
from genetx.genome.transcriptome import TranscriptSet, pack_transcript_set


def test_layout_has_a_separator_after_each_transcript() -> None:
    genome = InMemoryGenome({"r1": "ACGTAC", "r2": "GGTTA"})
    txs = [Transcript("T1", "G1", "r1", "+", ((0, 6),)),
           Transcript("T2", "G2", "r2", "-", ((0, 5),)),
           Transcript("T3", "G3", "missing", "+", ((0, 5),))]
    ts = TranscriptSet.from_transcripts(txs, genome, source="hand")
    # T1 = ACGTAC; T2 on the minus strand = revcomp(GGTTA) = TAACC
    assert ts.codes.tolist() == [0, 1, 2, 3, 0, 1, 4, 3, 0, 0, 1, 1, 4]
    assert ts.starts.tolist() == [0, 7]
    assert ts.ends.tolist() == [6, 12]
    assert ts.ids == ("T1", "T2")
    assert ts.skipped == ("T3",)
    assert ts.n_bases == 11
    assert ts.locate(9) == (txs[1], 2)
    assert ts.sequence(1) == "TAACC"


def test_records_without_models_cannot_be_placed() -> None:
    ts = TranscriptSet.from_records([("a", "", "ACGUacgt", -1)])
    assert ts.codes.tolist() == [0, 1, 2, 3, 0, 1, 2, 3, 4]  # U read as T, any case
    with pytest.raises(BadInputError, match="without gene models"):
        ts.locate(0)


def test_silence_and_skip_share_one_set() -> None:
    from genetx.silence import seedmatch
    from genetx.skip import aso

    assert aso.TranscriptSet is seedmatch.TranscriptSet is TranscriptSet
    pack = pack_transcript_set()
    assert aso.pack_transcripts() is pack
    assert seedmatch.pack_transcript_set() is pack
    assert len(pack.transcripts) == len(pack) > 0
    assert np.all(pack.codes[pack.ends] == 4)
