#!/usr/bin/env python
"""Train GeneTx's SpCas9 on-target activity model and evaluate it leave-one-dataset-out.

Data: the 37 efficiency datasets of Haeussler et al. 2016 (Genome Biol 17:148), as CRISPOR's
authors published them (``shared/data/crispr_efficiency/crisporPaper_effData/*.scores.tab.gz``:
guide, 100-bp context, measured activity ``modFreq`` and CRISPOR's scores, among them ``fusi``
= Azimuth / Doench 2016 "Rule Set 2" without gene-position features).

What the script does (``docs/activity_model.md`` explains why):

1. Reads every dataset, cuts the 30-mer (4 + protospacer + NGG + 3) from the 100-bp context and
   orients the activity so that higher means more active (the depletion screens, whose values
   are log fold-changes, are negated: :data:`NEGATED`).
2. Turns activities into within-dataset percentiles (within gene where the guide name gives the
   gene of a screen: :data:`GENE_PATTERNS`), then averages them per guide over the files of one
   study (:data:`STUDY_GROUPS`: the same guides measured in several cell lines).
3. Leave-one-study-out: for each study, trains on all other studies, leaving out as well every
   guide whose protospacer occurs in the held-out study, and reports the Spearman correlation
   of the model, Rule Set 1 and CRISPOR's Azimuth column with the measured activity of every
   held-out dataset (file).
4. Trains the shipped model on everything, checks that GeneTx's numpy inference
   (:mod:`genetx.edit.scoring.model`) reproduces LightGBM's predictions, and writes
   ``genetx_activity_v1.npz`` (tree arrays) and ``genetx_activity_v1.json`` (metadata, the
   evaluation table and reference predictions used by the tests).

Requires the ``train`` extra (``pip install -e ".[train]"``: LightGBM, SciPy). Deterministic:
fixed seeds, LightGBM's ``deterministic`` mode and a fixed thread count give the same model
on every run. About two minutes on one core.

Usage::

    python scripts/train_activity.py [--effdata DIR] [--out DIR] [--no-write] [--markdown FILE]
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import json
import sys
import time
import zipfile
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
DEFAULT_EFFDATA = REPO.parent / "shared" / "data" / "crispr_efficiency" / "crisporPaper_effData"
DEFAULT_OUT = REPO / "src" / "genetx" / "data" / "ontarget"
MODEL_NAME = "genetx_activity_v1"
SEED = 20240601

#: Studies whose files share guides or an experiment (one experiment in several cell lines, or
#: one screen design in two species); a study is held out as a whole. Files not listed are
#: their own study.
STUDY_GROUPS: dict[str, tuple[str, ...]] = {
    "chari2015Train": ("chari2015Train293T", "chari2015TrainK562"),
    "chari2015Valid": ("chari2015Valid_293T", "chari2015Valid_A549", "chari2015Valid_HepG2",
                       "chari2015Valid_K562", "chari2015Valid_PGP1iPS", "chari2015Valid_SKNAS",
                       "chari2015Valid_U2OS"),
    "concordet2": ("concordet2-Hs", "concordet2-Mm"),
    "doench2014": ("doench2014-Hs", "doench2014-Mm"),
    "hart2016": ("hart2016-Hct1162lib1Avg", "hart2016-HelaLib1Avg", "hart2016-HelaLib2Avg",
                 "hart2016-Rpe1Avg"),
    "xu2015Train": ("xu2015TrainHl60", "xu2015TrainKbm7", "xu2015TrainMEsc"),
    "xu2015Valid": ("xu2015", "xu2015AAVS1", "xu2015FOX-AR"),
}

#: Depletion screens of essential genes whose ``modFreq`` is a log2 fold-change: the more
#: active the guide, the more negative the value. They are negated so that higher = more active
#: (Haeussler 2016 did the same for the Wang/Xu and Koike-Yusa/Xu data in their Fig. 4, where
#: HL60 and mESC show positive correlations).
NEGATED = frozenset({"xu2015TrainHl60", "xu2015TrainKbm7", "xu2015TrainMEsc", "wang2015_hg19"})

#: Screens whose guide names carry the target gene: activities are ranked within each gene,
#: since the effect of a gene on a screen readout (how essential it is, which drug selects it)
#: is not a property of the guide.
GENE_PATTERNS: dict[str, str] = {
    "doench2016_hg19": r"^(.+)-\d+$",
    "xu2015TrainHl60": r"^(.+)-\d+$",
    "xu2015TrainKbm7": r"^(.+)-\d+$",
    "xu2015TrainMEsc": r"^(.+)-\d+$",
    "wang2015_hg19": r"^sg(.+)_\d+$",
}

#: Files used for evaluation only: ``xu2015`` is the union of ``xu2015AAVS1`` (T7 endonuclease
#: assay) and ``xu2015FOX-AR`` (knock-out), two read-outs on different scales.
EVAL_ONLY = frozenset({"xu2015"})

#: Where Rule Set 1 or Azimuth saw the data in training (so their correlation is not held out).
SEEN_BY: dict[str, str] = {
    "doench2014-Hs": "RS1, Azimuth", "doench2014-Mm": "RS1, Azimuth",
    "doench2016_hg19": "Azimuth",
}

#: LightGBM hyper-parameters of every fit (fold models and the shipped model).
PARAMS: dict[str, object] = {
    "objective": "regression",
    "learning_rate": 0.05,
    "num_leaves": 8,
    "max_depth": 4,
    "min_data_in_leaf": 50,
    "feature_fraction": 0.5,
    "bagging_fraction": 0.8,
    "bagging_freq": 1,
    "lambda_l2": 1.0,
    "max_bin": 15,
    "force_col_wise": True,
    "deterministic": True,
    "seed": SEED,
    "verbose": -1,
}
ROUNDS = 400
#: Each study's total weight in training is proportional to (its number of guides) ** power:
#: 1 weighs every guide equally, 0.5 damps the large screens.
STUDY_WEIGHT_POWER = 1.0


# ---- data ------------------------------------------------------------------------------------


def study_of(name: str) -> str:
    """The study group of a dataset file name."""
    for study, files in STUDY_GROUPS.items():
        if name in files:
            return study
    return name


def _percentiles(values: np.ndarray) -> np.ndarray:
    from scipy.stats import rankdata

    return (rankdata(values) - 0.5) / len(values)


def load(effdata: Path):
    """One row per (file, guide): oriented activity, percentile target, 30-mer, baselines."""
    import pandas as pd

    from genetx.edit.scoring import rule_set_1_batch

    files = sorted(effdata.glob("*.scores.tab.gz"))
    if len(files) != 37:
        sys.exit(f"{effdata}: expected 37 *.scores.tab.gz files, found {len(files)}")
    frames = []
    for path in files:
        name = path.name.removesuffix(".scores.tab.gz")
        d = pd.read_csv(path, sep="\t", dtype={"guide": str},
                        usecols=["guide", "modFreq", "longSeq100Bp", "fusi"])
        d.insert(0, "file", name)
        d["study"] = study_of(name)
        d["activity"] = d["modFreq"].astype(float) * (-1.0 if name in NEGATED else 1.0)
        if name in GENE_PATTERNS:
            gene = d["guide"].str.extract(GENE_PATTERNS[name])[0]
            if gene.isna().any():
                sys.exit(f"{name}: guide names without a gene: {d.guide[gene.isna()].head()}")
        else:
            gene = pd.Series("", index=d.index)
        target = np.empty(len(d))
        for idx in d.groupby(gene.to_numpy()).indices.values():
            target[idx] = _percentiles(d["activity"].to_numpy()[idx])
        d["target"] = target
        d["seq30"] = d["longSeq100Bp"].str[26:56].str.upper()
        d["protospacer"] = d["seq30"].str[4:24]
        frames.append(d.drop(columns=["longSeq100Bp"]))
    data = pd.concat(frames, ignore_index=True)
    data["rule_set_1"] = rule_set_1_batch(data["seq30"].tolist())
    return data


def training_rows(data):
    """Training table: one row per (study, 30-mer), the target averaged over the study's files."""
    rows = data[~data["file"].isin(EVAL_ONLY)]
    return (rows.groupby(["study", "seq30"], sort=True)
            .agg(target=("target", "mean"), protospacer=("protospacer", "first"))
            .reset_index())


