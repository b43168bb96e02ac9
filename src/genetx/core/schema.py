"""Column names and option types shared by every table GeneTx returns.

Coordinates everywhere are 0-based, half-open (``Start`` inclusive, ``End`` exclusive), as in
pyranges and BED; strands are ``"+"`` or ``"-"``. Tables with the four location columns convert
to pyranges objects without renaming.
"""

from __future__ import annotations

from typing import Literal

CHROMOSOME = "Chromosome"
START = "Start"
END = "End"
STRAND = "Strand"
GENOME_LOC_COLS: tuple[str, str, str, str] = (CHROMOSOME, START, END, STRAND)

Strand = Literal["+", "-"]
STRANDS: tuple[str, str] = ("+", "-")


def validate_location_columns(columns: list[str] | tuple[str, ...]) -> list[str]:
    """Return the reasons a table's columns do not hold the location schema (empty when fine)."""
    return [f"missing column `{c}`" for c in GENOME_LOC_COLS if c not in columns]


__all__ = ["CHROMOSOME", "END", "GENOME_LOC_COLS", "START", "STRAND", "STRANDS", "Strand",
           "validate_location_columns"]
