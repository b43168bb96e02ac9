"""Genome editing: guide design, off-target search and scoring.

Subpackages are imported on demand: :mod:`genetx.edit.offtarget` (the genome-wide search
engine) and :mod:`genetx.edit.scoring`.
"""