# ---- model -----------------------------------------------------------------------------------


def row_weights(studies: np.ndarray) -> np.ndarray:
    """Training weights from :data:`STUDY_WEIGHT_POWER` (mean 1)."""
    _, inverse, counts = np.unique(studies, return_inverse=True, return_counts=True)
    w = counts[inverse].astype(np.float64) ** (STUDY_WEIGHT_POWER - 1.0)
    return w / w.mean()


def fit(x: np.ndarray, y: np.ndarray, studies: np.ndarray, threads: int):
    """Fit the LightGBM ensemble (returns a ``lightgbm.Booster``)."""
    import lightgbm as lgb

    params = dict(PARAMS, num_threads=threads)
    ds = lgb.Dataset(x, y, weight=row_weights(studies), params=params)
    return lgb.train(params, ds, num_boost_round=ROUNDS)


def export(booster) -> dict[str, np.ndarray]:
    """Tree arrays for :mod:`genetx.edit.scoring.model` from a LightGBM booster.

    Nodes are numbered breadth-first in each tree (root 0). A leaf points to itself, so walking
    ``depth`` levels from the root ends on a leaf for every tree.
    """
    trees = booster.dump_model()["tree_info"]
    flat: list[list[tuple[int, float, int, int, float]]] = []
    depth = 0
    for tree in trees:
        nodes: list[tuple[int, float, int, int, float]] = []
        queue = [(tree["tree_structure"], 0)]
        while queue:
            node, level = queue.pop(0)
            depth = max(depth, level)
            me = len(nodes)
            if "leaf_value" in node:
                nodes.append((-1, 0.0, me, me, float(node["leaf_value"])))
                continue
            if node["decision_type"] != "<=" or node["missing_type"] not in ("None", "NaN"):
                sys.exit(f"unsupported split {node['decision_type']} / {node['missing_type']}")
            nodes.append((int(node["split_feature"]), float(node["threshold"]), -1, -1, 0.0))
            queue.append((node["left_child"], level + 1))
            queue.append((node["right_child"], level + 1))
        # children were queued in order: fill the child indices breadth-first
        nxt = 1
        for i, (feat, thr, left, _right, value) in enumerate(nodes):
            if left == -1:
                nodes[i] = (feat, thr, nxt, nxt + 1, value)
                nxt += 2
        flat.append(nodes)
    width = max(len(t) for t in flat)
    shape = (len(flat), width)
    arrays = {
        "feature": np.full(shape, -1, dtype=np.int32),
        "threshold": np.zeros(shape, dtype=np.float64),
        "left": np.zeros(shape, dtype=np.int32),
        "right": np.zeros(shape, dtype=np.int32),
        "value": np.zeros(shape, dtype=np.float64),
    }
    for t, nodes in enumerate(flat):
        for i, (feat, thr, left, right, value) in enumerate(nodes):
            arrays["feature"][t, i] = feat
            arrays["threshold"][t, i] = thr
            arrays["left"][t, i] = left
            arrays["right"][t, i] = right
            arrays["value"][t, i] = value
        arrays["left"][t, len(nodes):] = np.arange(len(nodes), width)
        arrays["right"][t, len(nodes):] = np.arange(len(nodes), width)
    arrays["depth"] = np.array(depth, dtype=np.int32)
    return arrays


