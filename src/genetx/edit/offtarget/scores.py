"""Per-site CFD and MIT scores and per-guide aggregates of an off-target hit table.

The scores themselves come from :mod:`genetx.edit.scoring.offtarget` (Doench 2016 CFD, Hsu 2013
MIT, CRISPOR's aggregation). They are defined for SpCas9-type searches: 20-nt guides, a 3'
PAM of 3 nt, and sites without bulges; other rows get NaN.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import pandas as pd


def add_scores(hits: pd.DataFrame, pam: str, side: str = "3prime") -> pd.DataFrame:
    """Return ``hits`` with ``cfd`` and ``mit`` columns (NaN where the scores do not apply).

    Parameters
    ----------
    hits
        Hit table from :func:`genetx.edit.offtarget.search`.
    pam
        The PAM searched (scores apply to 3-nt 3' PAMs).
    side
        PAM side of the search.

    Returns
    -------
    A copy of ``hits`` with two float columns.
    """
    from genetx.edit.scoring.offtarget import cfd_score_batch, mit_score_batch

    out = hits.copy()
    cfd = np.full(len(out), np.nan)
    mit = np.full(len(out), np.nan)
    if len(out) and side == "3prime" and len(pam) == 3:
        ok = ((out["bulge_type"] == "none") & (out["guide"].str.len() == 20)
              & (out["site"].str.len() == 23)).to_numpy()
        if ok.any():
            sub = out.loc[ok]
            guides, gi = np.unique(sub["guide"].to_numpy(dtype=str), return_inverse=True)
            sites = [s.upper() for s in sub["site"]]
            cfd[ok] = cfd_score_batch(list(guides), sites, guide_index=gi)
            mit[ok] = mit_score_batch(list(guides), sites, guide_index=gi)
    out["cfd"] = cfd
    out["mit"] = mit
    return out


def guide_summary(hits: pd.DataFrame, max_mismatches: int = 4) -> pd.DataFrame:
    """Per-guide aggregates: off-target counts by mismatch level and CRISPOR specificities.

    One perfect bulge-free site per guide is taken to be the on-target and left out of the
    aggregates, as CRISPOR does; further perfect matches count as off-targets.

    Parameters
    ----------
    hits
        Hit table with ``cfd`` and ``mit`` columns (see :func:`add_scores`).
    max_mismatches
        Highest mismatch level counted.

    Returns
    -------
    One row per guide: ``guide_id``, ``guide``, ``on_target`` (found or not),
    ``offtargets``, ``mm0`` ... ``mm<max>``, ``bulged``, ``mit_specificity``,
    ``cfd_specificity``.
    """
    import pandas as pd

    from genetx.edit.scoring.offtarget import cfd_specificity, mit_specificity

    rows = []
    for (gid, guide), grp in hits.groupby(["guide_id", "guide"], sort=False):
        perfect = grp.index[(grp["mismatches"] == 0) & (grp["bulge_type"] == "none")]
        off = grp.drop(index=perfect[:1])
        plain = off[off["bulge_type"] == "none"]
        row = {"guide_id": gid, "guide": guide, "on_target": len(perfect) > 0,
               "offtargets": len(off)}
        counts = np.bincount(plain["mismatches"].to_numpy(dtype=np.int64),
                             minlength=max_mismatches + 1)
        for m in range(max_mismatches + 1):
            row[f"mm{m}"] = int(counts[m]) if m < counts.shape[0] else 0
        row["bulged"] = int((off["bulge_type"] != "none").sum())
        if "mit" in off:
            mit = off["mit"].dropna().to_numpy()
            row["mit_specificity"] = mit_specificity(mit)
            row["cfd_specificity"] = cfd_specificity(off["cfd"].to_numpy(dtype=float))
        rows.append(row)
    return pd.DataFrame(rows)


__all__ = ["add_scores", "guide_summary"]
