"""Reference genomes, gene models and patient variants."""

from __future__ import annotations

from typing import TYPE_CHECKING

from genetx.genome._base import Genome, InMemoryGenome, Segment, chrom_key
from genetx.genome.models import CPos, Gene, Transcript

if TYPE_CHECKING:
    from pathlib import Path

    from genetx.progress import Progress


def open_genome(source: str | Path, *, name: str | None = None,
                progress: Progress | None = None) -> Genome:
    """Open a genome by registered name or by path (``.2bit``, FASTA, FASTA ``.gz``).

    See :func:`genetx.genome.registry.open_genome`; the readers are imported on first use.
    """
    from genetx.genome.registry import open_genome as _open

    return _open(source, name=name, progress=progress)


__all__ = ["CPos", "Gene", "Genome", "InMemoryGenome", "Segment", "Transcript", "chrom_key",
           "open_genome"]
