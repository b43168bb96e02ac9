"""Off-target profiles of candidate guides and their ranking.

:func:`offtarget_profile` runs the genome-wide engine (:mod:`genetx.edit.offtarget`) on the
genome in use for every candidate and aggregates the hits per guide:

``on_target``
    Whether the guide's own site was found (a perfect, bulge-free match at its position); it is
    left out of every count below.
``offtargets``, ``mm0`` ... ``mm4``
    Off-targets in all, and by number of mismatches.
``mit_specificity``, ``cfd_specificity``
    Guide specificities of Hsu 2013 (MIT) and Doench 2016 (CFD) as CRISPOR computes them
    (0-100; SpCas9 only, NaN otherwise).
``exonic_offtargets``, ``exonic_genes``
    Off-targets with at most :data:`EXONIC_MAX_MISMATCHES` mismatches that lie in an exon of
    another gene of the annotation, and those genes.

CRISPOR's conventions are reproduced for SpCas9 (Haeussler et al. 2016): off-targets with NGG,
NAG and NGA PAMs up to 4 mismatches; an NAG/NGA site is kept only when its MIT hit score,
computed without the PAM factor, is above 1.0 (``ALTPAMMINSCORE``, bin/filterFaToBed); MIT
scores of kept NAG/NGA sites are then multiplied by 0.2.

:func:`rank_guides` orders a guide table: first by ``tier`` (1: passes the sequence filters
and has no off-target with 0-1 mismatches and no exonic off-target in another gene; 2:
passes the filters; 3: fails one), then by ``score``, the product of the activity, the
specificity and the mode's position factor (all documented in ``docs/guides.md``).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from genetx.edit.nucleases import Nuclease, editing_rules, get_nuclease

if TYPE_CHECKING:
    from pathlib import Path

    import pandas as pd

    from genetx.genome._base import Genome
    from genetx.progress import Progress

#: CRISPOR's minimum MIT hit score for off-targets with an alternative PAM (crispor.py).
ALT_PAM_MIN_SCORE = 1.0
#: Highest mismatch count of an off-target counted in another gene's exon.
EXONIC_MAX_MISMATCHES = 3
PROFILE_COLUMNS = ("guide_id", "on_target", "offtargets", "mm0", "mm1", "mm2", "mm3", "mm4",
                   "mit_specificity", "cfd_specificity", "exonic_offtargets", "exonic_genes")


def _check_side(nuc: Nuclease) -> str:
    return "3prime" if nuc.is_cas9 else "5prime"


_INDEXES: dict[tuple[str, str, str, str], Any] = {}


def _searchable(genome: Genome) -> Genome:
    """The genome to give the engine: the embedded pack is reopened from its file, so that
    its packed form and indexes are cached on disk like any file-backed genome's."""
    if str(genome.source).startswith("embedded:"):
        from importlib.resources import files

        from genetx.genome.genes import PACK_DIR, PACK_GENOME
        from genetx.genome.twobit import TwoBitGenome

        path = files("genetx").joinpath(*PACK_DIR, PACK_GENOME)
        return TwoBitGenome(str(path), name="genepack")
    return genome


def get_index(genome: Genome, pam: str, side: str, *, index_dir: Path | str | None = None,
              progress: Progress | None = None) -> Any:
    """The engine's index of ``genome`` for ``pam``, kept for the life of the process."""
    from genetx.edit.offtarget import prepare_index
    from genetx.settings import settings

    key = (str(genome.source), str(settings.data_dir), pam, side)
    if index_dir is None and key in _INDEXES:
        return _INDEXES[key]
    idx = prepare_index(_searchable(genome), pam, pam_side=side,  # type: ignore[arg-type]
                        index_dir=index_dir, progress=progress)
    if index_dir is None:
        _INDEXES[key] = idx
    return idx


def search_offtargets(guides: pd.DataFrame, genome: Genome, nuclease: str | Nuclease, *,
                      max_mismatches: int = 4, index_dir: Path | str | None = None,
                      progress: Progress | None = None) -> pd.DataFrame:
    """Raw off-target hits of the guides on the genome, over all the nuclease's search PAMs.

    Hits in records that :func:`genetx.edit.guides.search_scope` leaves out (the pack's mRNA
    records) are dropped. For SpCas9 the CRISPOR alternative-PAM rule is applied and ``cfd``
    and ``mit`` columns are added.

    Parameters
    ----------
    guides
        Guide table with ``guide_id`` and ``spacer`` columns.
    genome
        Genome to search.
    nuclease
        The guides' nuclease.
    max_mismatches
        Largest mismatch count (0-6).
    index_dir
        Folder of a prebuilt index (else the cache).
    progress
        Progress display.

    Returns
    -------
    The engine's hit table (:data:`genetx.edit.offtarget.HIT_COLUMNS`) plus ``pam`` and, for
    SpCas9, ``cfd`` and ``mit``.
    """
    import pandas as pd

    from genetx.edit.guides import search_scope
    from genetx.edit.offtarget import HIT_COLUMNS, search

    nuc = get_nuclease(nuclease)
    skip, _ = search_scope(genome)
    want = dict(zip(guides["guide_id"].astype(str), guides["spacer"].astype(str),
                    strict=True))
    frames = []
    if want:
        for pam in nuc.offtarget_search_pams:
            idx = get_index(genome, pam, _check_side(nuc), index_dir=index_dir,
                            progress=progress)
            frames.append(search(idx, want, max_mismatches=max_mismatches,
                                 progress=progress))
    hits = (pd.concat(frames, ignore_index=True) if frames
            else pd.DataFrame(columns=list(HIT_COLUMNS)))
    if skip and len(hits):
        hits = hits[~hits["Chromosome"].isin(skip)].reset_index(drop=True)
    plen = nuc.pam_length
    sites = hits["site"].astype(str).str.upper()
    hits["pam"] = sites.str[-plen:] if nuc.is_cas9 else sites.str[:plen]
    if nuc.has_cfd and len(hits):
        hits = _crispor_alt_pam_rule(hits)
    elif nuc.has_cfd:
        hits["cfd"] = np.zeros(0)
        hits["mit"] = np.zeros(0)
    return hits


