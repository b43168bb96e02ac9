"""Reference genomes, gene models and patient variants."""

from genetx.genome._base import Genome, Segment, chrom_key
from genetx.genome.models import CPos, Transcript

__all__ = ["CPos", "Genome", "Segment", "Transcript", "chrom_key"]
