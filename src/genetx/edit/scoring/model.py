"""GeneTx's own SpCas9 on-target activity model (``genetx_activity_v1``).

A gradient-boosted regression tree ensemble trained by ``scripts/train_activity.py`` on the 37
public efficiency datasets collected by Haeussler et al. 2016 (Genome Biol 17:148,
doi:10.1186/s13059-016-1012-2; ``crisporPaper_effData`` in the shared data). Each dataset's
measured activities were turned into within-dataset percentiles (0 = least, 1 = most active)
before pooling, so the score is a predicted activity percentile on that scale. How it was
trained and how it compares with Rule Set 1 and Azimuth (Doench 2016) on held-out datasets is
written in ``docs/activity_model.md``.

The model is plain arrays (``genetx/data/ontarget/genetx_activity_v1.npz``, metadata in
``genetx_activity_v1.json``); inference is numpy only: the features of
:func:`activity_features` are computed for every guide and each tree is walked for all guides
at once, one level per step.

The input is the 30-mer ``NNNN + 20-nt protospacer + NGG + NNN`` (the Rule Set 1 layout) or the
35-mer ``6 nt + protospacer + NGG + 6 nt`` (the CRISPRscan layout), whose central 30-mer is used.
Bases other than A, C, G, T (``N``) match no one-hot feature and count as no base.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np

from genetx.edit.scoring._data import DATA_DIR
from genetx.edit.scoring._encode import encode_batch, encode_one
from genetx.errors import InvalidSequenceError

#: Name of the shipped model (files ``genetx/data/ontarget/<MODEL_NAME>.npz`` and ``.json``).
MODEL_NAME = "genetx_activity_v1"
#: Input lengths: the 30-mer the features are defined on, and the 35-mer it may be cut from.
ACTIVITY_LENGTHS = (30, 35)
_LEN = 30
_GG = 25  # 0-based start of the GG of NGG in the 30-mer
_PROTO = slice(4, 24)  # the 20-nt protospacer in the 30-mer
_BASES = "ACGT"
#: 1-based positions in the 30-mer whose base is not a feature (the GG of the PAM).
_FIXED = (26, 27)
#: 1-based start positions of dinucleotides that are not features: they overlap the fixed GG,
#: so they repeat a mononucleotide feature (N-G, G-G, G-N).
_DI_SKIP = (25, 26, 27)
_CHUNK = 1024


def _feature_names() -> tuple[str, ...]:
    names: list[str] = []
    for p in range(1, _LEN + 1):
        if p not in _FIXED:
            names += [f"pos{p}_{b}" for b in _BASES]
    for p in range(1, _LEN):
        if p not in _DI_SKIP:
            names += [f"pos{p}_{a}{b}" for a in _BASES for b in _BASES]
    names += [f"count_{b}" for b in _BASES]
    names += [f"count_{a}{b}" for a in _BASES for b in _BASES]
    names += ["gc_1_20", "gc_1_10", "gc_11_20", "gc_15_20", "gc_below_10", "gc_above_10",
              "max_homopolymer", "tttt"]
    return tuple(names)


#: Names of the columns of :func:`activity_features`, in order. Positions are 1-based in the
#: 30-mer (protospacer = 5-24, PAM = 25-27); ``count_*`` and ``gc_*`` count over the protospacer
#: (``gc_15_20`` = its last six bases), ``gc_below_10``/``gc_above_10`` are ``max(0, 10 - gc)``
#: and ``max(0, gc - 10)``, ``max_homopolymer`` is the longest run of one base in the
#: protospacer and ``tttt`` flags a TTTT (a Pol III terminator) in it.
FEATURE_NAMES: tuple[str, ...] = _feature_names()


def _codes(seqs: Sequence[str] | np.ndarray | str, name: str) -> np.ndarray:
    """Codes ``(n, 30)`` of 30- or 35-mers (strings or codes), with the NGG checked."""
    if isinstance(seqs, np.ndarray) and seqs.dtype.kind in "iu":
        width = seqs.shape[-1] if seqs.ndim in (1, 2) else -1
        if width not in ACTIVITY_LENGTHS:
            msg = f"code array has shape {seqs.shape}, expected (n, 30) or (n, 35)"
            raise InvalidSequenceError(name, msg)
        codes = encode_batch(seqs, name, width)
        strings = None
    else:
        strings = [seqs] if isinstance(seqs, str) else list(seqs)
        width = len(strings[0]) if strings and isinstance(strings[0], str) else _LEN
        if width not in ACTIVITY_LENGTHS:
            msg = f"item 0 ({strings[0]!r}) has {width} nt, expected 30 or 35"
            raise InvalidSequenceError(name, msg)
        codes = encode_batch(strings, name, width)
    if width == 35:
        codes = np.ascontiguousarray(codes[:, 2:32])
    bad = np.flatnonzero((codes[:, _GG] != 2) | (codes[:, _GG + 1] != 2))
    if bad.size:
        i = int(bad[0])
        what = f"{name} {strings[i]!r}" if strings is not None else name
        if codes.shape[0] > 1:
            what += f" (item {i})"
        gg = _GG + 1 + (2 if width == 35 else 0)
        msg = f"positions {gg}-{gg + 1} must be the GG of an NGG PAM"
        raise InvalidSequenceError(what, msg)
    return codes


def activity_features(seqs: Sequence[str] | np.ndarray | str) -> np.ndarray:
    """Feature matrix of the activity model (columns named by :data:`FEATURE_NAMES`).

    Parameters
    ----------
    seqs
        30-mers ``NNNN + protospacer + NGG + NNN`` or 35-mers ``6 nt + protospacer + NGG +
        6 nt`` (strings of one length, any case), or base codes ``(n, 30)`` / ``(n, 35)``
        (``A=0, C=1, G=2, T=3``, 4 = other).

    Returns
    -------
    float64 array ``(n, len(FEATURE_NAMES))``.
    """
    return _features(_codes(seqs, "seqs"))


def _features(codes: np.ndarray) -> np.ndarray:
    n = codes.shape[0]
    c = codes.astype(np.intp)
    cols: list[np.ndarray] = []
    # position-specific mononucleotides: one column per (position, base)
    mono_pos = [p - 1 for p in range(1, _LEN + 1) if p not in _FIXED]
    onehot = c[:, mono_pos, None] == np.arange(4)
    cols.append(onehot.reshape(n, -1))
    # position-specific dinucleotides: column 4 * a + b at each kept start position
    di_pos = np.array([p - 1 for p in range(1, _LEN) if p not in _DI_SKIP])
    first, second = c[:, di_pos], c[:, di_pos + 1]
    di = np.where((first < 4) & (second < 4), 4 * first + second, -1)
    cols.append((di[:, :, None] == np.arange(16)).reshape(n, -1))
    proto = c[:, _PROTO]
    cols.append((proto[:, :, None] == np.arange(4)).sum(axis=1))
    pdi = np.where((proto[:, :-1] < 4) & (proto[:, 1:] < 4), 4 * proto[:, :-1] + proto[:, 1:], -1)
    cols.append((pdi[:, :, None] == np.arange(16)).sum(axis=1))
    gc = (proto == 1) | (proto == 2)
    gc_all = gc.sum(axis=1)
    run = np.ones(n, dtype=np.intp)
    best = np.where(proto[:, 0] < 4, 1, 0)
    for p in range(1, proto.shape[1]):
        same = (proto[:, p] == proto[:, p - 1]) & (proto[:, p] < 4)
        run = np.where(same, run + 1, 1)
        best = np.maximum(best, np.where(proto[:, p] < 4, run, 0))
    t = proto == 3
    tttt = (t[:, :-3] & t[:, 1:-2] & t[:, 2:-1] & t[:, 3:]).any(axis=1)
    cols.append(np.column_stack([
        gc_all, gc[:, :10].sum(axis=1), gc[:, 10:].sum(axis=1), gc[:, 14:].sum(axis=1),
        np.maximum(0, 10 - gc_all), np.maximum(0, gc_all - 10), best, tttt,
    ]))
    return np.concatenate([col.astype(np.float64) for col in cols], axis=1)


@dataclass(frozen=True)
class TreeEnsemble:
    """A regression tree ensemble as arrays, ``(n_trees, n_nodes)`` each.

    Attributes
    ----------
    feature
        Column of :func:`activity_features` a node splits on; -1 for a leaf.
    threshold
        A row goes to ``left`` when its feature value is ``<= threshold``, else to ``right``.
    left, right
        Child node indices; a leaf (and any padding node) points to itself.
    value
        Leaf outputs (0 elsewhere); the prediction is the sum over trees of the leaf reached.
    depth
        Number of levels to walk from the root to reach a leaf in every tree.
    meta
        The model's metadata (``genetx_activity_v1.json``).
    """

    feature: np.ndarray
    threshold: np.ndarray
    left: np.ndarray
    right: np.ndarray
    value: np.ndarray
    depth: int
    meta: dict


def _predict_arrays(arrays: dict[str, np.ndarray] | TreeEnsemble, x: np.ndarray) -> np.ndarray:
    """Raw sum of leaf values for the feature rows ``x`` (no clipping)."""
    get = arrays.__getitem__ if isinstance(arrays, dict) else lambda k: getattr(arrays, k)
    feature = np.asarray(get("feature"))
    n_trees, width = feature.shape
    depth = int(np.asarray(get("depth")).item())
    # flat node indices (tree * width + node), so that each level is a few np.take calls
    offset = np.arange(n_trees, dtype=np.intp)[:, None] * width
    feat = np.maximum(feature, 0).astype(np.intp).ravel()  # leaves: any column, they self-loop
    thr = np.asarray(get("threshold"), dtype=np.float64).ravel()
    left = (np.asarray(get("left"), dtype=np.intp) + offset).ravel()
    right = (np.asarray(get("right"), dtype=np.intp) + offset).ravel()
    value = np.asarray(get("value"), dtype=np.float64).ravel()
    roots = offset.ravel()
    out = np.empty(x.shape[0], dtype=np.float64)
    for start in range(0, x.shape[0], _CHUNK):
        xs = np.ascontiguousarray(x[start:start + _CHUNK], dtype=np.float64)
        base = np.arange(xs.shape[0], dtype=np.intp)[:, None] * xs.shape[1]
        flat = xs.ravel()
        node = np.broadcast_to(roots, (xs.shape[0], n_trees)).copy()
        for _ in range(depth):
            val = flat.take(base + feat.take(node))
            node = np.where(val <= thr.take(node), left.take(node), right.take(node))
        out[start:start + _CHUNK] = value.take(node).sum(axis=1)
    return out


@cache
def activity_model() -> TreeEnsemble:
    """The shipped model (``genetx/data/ontarget/genetx_activity_v1.npz`` + ``.json``).

    Returns
    -------
    The tree arrays (read-only) and metadata, loaded once.
    """
    base = DATA_DIR / "ontarget" / MODEL_NAME
    meta = json.loads(base.with_suffix(".json").read_text())
    if tuple(meta["features"]) != FEATURE_NAMES:
        msg = f"{MODEL_NAME}.json: feature list differs from genetx.edit.scoring.model"
        raise ValueError(msg)
    with np.load(base.with_suffix(".npz"), allow_pickle=False) as npz:
        arrays = {k: npz[k] for k in ("feature", "threshold", "left", "right", "value")}
        depth = int(npz["depth"].item())
    for a in arrays.values():
        a.setflags(write=False)
    if arrays["feature"].max() >= len(FEATURE_NAMES):
        msg = f"{MODEL_NAME}.npz: a split uses a feature beyond the {len(FEATURE_NAMES)} known"
        raise ValueError(msg)
    return TreeEnsemble(depth=depth, meta=meta, **arrays)


def _score(codes: np.ndarray) -> np.ndarray:
    model = activity_model()
    out = np.empty(codes.shape[0], dtype=np.float64)
    for start in range(0, codes.shape[0], _CHUNK):
        chunk = codes[start:start + _CHUNK]
        out[start:start + _CHUNK] = _predict_arrays(model, _features(chunk))
    return np.clip(out, 0.0, 1.0)


def activity_score_batch(seqs: Sequence[str] | np.ndarray | str) -> np.ndarray:
    """GeneTx activity score of many guides (vectorised).

    Parameters
    ----------
    seqs
        30-mers ``NNNN + protospacer + NGG + NNN`` or 35-mers ``6 nt + protospacer + NGG +
        6 nt`` (strings of one length, any case), or base codes ``(n, 30)`` / ``(n, 35)``.

    Returns
    -------
    float64 array of predicted activity percentiles in [0, 1] (higher = more active).
    """
    if isinstance(seqs, str):
        seqs = [seqs]
    if not isinstance(seqs, np.ndarray) and len(seqs) == 0:
        return np.zeros(0, dtype=np.float64)
    return _score(_codes(seqs, "seqs"))


def activity_score(seq: str) -> float:
    """GeneTx activity score of one guide.

    Parameters
    ----------
    seq
        The 30-mer (4 nt 5' flank, 20-nt protospacer, NGG PAM, 3 nt 3' flank) or the 35-mer
        (6 nt, protospacer, NGG, 6 nt).

    Returns
    -------
    Predicted activity percentile in [0, 1]: where the guide would rank among the guides of a
    typical screen (higher = more active).
    """
    encode_one(seq, "seq", ACTIVITY_LENGTHS)
    return float(_score(_codes([seq], "seq"))[0])


__all__ = [
    "ACTIVITY_LENGTHS",
    "FEATURE_NAMES",
    "MODEL_NAME",
    "TreeEnsemble",
    "activity_features",
    "activity_model",
    "activity_score",
    "activity_score_batch",
]