def _crispor_alt_pam_rule(hits: pd.DataFrame) -> pd.DataFrame:
    from genetx.edit.offtarget.scores import add_scores
    from genetx.edit.scoring import mit_score_batch

    hits = add_scores(hits, "NGG", "3prime")
    alt = (hits["pam"].str[1:] != "GG").to_numpy()
    plain = (hits["bulge_type"] == "none").to_numpy()
    if alt.any():
        sub = hits.loc[alt & plain]
        if len(sub):
            guides, gi = np.unique(sub["guide"].to_numpy(dtype=str), return_inverse=True)
            raw = mit_score_batch(list(guides), [s[:20].upper() for s in sub["site"]],
                                  guide_index=gi)
            drop = sub.index[raw <= ALT_PAM_MIN_SCORE]
            hits = hits.drop(index=drop).reset_index(drop=True)
    return hits


def offtarget_profile(guides: pd.DataFrame, hits: pd.DataFrame, nuclease: str | Nuclease, *,
                      max_mismatches: int = 4, annotation: Any = None,
                      gene: str | None = None,
                      on_targets: dict[str, tuple[str, int, str]] | None = None
                      ) -> pd.DataFrame:
    """Per-guide off-target aggregates (columns :data:`PROFILE_COLUMNS`).

    Parameters
    ----------
    guides
        Guide table (``guide_id, Chromosome, Start, Strand``).
    hits
        Hits from :func:`search_offtargets`.
    nuclease
        The guides' nuclease.
    max_mismatches
        Highest mismatch level reported.
    annotation
        Gene annotation for ``exonic_offtargets`` (None: not computed).
    gene
        The target gene, whose own exons do not count as other genes' exons.
    on_targets
        ``guide_id -> (chromosome, start, strand)`` of the site to treat as the on-target,
        whatever its mismatches, instead of the perfect match at the guide's own position
        (CRISPOR sometimes picks another perfect match; a guide made on a patient allele
        differs from the reference at its own site).

    Returns
    -------
    One row per guide, in the order of ``guides``.
    """
    import pandas as pd

    from genetx.edit.scoring import cfd_specificity, mit_specificity
    from genetx.genome._base import chrom_key

    nuc = get_nuclease(nuclease)
    if annotation is not None and len(hits):
        from genetx.edit.offtarget.annotate import annotate_sites

        hits = annotate_sites(hits, annotation)
    by_guide = {gid: grp for gid, grp in hits.groupby("guide_id", sort=False)} if len(
        hits) else {}
    rows = []
    for g in guides.itertuples(index=False):
        gid = str(g.guide_id)
        grp = by_guide.get(gid)
        row: dict[str, Any] = {"guide_id": gid}
        explicit = gid in (on_targets or {})
        want = (on_targets or {}).get(gid, (str(g.Chromosome), int(g.Start), str(g.Strand)))
        if grp is None or grp.empty:
            row.update({"on_target": False, "offtargets": 0,
                        **{f"mm{m}": 0 for m in range(max_mismatches + 1)},
                        "mit_specificity": 100.0 if nuc.has_cfd else math.nan,
                        "cfd_specificity": 100.0 if nuc.has_cfd else math.nan,
                        "exonic_offtargets": 0 if annotation is not None else math.nan,
                        "exonic_genes": ""})
            rows.append(row)
            continue
        is_on = (((grp["mismatches"] == 0) | explicit) & (grp["bulge_type"] == "none")
                 & (grp["Chromosome"].map(chrom_key) == chrom_key(want[0]))
                 & (grp["Start"] == want[1]) & (grp["Strand"] == want[2]))
        off = grp[~is_on.to_numpy()]
        row["on_target"] = bool(is_on.any())
        row["offtargets"] = len(off)
        counts = np.bincount(off["mismatches"].to_numpy(dtype=np.int64),
                             minlength=max_mismatches + 1)
        for m in range(max_mismatches + 1):
            row[f"mm{m}"] = int(counts[m])
        if nuc.has_cfd and "mit" in off:
            row["mit_specificity"] = mit_specificity(off["mit"].dropna().to_numpy())
            row["cfd_specificity"] = cfd_specificity(off["cfd"].to_numpy(dtype=float))
        else:
            row["mit_specificity"] = row["cfd_specificity"] = math.nan
        if annotation is not None and "region" in off:
            ex = off[(off["region"] == "exon") & (off["mismatches"] <= EXONIC_MAX_MISMATCHES)]
            names: list[str] = []
            n = 0
            for genes in ex["gene"].astype(str):
                others = [x for x in genes.split(",") if x and x != gene]
                if others:
                    n += 1
                    names.extend(others)
            row["exonic_offtargets"] = n
            row["exonic_genes"] = ",".join(dict.fromkeys(names))
        else:
            row["exonic_offtargets"] = math.nan
            row["exonic_genes"] = ""
        rows.append(row)
    return pd.DataFrame(rows, columns=list(PROFILE_COLUMNS[:3])
                        + [f"mm{m}" for m in range(max_mismatches + 1)]
                        + list(PROFILE_COLUMNS[8:]))


