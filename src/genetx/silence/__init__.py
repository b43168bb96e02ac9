"""RNA silencing: siRNAs, allele-specific siRNAs, shRNA cassettes and gapmer antisense oligos.

* :mod:`genetx.silence.sirna` -- siRNA candidates with the Reynolds 2004, Ui-Tei 2004 and
  Amarzguioui 2004 rule scores (components shown), end asymmetry, seed-duplex Tm, composition
  flags and off-target counts (:func:`design_sirnas`, :func:`explain`);
* :mod:`genetx.silence.thermo` -- RNA nearest-neighbour thermodynamics (Xia 1998, Freier 1986);
* :mod:`genetx.silence.seedmatch` -- the seed / near-complete match search (numba kernels in
  ``_kernels.py``) over transcript sets (gene pack, transcriptome FASTA; the set itself is
  :mod:`genetx.genome.transcriptome`, shared with the exon-skipping ASOs, and re-exported);
* :mod:`genetx.silence.allele` -- allele-specific siRNAs for a substitution;
* :mod:`genetx.silence.shrna` -- shRNA cassettes as annotated SeqRecords;
* :mod:`genetx.silence.gapmer` -- RNase H gapmers;
* :mod:`genetx.silence.design` -- all of it for a gene (:func:`silence_gene`);
* :mod:`genetx.silence.data` -- the cited rules and parameters in ``genetx/data/silence``.

Submodules are imported on first use, so ``import genetx.silence`` stays light.
"""

from __future__ import annotations

from genetx._lazy import lazy_exports

_EXPORTS = {
    "SirnaDesign": "genetx.silence.sirna",
    "design_sirnas": "genetx.silence.sirna",
    "explain": "genetx.silence.sirna",
    "rule_scores": "genetx.silence.sirna",
    "TranscriptSet": "genetx.silence.seedmatch",
    "pack_transcript_set": "genetx.silence.seedmatch",
    "read_transcriptome": "genetx.silence.seedmatch",
    "seed_match_counts": "genetx.silence.seedmatch",
    "near_match_counts": "genetx.silence.seedmatch",
    "near_match_hits": "genetx.silence.seedmatch",
    "seed_tm": "genetx.silence.thermo",
    "duplex_thermo": "genetx.silence.thermo",
    "AlleleDesign": "genetx.silence.allele",
    "allele_specific_sirnas": "genetx.silence.allele",
    "mutant_mrna": "genetx.silence.allele",
    "build_shrna": "genetx.silence.shrna",
    "GapmerDesign": "genetx.silence.gapmer",
    "GapmerLayout": "genetx.silence.gapmer",
    "design_gapmers": "genetx.silence.gapmer",
    "SilencingResult": "genetx.silence.design",
    "silence_gene": "genetx.silence.design",
}

__getattr__ = lazy_exports(__name__, _EXPORTS)
__all__ = sorted(_EXPORTS)
