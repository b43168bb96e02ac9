"""Off-target scores of SpCas9 guides: CFD and MIT per site, specificity per guide.

Per site
    :func:`cfd_score` is the Cutting Frequency Determination score of Doench et al. 2016 (Nat
    Biotechnol 34:184, doi:10.1038/nbt.3437): the product of one factor per mismatched
    protospacer position (guide base x off-target base x position) and one factor for the 2nd and
    3rd PAM bases (NGG = 1, NAG = 0.259, NGA = 0.069 ...). Tables: ``genetx/data/cfd``.
    :func:`mit_score` is the hit score of Hsu et al. 2013 (Nat Biotechnol 31:827,
    doi:10.1038/nbt.2647) as crispr.mit.edu and CRISPOR compute it, 0-100.

Per guide
    :func:`mit_specificity` and :func:`cfd_specificity` aggregate the scores of a guide's
    off-targets (the on-target excluded) as CRISPOR does; :func:`mismatch_level_counts` gives the
    number of off-targets with 0, 1, 2 ... mismatches (CRISPOR's "0-1-3-10-32" string).

CRISPOR conventions reproduced here (Haeussler et al. 2016, Genome Biol 17:148; crispor.py), all
checked against CRISPOR's own outputs in ``tests/edit/scoring``:

* Sequences are compared case-insensitively (CRISPOR upper-cases before CFD; a soft-masked base
  is not a mismatch).
* MIT: the mean distance between mismatches is the *integer* mean ``(last - first) // (n - 1)``:
  CRISPOR ran under Python 2, where ``sum(dists) / len(dists)`` of integers is floor division.
  Every MIT value of CRISPOR's hg19 sample output needs it (with the exact mean, 10,448 of the
  15,604 NGG rows differ). ``mean_distance="exact"`` gives the real-valued mean of the formula
  as written on crispr.mit.edu.
* MIT: an off-target whose PAM is not NGG (NAG, NGA ...) has its score multiplied by 0.2.
* MIT: a non-ACGT base in the site counts as a mismatch; CFD: a site with any non-ACGT base in its
  23 nt has no score (NaN here, "cannot calculate" in CRISPOR) and is left out of the CFD sum.
* MIT guide specificity: ``round(100 * 100 / (100 + sum of MIT hit scores))`` over all
  off-targets, rounded half up (Python 2 ``round``). CRISPOR reports 0 for a guide whose
  off-target search was aborted because it has too many hits (a repeat); that decision belongs to
  the search, not to this function.
* CFD guide specificity: CRISPOR applies the same formula to the sum of the CFD scores on their
  0-1 scale (crispor.py ``calcMitGuideScore(sum(cfdScores))``, ``doCfdFix = False``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Literal

import numpy as np

from genetx.edit.scoring._data import MIT_ALT_PAM_FACTOR, MIT_WEIGHTS, cfd_tables, mit_weights
from genetx.edit.scoring._encode import encode_batch, encode_one, require_acgt
from genetx.errors import BadInputError, InvalidSequenceError

MeanDistance = Literal["floor", "exact"]
MEAN_DISTANCES: tuple[str, ...] = ("floor", "exact")

_ACGT = frozenset("ACGT")


# --------------------------------------------------------------------------- single sites


def _guide20(guide: str) -> str:
    codes = encode_one(guide, "guide", (20, 23))
    require_acgt(codes[None, :20], f"guide {guide!r}")
    return guide[:20].upper()


def cfd_score(guide: str, site: str) -> float:
    """CFD score of one off-target site (Doench et al. 2016).

    Parameters
    ----------
    guide
        The 20-nt protospacer of the guide (A, C, G, T; any case). A 23-nt guide + PAM is also
        accepted; its PAM is ignored.
    site
        The 23-nt off-target: 20-nt protospacer then the 3-nt PAM, 5' to 3' on the strand that
        carries the PAM.

    Returns
    -------
    The score in [0, 1]; NaN when the site holds a base other than A, C, G, T.

    Examples
    --------
    >>> cfd_score("GGGGGGGGGGGGGGGGGGGG", "GGGGGGGGGGGGGGGGGAAAGGG")
    0.4635989007074176
    >>> cfd_score("ATGGTCGGACTCCCTGCCAG", "ATGGTGGGACTCCCTGCCAGAGG")
    0.5
    """
    g = _guide20(guide)
    encode_one(site, "site", (23,))
    s = site.upper()
    if not set(s) <= _ACGT:
        return math.nan
    mismatch, pam = cfd_tables()
    score = 1.0
    for p in range(20):
        if g[p] != s[p]:
            score *= float(mismatch[p, "ACGT".index(g[p]), "ACGT".index(s[p])])
    return score * float(pam["ACGT".index(s[21]), "ACGT".index(s[22])])


def _check_mean(mean_distance: str) -> None:
    if mean_distance not in MEAN_DISTANCES:
        msg = f"must be one of {', '.join(MEAN_DISTANCES)}, not {mean_distance!r}"
        what = "`mean_distance`"
        raise BadInputError(what, msg)


def mit_score(guide: str, site: str, *, alt_pam_factor: float = MIT_ALT_PAM_FACTOR,
              mean_distance: MeanDistance = "floor") -> float:
    """MIT (Hsu-Zhang) hit score of one off-target site, 0-100, as CRISPOR computes it.

    ``100 * prod(1 - w[p] for mismatched p) * 1 / (4 * (19 - d) / 19 + 1) * 1 / n**2`` with
    ``n`` mismatches and ``d`` their mean pairwise distance (the middle factor is 1 for
    ``n < 2``, the last for ``n = 0``); position weights :data:`MIT_WEIGHTS`.

    Parameters
    ----------
    guide
        The 20-nt protospacer of the guide (a 23-nt guide + PAM is accepted; PAM ignored).
    site
        The off-target: 20 nt (protospacer only), or 23 nt (protospacer + PAM). With a PAM that
        is not NGG the score is multiplied by ``alt_pam_factor`` (CRISPOR's rule for NAG/NGA).
    alt_pam_factor
        Factor for non-NGG PAMs (CRISPOR: 0.2).
    mean_distance
        ``"floor"`` (CRISPOR's integer mean, reproduces its outputs) or ``"exact"``.

    Returns
    -------
    The score (100 for a perfect NGG match).

    Examples
    --------
    >>> round(mit_score("ATTGAGTGACCACTCTACGG", "ATTGAGAGAACACTCAATGGAGG"), 10)
    0.0303403354
    """
    _check_mean(mean_distance)
    g = _guide20(guide)
    encode_one(site, "site", (20, 23))
    s = site.upper()
    weights = MIT_WEIGHTS
    s1 = 1.0
    positions = [p for p in range(20) if g[p] != s[p]]
    for p in positions:
        s1 *= 1.0 - weights[p]
    n = len(positions)
    s2 = 1.0
    if n >= 2:
        span = positions[-1] - positions[0]
        mean = float(span // (n - 1)) if mean_distance == "floor" else span / (n - 1)
        s2 = 1.0 / (((19.0 - mean) / 19.0) * 4.0 + 1.0)
    s3 = 1.0 / (n * n) if n else 1.0
    score = s1 * s2 * s3 * 100.0
    if len(s) == 23 and s[21:23] != "GG":
        score = score * alt_pam_factor
    return score


def count_mismatches(guide: str, site: str) -> int:
    """Number of mismatches between the guide and the site's 20-nt protospacer.

    Parameters
    ----------
    guide
        The 20-nt protospacer of the guide (a 23-nt guide + PAM is accepted; PAM ignored).
    site
        The off-target, 20 or 23 nt (the PAM is not compared). Non-ACGT bases count as
        mismatches.

    Returns
    -------
    0-20.

    Examples
    --------
    >>> count_mismatches("ATTGAGTGACCACTCTACGG", "ATTGAGAGAACACTCAATGGAGG")
    4
    """
    g = _guide20(guide)
    encode_one(site, "site", (20, 23))
    s = site.upper()
    return sum(1 for p in range(20) if g[p] != s[p])


# --------------------------------------------------------------------------- batches


def _guide_codes(guides: Sequence[str] | np.ndarray | str) -> np.ndarray:
    if isinstance(guides, str):
        guides = [guides]
    if isinstance(guides, np.ndarray) and guides.dtype.kind in "iu":
        arr = guides[None, :] if guides.ndim == 1 else guides
        if arr.ndim == 2 and arr.shape[1] == 23:
            arr = arr[:, :20]
        codes = encode_batch(arr, "guides", 20)
    else:
        items = list(guides)
        lengths = {len(g) for g in items if isinstance(g, str)}
        if lengths == {23}:
            items = [g[:20] for g in items]
        codes = encode_batch(items, "guides", 20)
    if codes.shape[0] == 0:
        msg = "no guide given"
        what = "guides"
        raise InvalidSequenceError(what, msg)
    require_acgt(codes, "guides")
    return codes


def _site_codes(sites: Sequence[str] | np.ndarray, lengths: tuple[int, ...]) -> np.ndarray:
    if isinstance(sites, np.ndarray) and sites.dtype.kind in "iu" and sites.ndim == 2:
        width = sites.shape[1]
    else:
        seqs = [sites] if isinstance(sites, str) else list(sites)
        width = len(seqs[0]) if seqs and isinstance(seqs[0], str) else lengths[0]
        sites = seqs
    if width not in lengths:
        want = " or ".join(str(n) for n in lengths)
        msg = f"sites have {width} nt, expected {want}"
        what = "sites"
        raise InvalidSequenceError(what, msg)
    return encode_batch(sites, "sites", width)


def _guide_index(guide_index: np.ndarray | Sequence[int] | None, n_guides: int,
                 n_sites: int) -> np.ndarray:
    if guide_index is None:
        if n_guides == 1:
            return np.zeros(n_sites, dtype=np.int64)
        if n_guides == n_sites:
            return np.arange(n_sites, dtype=np.int64)
        msg = (f"{n_guides} guides for {n_sites} sites: give one guide, one guide per site, "
               "or `guide_index`")
        what = "guides"
        raise BadInputError(what, msg)
    idx = np.asarray(guide_index)
    if idx.dtype.kind not in "iu" or idx.shape != (n_sites,):
        msg = f"must be {n_sites} integers (one per site), got shape {idx.shape} {idx.dtype}"
        what = "`guide_index`"
        raise BadInputError(what, msg)
    if n_sites and (idx.min() < 0 or idx.max() >= n_guides):
        msg = f"values must lie in 0-{n_guides - 1} (there are {n_guides} guides)"
        what = "`guide_index`"
        raise BadInputError(what, msg)
    return np.ascontiguousarray(idx, dtype=np.int64)


def _prepare(guides: Sequence[str] | np.ndarray | str, sites: Sequence[str] | np.ndarray,
             guide_index: np.ndarray | Sequence[int] | None,
             lengths: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    g = _guide_codes(guides)
    s = _site_codes(sites, lengths)
    idx = _guide_index(guide_index, g.shape[0], s.shape[0])
    return g, s, idx


def cfd_score_batch(guides: Sequence[str] | np.ndarray | str, sites: Sequence[str] | np.ndarray,
                    *, guide_index: np.ndarray | Sequence[int] | None = None) -> np.ndarray:
    """CFD scores of many sites (numba kernel; same values as :func:`cfd_score`).

    Parameters
    ----------
    guides
        One guide or several: strings of 20 nt (or 23 with PAM, ignored), or base codes
        (``A=0, C=1, G=2, T=3``), shape ``(20,)`` or ``(n_guides, 20)``.
    sites
        ``n`` off-targets of 23 nt (protospacer + PAM): strings, or codes ``(n, 23)`` with 4 for
        non-ACGT bases.
    guide_index
        Row of ``guides`` for each site. Optional with one guide (all sites) or with one guide per
        site (pairwise).

    Returns
    -------
    float64 array ``(n,)``, NaN for sites with a non-ACGT base.

    Examples
    --------
    >>> sites = ["ATGGTGGGACTCCCTGCCAGAGG", "ATGGTCGGACTCCCTGCCAGAAG"]
    >>> cfd_score_batch("ATGGTCGGACTCCCTGCCAG", sites)
    array([0.5       , 0.25925926])
    """
    g, s, idx = _prepare(guides, sites, guide_index, (23,))
    out = np.empty(s.shape[0], dtype=np.float64)
    if s.shape[0]:
        from genetx._numba import thread_limit
        from genetx.edit.scoring._kernels import _cfd_kernel

        mismatch, pam = cfd_tables()
        with thread_limit():
            _cfd_kernel(g, idx, s, mismatch, pam, out)
    return out


def mit_score_batch(guides: Sequence[str] | np.ndarray | str, sites: Sequence[str] | np.ndarray,
                    *, guide_index: np.ndarray | Sequence[int] | None = None,
                    alt_pam_factor: float = MIT_ALT_PAM_FACTOR,
                    mean_distance: MeanDistance = "floor") -> np.ndarray:
    """MIT hit scores of many sites (numba kernel; same values as :func:`mit_score`).

    Parameters
    ----------
    guides
        One guide or several, as for :func:`cfd_score_batch`.
    sites
        ``n`` off-targets of 20 nt, or of 23 nt (protospacer + PAM; non-NGG PAMs then get
        ``alt_pam_factor``): strings or codes.
    guide_index
        Row of ``guides`` for each site, as for :func:`cfd_score_batch`.
    alt_pam_factor
        Factor for non-NGG PAMs (CRISPOR: 0.2).
    mean_distance
        ``"floor"`` (CRISPOR) or ``"exact"``; see :func:`mit_score`.

    Returns
    -------
    float64 array ``(n,)``.
    """
    _check_mean(mean_distance)
    g, s, idx = _prepare(guides, sites, guide_index, (20, 23))
    out = np.empty(s.shape[0], dtype=np.float64)
    if s.shape[0]:
        from genetx._numba import thread_limit
        from genetx.edit.scoring._kernels import _mit_kernel

        with thread_limit():
            _mit_kernel(g, idx, s, mit_weights(), float(alt_pam_factor),
                        mean_distance == "floor", out)
    return out


def count_mismatches_batch(guides: Sequence[str] | np.ndarray | str,
                           sites: Sequence[str] | np.ndarray, *,
                           guide_index: np.ndarray | Sequence[int] | None = None) -> np.ndarray:
    """Mismatches between each site's 20-nt protospacer and its guide (numba kernel).

    Parameters
    ----------
    guides
        One guide or several, as for :func:`cfd_score_batch`.
    sites
        ``n`` off-targets of 20 or 23 nt (the PAM is not compared), strings or codes.
    guide_index
        Row of ``guides`` for each site, as for :func:`cfd_score_batch`.

    Returns
    -------
    int64 array ``(n,)``, values 0-20.
    """
    g, s, idx = _prepare(guides, sites, guide_index, (20, 23))
    out = np.empty(s.shape[0], dtype=np.int64)
    if s.shape[0]:
        from genetx._numba import thread_limit
        from genetx.edit.scoring._kernels import _mismatch_kernel

        with thread_limit():
            _mismatch_kernel(g, idx, s, out)
    return out


# --------------------------------------------------------------------------- per guide


def _scores_array(site_scores: Iterable[float] | np.ndarray, name: str) -> np.ndarray:
    try:
        arr = np.asarray(list(site_scores) if not isinstance(site_scores, np.ndarray)
                         else site_scores, dtype=np.float64).ravel()
    except (TypeError, ValueError):
        msg = "must be numbers"
        raise BadInputError(name, msg) from None
    if (arr < 0).any() or np.isinf(arr).any():
        msg = "holds negative or infinite scores"
        raise BadInputError(name, msg)
    return arr


def _half_up(x: float) -> float:
    return float(math.floor(x + 0.5))


def mit_specificity(site_scores: Iterable[float] | np.ndarray, *, rounded: bool = True) -> float:
    """CRISPOR's (and crispr.mit.edu's) guide specificity from the MIT scores of its off-targets.

    ``100 * 100 / (100 + sum(site_scores))``, 100 for a guide without off-targets.

    Parameters
    ----------
    site_scores
        MIT hit scores (0-100) of every off-target of the guide, the on-target excluded.
    rounded
        Round half up to an integer, as CRISPOR prints it (default); otherwise the raw value.

    Returns
    -------
    The specificity, 0-100.

    Examples
    --------
    >>> mit_specificity([0.5, 2.0, 3.0])
    95.0
    """
    arr = _scores_array(site_scores, "site_scores")
    if np.isnan(arr).any():
        msg = "holds NaN; MIT scores are defined for every site"
        what = "site_scores"
        raise BadInputError(what, msg)
    value = 10000.0 / (100.0 + math.fsum(arr.tolist()))
    return _half_up(value) if rounded else value


def cfd_specificity(site_scores: Iterable[float] | np.ndarray, *, scale: float = 1.0,
                    rounded: bool = True) -> float:
    """CRISPOR's CFD guide specificity: ``100 * 100 / (100 + scale * sum(site_scores))``.

    CRISPOR sums the CFD scores on their 0-1 scale (``scale=1``, its default). ``scale=100``
    gives the variant that first puts CFD on the 0-100 scale of the MIT score, which equals
    ``100 / (1 + sum)``. Sites without a CFD score (NaN: non-ACGT bases) are left out, as in
    CRISPOR.

    Parameters
    ----------
    site_scores
        CFD scores (0-1) of every off-target of the guide, the on-target excluded.
    scale
        Multiplier applied to the sum (see above).
    rounded
        Round half up to an integer, as CRISPOR prints it (default); otherwise the raw value.

    Returns
    -------
    The specificity, 0-100.

    Examples
    --------
    >>> cfd_specificity([0.5, 0.25])
    99.0
    >>> cfd_specificity([0.5, 0.25], scale=100, rounded=False)
    57.142857142857146
    """
    arr = _scores_array(site_scores, "site_scores")
    if not (isinstance(scale, int | float) and math.isfinite(scale) and scale > 0):
        msg = f"must be a positive number, not {scale!r}"
        what = "`scale`"
        raise BadInputError(what, msg)
    total = math.fsum(arr[~np.isnan(arr)].tolist())
    value = 10000.0 / (100.0 + scale * total)
    return _half_up(value) if rounded else value


def mismatch_level_counts(mismatches: Iterable[int] | np.ndarray, *,
                          max_mismatches: int = 4) -> np.ndarray:
    """Number of off-targets at each mismatch level, 0 to ``max_mismatches``.

    CRISPOR shows these as "0-1-3-10-32" and their sum as the guide's off-target count.

    Parameters
    ----------
    mismatches
        Mismatch count of every off-target of the guide (the on-target excluded).
    max_mismatches
        The highest level counted; a larger count is an error.

    Returns
    -------
    int64 array of length ``max_mismatches + 1``.

    Examples
    --------
    >>> mismatch_level_counts([4, 3, 4, 1]).tolist()
    [0, 1, 0, 1, 2]
    """
    if not isinstance(max_mismatches, int) or isinstance(max_mismatches, bool) \
            or max_mismatches < 0:
        msg = f"must be a non-negative integer, not {max_mismatches!r}"
        what = "`max_mismatches`"
        raise BadInputError(what, msg)
    arr = np.asarray(list(mismatches) if not isinstance(mismatches, np.ndarray) else mismatches)
    if arr.size == 0:
        return np.zeros(max_mismatches + 1, dtype=np.int64)
    if arr.dtype.kind not in "iu":
        msg = f"must be integers, got {arr.dtype}"
        what = "mismatches"
        raise BadInputError(what, msg)
    if arr.min() < 0 or arr.max() > max_mismatches:
        bad = int(arr.max()) if arr.max() > max_mismatches else int(arr.min())
        msg = f"holds {bad}, outside 0-{max_mismatches} (`max_mismatches`)"
        what = "mismatches"
        raise BadInputError(what, msg)
    return np.bincount(arr.ravel(), minlength=max_mismatches + 1).astype(np.int64)


__all__ = [
    "MEAN_DISTANCES",
    "MIT_ALT_PAM_FACTOR",
    "MIT_WEIGHTS",
    "MeanDistance",
    "cfd_score",
    "cfd_score_batch",
    "cfd_specificity",
    "count_mismatches",
    "count_mismatches_batch",
    "mismatch_level_counts",
    "mit_score",
    "mit_score_batch",
    "mit_specificity",
]