def write_npz(path: Path, arrays: dict[str, np.ndarray]) -> None:
    """``np.savez_compressed`` with fixed zip timestamps, so equal arrays give equal bytes."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name in sorted(arrays):
            info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            with zf.open(info, "w") as fh:
                np.lib.format.write_array(fh, np.require(arrays[name], requirements="C"),
                                          allow_pickle=False)


# ---- evaluation ------------------------------------------------------------------------------


def spearman(a: np.ndarray, b: np.ndarray) -> float:
    """Spearman's rho (ties averaged)."""
    from scipy.stats import spearmanr

    return float(spearmanr(a, b)[0])


def leave_one_study_out(data, features: np.ndarray, threads: int, log=print, studies=None):
    """Per held-out file: n, Spearman of GeneTx (fold model), Rule Set 1 and Azimuth.

    ``studies`` limits the folds to those studies (all by default).
    """
    import pandas as pd

    from genetx.edit.scoring.model import activity_features

    table = training_rows(data)
    x_train_all = activity_features(table["seq30"].tolist())
    rows = []
    for study in sorted(data["study"].unique()) if studies is None else studies:
        held = data["study"] == study
        blocked = set(data.loc[held, "protospacer"])
        keep = ((table["study"] != study) & ~table["protospacer"].isin(blocked)).to_numpy()
        t0 = time.perf_counter()
        booster = fit(x_train_all[keep], table["target"].to_numpy()[keep],
                      table["study"].to_numpy()[keep], threads)
        for name in sorted(data.loc[held, "file"].unique()):
            idx = np.flatnonzero((data["file"] == name).to_numpy())
            sub = data.iloc[idx]
            pred = booster.predict(features[idx], num_threads=threads)
            rows.append({
                "dataset": name, "study": study, "n": len(idx),
                "genetx": spearman(sub["activity"], pred),
                "rule_set_1": spearman(sub["activity"], sub["rule_set_1"]),
                "azimuth": spearman(sub["activity"], sub["fusi"]),
                "seen_by": SEEN_BY.get(name, ""),
            })
        log(f"  held out {study}: trained on {int(keep.sum())} guide rows "
            f"({time.perf_counter() - t0:.0f} s)")
    return pd.DataFrame(rows)


