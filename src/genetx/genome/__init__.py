"""Reference genomes, gene models and patient variants."""

from genetx.genome._base import Genome, InMemoryGenome, Segment, chrom_key
from genetx.genome.models import CPos, Gene, Transcript

__all__ = ["CPos", "Gene", "Genome", "InMemoryGenome", "Segment", "Transcript", "chrom_key"]
