"""``search_dask``: the off-target search sharded over a Dask cluster.

The guides are split into shards; every shard runs the same engine
(:func:`genetx.edit.offtarget.iter_search`, the same kernels and seed filter) on a worker.
An index stored on disk is opened by each worker from its folder (shared storage is
assumed, as for any file input); an index held in memory is scattered to the workers once.
The caller owns the cluster: nothing here creates or closes one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from genetx.edit.offtarget.index import OffTargetIndex, PamSide
    from genetx.genome._base import Genome


def _open_on_worker(packed_dir: str, index_dir: str) -> OffTargetIndex:
    from genetx.edit.offtarget.index import load_index
    from genetx.genome.packed import load_packed

    return load_index(index_dir, load_packed(packed_dir))


def _run_shard(index: OffTargetIndex | tuple[str, str], guides: dict[str, str],
               limits: tuple[int, int, int]) -> pd.DataFrame:
    import pandas as pd

    from genetx.edit.offtarget import HIT_COLUMNS, hits_to_frame, iter_search

    idx = _open_on_worker(*index) if isinstance(index, tuple) else index
    mm, dna, rna = limits
    # one thread per task: the cluster's worker threads are the parallelism here
    frames = [hits_to_frame(b, h) for b, h in iter_search(
        idx, guides, max_mismatches=mm, dna_bulge=dna, rna_bulge=rna, threads=1)]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
        columns=list(HIT_COLUMNS))


def search_dask(client: Any, genome: Genome | str | Path | OffTargetIndex,
                guides: Sequence[str] | Mapping[str, str], pam: str = "NGG", *,
                pam_side: PamSide = "3prime", max_mismatches: int = 4, dna_bulge: int = 0,
                rna_bulge: int = 0, shards: int | None = None,
                index_dir: Path | str | None = None) -> pd.DataFrame:
    """Search ``guides`` with the guides sharded over the workers of a Dask ``client``.

    Parameters
    ----------
    client
        A ``distributed.Client`` (for example on a ``LocalCluster``).
    genome
        Genome, path, registered name or prebuilt index (as for
        :func:`genetx.edit.offtarget.search`).
    guides
        Spacers or a mapping id -> spacer.
    pam, pam_side, max_mismatches, dna_bulge, rna_bulge, index_dir
        As for :func:`genetx.edit.offtarget.search`.
    shards
        Number of guide shards (default: twice the number of worker threads).

    Returns
    -------
    The same table :func:`genetx.edit.offtarget.search` returns, in the same order.
    """
    import pandas as pd

    from genetx.edit.offtarget import check_guides, check_limits, prepare_index
    from genetx.edit.offtarget.index import OffTargetIndex

    check_limits(max_mismatches, dna_bulge, rna_bulge)
    g = check_guides(guides)
    idx = genome if isinstance(genome, OffTargetIndex) else prepare_index(
        genome, pam, pam_side=pam_side, index_dir=index_dir)
    if shards is None:
        shards = max(1, 2 * sum(client.nthreads().values()))
    shards = max(1, min(shards, len(g.ids)))
    if idx.path is not None and idx.packed.path is not None:
        target: Any = (str(idx.packed.path), str(idx.path))
    else:
        target = client.scatter(idx, broadcast=True)
    pairs = list(zip(g.ids, g.seqs, strict=True))
    futures = []
    for s in range(shards):
        part = dict(pairs[s::shards])
        futures.append(client.submit(_run_shard, target, part,
                                     (max_mismatches, dna_bulge, rna_bulge), pure=False))
    frames = client.gather(futures)
    out = pd.concat(frames, ignore_index=True)
    order = {gid: i for i, gid in enumerate(g.ids)}
    out["_g"] = out["guide_id"].map(order)
    rec = {c: i for i, c in enumerate(dict.fromkeys(idx.packed.chroms))}
    out["_c"] = out["Chromosome"].map(rec)
    out = out.sort_values(["_g", "_c", "Start", "Strand"], kind="stable")
    return out.drop(columns=["_g", "_c"]).reset_index(drop=True)


__all__ = ["search_dask"]