def summary(res) -> dict[str, object]:
    """Win counts and means, over all files and over files with at least 100 guides."""
    out: dict[str, object] = {}
    for label, sel in (("datasets", res), ("datasets with n >= 100", res[res["n"] >= 100]),
                       ("datasets held-out for Azimuth", res[res["seen_by"] == ""])):
        out[label] = {
            "datasets": len(sel),
            "genetx_beats_azimuth": int((sel["genetx"] > sel["azimuth"]).sum()),
            "genetx_beats_rule_set_1": int((sel["genetx"] > sel["rule_set_1"]).sum()),
            "mean_genetx": round(float(sel["genetx"].mean()), 3),
            "mean_rule_set_1": round(float(sel["rule_set_1"].mean()), 3),
            "mean_azimuth": round(float(sel["azimuth"].mean()), 3),
        }
    # twin files are not independent: also count per study (file correlations averaged)
    held = res[res["seen_by"] == ""]
    per_study = held.groupby("study")[["genetx", "rule_set_1", "azimuth"]].mean()
    out["studies held-out for Azimuth"] = {
        "datasets": len(per_study),
        "genetx_beats_azimuth": int((per_study["genetx"] > per_study["azimuth"]).sum()),
        "genetx_beats_rule_set_1": int((per_study["genetx"] > per_study["rule_set_1"]).sum()),
        "mean_genetx": round(float(per_study["genetx"].mean()), 3),
        "mean_rule_set_1": round(float(per_study["rule_set_1"].mean()), 3),
        "mean_azimuth": round(float(per_study["azimuth"].mean()), 3),
    }
    return out


def markdown(res, summ: dict[str, object]) -> str:
    """The evaluation table as Markdown."""
    lines = [
        "| held-out dataset | study (held out together) | n | GeneTx | Rule Set 1 | Azimuth "
        "| GeneTx > Azimuth | note |",
        "|---|---|---:|---:|---:|---:|:---:|---|",
    ]
    for r in res.itertuples():
        note = f"not held out for {r.seen_by}" if r.seen_by else ""
        win = "yes" if r.genetx > r.azimuth else ""
        lines.append(f"| {r.dataset} | {r.study} | {r.n} | {r.genetx:.3f} | "
                     f"{r.rule_set_1:.3f} | {r.azimuth:.3f} | {win} | {note} |")
    lines.append("")
    for label, s in summ.items():
        lines.append(
            f"* {label}: GeneTx beats Azimuth on {s['genetx_beats_azimuth']}/{s['datasets']} "
            f"and Rule Set 1 on {s['genetx_beats_rule_set_1']}/{s['datasets']}; mean "
            f"Spearman GeneTx {s['mean_genetx']:.3f}, Rule Set 1 {s['mean_rule_set_1']:.3f}, "
            f"Azimuth {s['mean_azimuth']:.3f}")
    return "\n".join(lines)