def activity(table: pd.DataFrame) -> np.ndarray:
    """The on-target activity used for ranking (0-1, NaN when no model applies).

    GeneTx's trained model (``activity_model`` column) when present, else Rule Set 1.
    """
    for col in ("activity_model", "rule_set_1"):
        if col in table and table[col].notna().any():
            return table[col].to_numpy(dtype=float)
    return np.full(len(table), np.nan)


def _count_specificity(table: pd.DataFrame) -> np.ndarray:
    """Specificity for nucleases without CFD: 1 / (1 + weighted off-target counts)."""
    w = {0: 1.0, 1: 0.5, 2: 0.1, 3: 0.02, 4: 0.005}
    total = np.zeros(len(table))
    for m, weight in w.items():
        if f"mm{m}" in table:
            total += weight * table[f"mm{m}"].to_numpy(dtype=float)
    return 1.0 / (1.0 + total)


def rank_guides(table: pd.DataFrame, mode: str = "region", *,
                variant_position: int | None = None) -> pd.DataFrame:
    """Add ``activity``, ``specificity``, ``position_factor``, ``score``, ``tier`` and ``rank``.

    Parameters
    ----------
    table
        Guide table, with off-target profile columns when the search was run.
    mode
        ``knockout`` (position factor from the protein window, isoform fraction and out-of-frame
        score), ``correct`` (distance of the cut to the variant, Paquet 2016) or ``region``.
    variant_position
        Plus-strand position of the variant (``correct``).

    Returns
    -------
    The table sorted by ``tier`` then ``score`` (descending), with ``rank`` 1, 2, ...
    """
    out = table.copy()
    act = activity(out)
    out["activity"] = act
    spec = np.full(len(out), np.nan)
    if "mm0" in out:
        spec = _count_specificity(out)
    if "cfd_specificity" in out:
        cfd = out["cfd_specificity"].to_numpy(dtype=float) / 100.0
        spec = np.where(np.isnan(cfd), spec, cfd)
    out["specificity"] = spec
    pos = np.ones(len(out))
    if mode == "knockout" and "in_window" in out:
        pos *= np.where(out["in_window"].to_numpy(dtype=bool), 1.0, 0.7)
        pos *= 0.5 + 0.5 * out["isoform_fraction"].to_numpy(dtype=float)
        oof = out["out_of_frame"].to_numpy(dtype=float)
        pos *= np.where(np.isnan(oof), 1.0, 0.5 + oof / 200.0)
    elif mode == "correct" and variant_position is not None:
        half = float(editing_rules()["hdr"]["distance_halving"])
        d = np.abs(out["cut"].to_numpy(dtype=float) - (variant_position + 0.5)) - 0.5
        pos *= np.power(2.0, -np.maximum(d, 0) / half)
    out["position_factor"] = pos
    a = np.where(np.isnan(act), 0.5, act)
    s = np.where(np.isnan(spec), 1.0, spec)
    out["score"] = a * s * pos
    fails = out["filters"].astype(str).str.len().to_numpy() > 0
    tier = np.where(fails, 3, 1)
    if "mm0" in out:
        risky = (out["mm0"].to_numpy() + out["mm1"].to_numpy()) > 0
        if "exonic_offtargets" in out:
            ex = out["exonic_offtargets"].to_numpy(dtype=float)
            risky |= np.nan_to_num(ex) > 0
        if "on_target" in out:
            risky |= ~out["on_target"].to_numpy(dtype=bool)
        tier = np.where(~fails & risky, 2, tier)
    out["tier"] = tier
    out = out.sort_values(["tier", "score"], ascending=[True, False], kind="stable")
    out = out.reset_index(drop=True)
    out["rank"] = np.arange(1, len(out) + 1)
    return out


__all__ = ["ALT_PAM_MIN_SCORE", "EXONIC_MAX_MISMATCHES", "PROFILE_COLUMNS", "activity",
           "get_index",
           "offtarget_profile", "rank_guides", "search_offtargets"]
