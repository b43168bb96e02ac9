"""Label off-target sites exon / intron / intergenic with the overlapping gene names."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from genetx.genome._base import chrom_key

if TYPE_CHECKING:
    import pandas as pd


def _intervals(frame: pd.DataFrame) -> dict[str, tuple[np.ndarray, np.ndarray, np.ndarray,
                                                           int]]:
    out = {}
    for chrom, grp in frame.groupby(frame["Chromosome"].map(chrom_key), sort=False):
        order = np.argsort(grp["Start"].to_numpy(dtype=np.int64), kind="stable")
        starts = grp["Start"].to_numpy(dtype=np.int64)[order]
        ends = grp["End"].to_numpy(dtype=np.int64)[order]
        names = grp["gene_name"].astype(str).to_numpy()[order]
        out[chrom] = (starts, ends, names, int((ends - starts).max()))
    return out


def _overlapping(table: dict, chrom: str, start: int, end: int) -> list[str]:
    entry = table.get(chrom_key(chrom))
    if entry is None:
        return []
    starts, ends, names, longest = entry
    lo = int(np.searchsorted(starts, start - longest, side="left"))
    hi = int(np.searchsorted(starts, end, side="left"))
    hit = ends[lo:hi] > start
    return list(dict.fromkeys(names[lo:hi][hit].tolist()))


def annotate_sites(hits: pd.DataFrame, annotation: Any) -> pd.DataFrame:
    """Add ``region`` (``exon``, ``intron`` or ``intergenic``) and ``gene`` columns.

    A site is ``exon`` when it overlaps an exon of any transcript, else ``intron`` when it
    lies (partly) inside a gene, else ``intergenic``; ``gene`` lists the overlapping gene
    names (comma-separated). Chromosome names match with or without ``chr``.

    Parameters
    ----------
    hits
        Hit table (``Chromosome, Start, End`` columns).
    annotation
        A :class:`genetx.genome.annotation.Annotation`, or a GTF/GFF3/GenBank path.

    Returns
    -------
    A copy of ``hits`` with the two columns.
    """
    if isinstance(annotation, str | Path):
        from genetx.genome.annotation import read_annotation

        annotation = read_annotation(annotation)
    exons = _intervals(annotation.exons_df())
    genes = _intervals(annotation.genes_df())
    region, gene = [], []
    for chrom, s, e in zip(hits["Chromosome"], hits["Start"], hits["End"], strict=True):
        names = _overlapping(exons, chrom, int(s), int(e))
        if names:
            region.append("exon")
        else:
            names = _overlapping(genes, chrom, int(s), int(e))
            region.append("intron" if names else "intergenic")
        gene.append(",".join(names))
    out = hits.copy()
    out["region"] = region
    out["gene"] = gene
    return out


__all__ = ["annotate_sites"]