# ---- main ------------------------------------------------------------------------------------


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--effdata", type=Path, default=DEFAULT_EFFDATA,
                    help="folder of the crisporPaper *.scores.tab.gz files")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where to write the model")
    ap.add_argument("--threads", type=int, default=1,
                    help="LightGBM threads (the shipped model was trained with 1; other "
                         "counts may change the last digits)")
    ap.add_argument("--no-write", action="store_true", help="evaluate only; write no files")
    ap.add_argument("--skip-eval", action="store_true",
                    help="skip the leave-one-study-out evaluation (keeps the stored table)")
    ap.add_argument("--markdown", type=Path, help="also write the table to this file")
    ap.add_argument("--date", default=datetime.date.today().isoformat(),
                    help="training date written into the metadata")
    args = ap.parse_args(argv)

    import pandas as pd

    from genetx.edit.scoring.model import FEATURE_NAMES, _predict_arrays, activity_features

    t_start = time.perf_counter()
    data = load(args.effdata)
    features = activity_features(data["seq30"].tolist())
    print(f"{len(data)} guide measurements in {data['file'].nunique()} datasets, "
          f"{data['study'].nunique()} studies; {features.shape[1]} features")

    meta_path = args.out / f"{MODEL_NAME}.json"
    if args.skip_eval:
        old = json.loads(meta_path.read_text())
        res = pd.DataFrame(old["evaluation"]["table"])
    else:
        print("leave-one-study-out:")
        res = leave_one_study_out(data, features, args.threads)
    summ = summary(res)
    table_md = markdown(res, summ)
    print()
    print(table_md)
    if args.markdown:
        args.markdown.write_text(table_md + "\n")

    print("\nfinal model on all studies ...")
    table = training_rows(data)
    x_all = activity_features(table["seq30"].tolist())
    booster = fit(x_all, table["target"].to_numpy(), table["study"].to_numpy(), args.threads)
    arrays = export(booster)
    ours = _predict_arrays(arrays, features)
    theirs = booster.predict(features, num_threads=args.threads)
    gap = float(np.max(np.abs(ours - theirs)))
    print(f"numpy inference vs LightGBM on {len(features)} guides: max |diff| = {gap:.2e}")
    if gap > 1e-9:
        sys.exit("numpy inference does not reproduce LightGBM")
    # reference predictions for the tests: the first guide of each of a few datasets
    refs = []
    for name in ("chari2015Train293T", "doench2014-Hs", "hart2016-HelaLib2Avg",
                 "morenoMateos2015", "xu2015TrainMEsc", "farboud2015"):
        i = int(np.flatnonzero((data["file"] == name).to_numpy())[0])
        refs.append({"dataset": name, "seq30": data["seq30"].iat[i],
                     "score": float(theirs[i])})

    meta = {
        "name": MODEL_NAME,
        "date": args.date,
        "model": "LightGBM gradient-boosted regression trees (least squares)",
        "lightgbm_version": __import__("lightgbm").__version__,
        "params": dict(PARAMS, num_threads=args.threads),
        "rounds": ROUNDS,
        "n_trees": int(arrays["feature"].shape[0]),
        "input": "30-mer: 4 nt + 20-nt protospacer + NGG + 3 nt (a 35-mer is cut to [2:32])",
        "output": "predicted within-dataset activity percentile (0-1), clipped to [0, 1]",
        "features": list(FEATURE_NAMES),
        "training": {
            "source": "Haeussler et al. 2016 Genome Biol 17:148 (crisporPaper effData)",
            "files": {p.name: _sha256(p) for p in sorted(args.effdata.glob("*.scores.tab.gz"))},
            "rows": len(table),
            "study_groups": {k: list(v) for k, v in STUDY_GROUPS.items()},
            "negated": sorted(NEGATED),
            "ranked_within_gene": sorted(GENE_PATTERNS),
            "eval_only": sorted(EVAL_ONLY),
        },
        "evaluation": {
            "protocol": "leave one study out; held-out protospacers removed from training",
            "summary": summ,
            "table": res.round(6).to_dict(orient="records"),
        },
        "reference_predictions": refs,
        "script": "scripts/train_activity.py",
    }
    if args.no_write:
        print("--no-write: nothing written")
    else:
        args.out.mkdir(parents=True, exist_ok=True)
        write_npz(args.out / f"{MODEL_NAME}.npz", arrays)
        meta_path.write_text(json.dumps(meta, indent=1) + "\n")
        print(f"wrote {args.out / (MODEL_NAME + '.npz')} and {meta_path}")
    print(f"done in {time.perf_counter() - t_start:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
