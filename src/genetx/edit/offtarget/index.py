"""The persistent PAM-site index of a genome (one per genome, PAM and PAM side).

The index lists every PAM occurrence on both strands whose spacer side has at least
:data:`MIN_CLEAR` bases before the first ``N`` or record end. For each site it stores:

``words`` (uint64)
    the 32 spacer-side bases, 2 bits each, base ``d`` (1 = next to the PAM) in bits
    ``2(d-1)..2(d-1)+1``, on the site's strand;
``anchors`` (uint32 or int64)
    the forward-strand boundary between PAM and spacer in the packed genome's coordinates;
``flags`` (uint8)
    clear length (bits 0-5) and strand (bit 7, set for minus).

Sites are sorted by their *seed A* key (bases ``1..k``) with bucket offsets ``off_a``, and a
permutation ``perm_b`` with offsets ``off_b`` orders them by the *seed B* key (bases
``k+1..2k``). The search uses the two orders as an exact pigeonhole filter (see
:mod:`genetx.edit.offtarget`).

On disk the index is a folder ``index-<PAM>-<side>`` inside the packed genome's folder, holding
one ``.npy`` per array (opened memory-mapped) and ``meta.json`` with the digest of the packed
genome it was built from. It is written to a temporary folder and renamed into place, so a
crash never leaves a half index that is used; an index whose digest disagrees with the genome
is rebuilt when it lives in the cache, and refused when the caller named its folder.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import numpy as np

from genetx.core.seq import IUPAC_DNA
from genetx.errors import BadInputError
from genetx.genome.packed import PackedGenome, _write_atomic_dir, release
from genetx.progress import resolve

if TYPE_CHECKING:
    from genetx.progress import Progress

PamSide = Literal["3prime", "5prime"]
INDEX_VERSION = 1
#: Shortest spacer stretch a site needs (16-nt guide with a 2-nt RNA bulge).
MIN_CLEAR = 14
#: Largest seed length (4**10 buckets).
MAX_K = 10
_FILL_SLICE_SITES = 150_000_000
_COMP = np.array([3, 2, 1, 0], dtype=np.int64)


def pam_masks(pam: str) -> np.ndarray:
    """uint8 masks of allowed codes (bit ``c`` for code ``c``) per PAM position."""
    out = np.zeros(len(pam), dtype=np.uint8)
    for j, ch in enumerate(pam.upper()):
        for b in IUPAC_DNA[ch]:
            out[j] |= 1 << "ACGT".index(b)
    return out


def _revcomp_masks(masks: np.ndarray) -> np.ndarray:
    out = np.zeros_like(masks)
    for j, m in enumerate(masks[::-1]):
        for c in range(4):
            if (int(m) >> c) & 1:
                out[j] |= 1 << (3 - c)
    return out


def check_pam(pam: str) -> str:
    """Upper-case PAM, or raise when it is empty, too long or not IUPAC."""
    up = pam.strip().upper()
    if not up or len(up) > 8 or any(c not in IUPAC_DNA for c in up):
        msg = "PAM must be 1-8 IUPAC nucleotide codes (e.g. NGG, NRG, NNGRRT, TTTV)"
        msg_0 = f"PAM {pam!r}"
        raise BadInputError(msg_0, msg)
    if all(c == "N" for c in up):
        msg = "PAM must constrain at least one base (all-N PAMs match everywhere)"
        msg_0 = f"PAM {pam!r}"
        raise BadInputError(msg_0, msg)
    return up


def check_side(side: str) -> PamSide:
    """Validate the PAM side (``3prime`` for Cas9, ``5prime`` for Cas12a)."""
    if side not in ("3prime", "5prime"):
        msg = "PAM side must be '3prime' (Cas9) or '5prime' (Cas12a)"
        msg_0 = f"pam_side {side!r}"
        raise BadInputError(msg_0, msg)
    return side  # type: ignore[return-value]


def choose_k(genome_size: int) -> int:
    """Seed length: about one site per bucket, between 4 and :data:`MAX_K` bases."""
    sites = max(1, genome_size // 4)
    k = 4
    while k < MAX_K and 4 ** (k + 1) <= sites:
        k += 1
    return k


@dataclass
class OffTargetIndex:
    """PAM sites of one genome, sorted for the seed filter (see the module docstring)."""

    packed: PackedGenome
    pam: str
    side: PamSide
    k: int
    words: np.ndarray
    anchors: np.ndarray
    flags: np.ndarray
    off_a: np.ndarray
    perm_b: np.ndarray
    off_b: np.ndarray
    genome_digest: str
    path: Path | None = None

    @property
    def n_sites(self) -> int:
        """Number of PAM sites (both strands)."""
        return int(self.words.shape[0])

    @property
    def left_plus(self) -> bool:
        """True when plus-strand sites have their spacer left of the PAM (3' PAM)."""
        return self.side == "3prime"


_ARRAYS = ("words", "anchors", "flags", "off_a", "perm_b", "off_b")


def _chunks(n: int, parts: int) -> np.ndarray:
    return np.linspace(0, n, parts + 1).astype(np.int64)


def _build_arrays(packed: PackedGenome, pam: str, side: PamSide, k: int,
                  alloc: object, progress: Progress | None) -> dict[str, np.ndarray]:
    from genetx._numba import thread_limit
    from genetx.edit.offtarget import _kernels as kern

    codes = packed.codes
    n = codes.shape[0]
    masks = pam_masks(pam)
    masks_minus = _revcomp_masks(masks)
    left_plus = side == "3prime"
    nkeys = 1 << (2 * k)
    with thread_limit() as threads:
        parts = max(1, min(4 * threads, n // 100_000 + 1))
        bounds = _chunks(n, parts)
        task_total = 4.0
        with resolve(progress).task(f"Indexing {pam} sites", total=task_total) as task:
            counts = kern.count_sites(codes, bounds, masks, masks_minus, left_plus, k, MIN_CLEAR)
            task.advance(1)
            per_key = counts.sum(axis=0)
            total = int(per_key.sum())
            off_a = np.zeros(nkeys + 1, dtype=np.int64)
            np.cumsum(per_key, out=off_a[1:])
            # cursor[chunk, key]: global slot of the chunk's first site with that key
            cursor = np.cumsum(counts, axis=0) - counts + off_a[:-1][None, :]
            del counts
            anchor_dtype = np.uint32 if n < 2**32 else np.int64
            words = alloc("words", np.uint64, total)  # type: ignore[operator]
            anchors = alloc("anchors", anchor_dtype, total)  # type: ignore[operator]
            flags = alloc("flags", np.uint8, total)  # type: ignore[operator]
            key_lo = 0
            while key_lo < nkeys:
                # key slices of bounded size keep the written pages few at a time
                key_hi = int(np.searchsorted(off_a, off_a[key_lo] + _FILL_SLICE_SITES,
                                             side="right")) - 1
                key_hi = min(nkeys, max(key_hi, key_lo + 1))
                lo, hi = int(off_a[key_lo]), int(off_a[key_hi])
                kern.fill_sites(codes, bounds, masks, masks_minus, left_plus, k, MIN_CLEAR,
                                cursor, key_lo, key_hi, lo, words[lo:hi], anchors[lo:hi],
                                flags[lo:hi])
                for arr in (words, anchors, flags):
                    release(arr, lo, hi)
                release(codes, 0, n)
                key_lo = key_hi
            task.advance(2)
            kmask = np.uint64(nkeys - 1)
            per_b = np.zeros(nkeys, dtype=np.int64)
            step = 50_000_000
            for s in range(0, total, step):
                kb = ((words[s:s + step] >> np.uint64(2 * k)) & kmask).astype(np.int64)
                per_b += np.bincount(kb, minlength=nkeys)
                release(words, s, s + step)
            off_b = np.zeros(nkeys + 1, dtype=np.int64)
            np.cumsum(per_b, out=off_b[1:])
            perm_b = alloc("perm_b", np.uint32 if total < 2**32 else np.int64,  # type: ignore[operator]
                           total)
            cursor_b = off_b[:-1].copy()
            for s in range(0, total, step):
                kern.order_by_key_b(words[s:s + step], s, k, cursor_b, perm_b)
                release(words, s, s + step)
            task.advance(1)
    return {"words": words, "anchors": anchors, "flags": flags, "off_a": off_a,
            "perm_b": perm_b, "off_b": off_b}


def build_index_in_memory(packed: PackedGenome, pam: str, side: PamSide = "3prime",
                          k: int | None = None,
                          progress: Progress | None = None) -> OffTargetIndex:
    """Build the index of ``packed`` in memory (no files).

    Parameters
    ----------
    packed
        The packed genome.
    pam
        IUPAC PAM.
    side
        ``3prime`` (Cas9) or ``5prime`` (Cas12a).
    k
        Seed length (default from the genome size).
    progress
        Progress display.

    Returns
    -------
    The index.
    """
    pam = check_pam(pam)
    side = check_side(side)
    k = k or choose_k(packed.size)

    def alloc(_name: str, dtype: type, n: int) -> np.ndarray:
        return np.empty(n, dtype=dtype)

    arr = _build_arrays(packed, pam, side, k, alloc, progress)
    return OffTargetIndex(packed, pam, side, k, genome_digest=packed.digest, **arr)


def index_dir(packed: PackedGenome, pam: str, side: PamSide) -> Path | None:
    """Default folder of an index inside the packed genome's folder (None for in-memory)."""
    if packed.path is None:
        return None
    return packed.path / f"index-{pam}-{side}"


def load_index(directory: Path | str, packed: PackedGenome) -> OffTargetIndex:
    """Open an index folder memory-mapped and check that it belongs to ``packed``.

    Raises
    ------
    BadInputError
        When the folder is not a complete index, or was built from another genome.
    """
    d = Path(directory)
    try:
        meta = json.loads((d / "meta.json").read_text())
    except (OSError, ValueError):
        msg = "not an off-target index folder (meta.json missing or unreadable)"
        raise BadInputError(str(d), msg) from None
    if meta.get("format") != INDEX_VERSION:
        msg = f"index format {meta.get('format')} is not {INDEX_VERSION}; rebuild it"
        raise BadInputError(str(d), msg)
    if meta.get("genome_digest") != packed.digest:
        msg = (f"index was built from another genome ({meta.get('genome_name')!r}, digest "
               f"{str(meta.get('genome_digest'))[:12]}), not {packed.name!r} "
               f"(digest {packed.digest[:12]})")
        raise BadInputError(str(d), msg)
    arrays = {}
    for name in _ARRAYS:
        try:
            # a plain ndarray view of the map: indexing a np.memmap costs a Python call
            arrays[name] = np.load(d / f"{name}.npy", mmap_mode="r").view(np.ndarray)
        except (OSError, ValueError):
            msg = f"index array {name}.npy is missing or damaged; rebuild the index"
            raise BadInputError(str(d), msg) from None
    if arrays["words"].shape[0] != meta["n_sites"]:
        msg = "index arrays do not have the length meta.json states; rebuild the index"
        raise BadInputError(str(d), msg)
    return OffTargetIndex(packed, meta["pam"], meta["side"], int(meta["k"]),
                          genome_digest=meta["genome_digest"], path=d, **arrays)


def build_index(packed: PackedGenome, pam: str, side: PamSide = "3prime",
                directory: Path | str | None = None, *, k: int | None = None,
                progress: Progress | None = None) -> OffTargetIndex:
    """Build the index and write it atomically to ``directory`` (memory-mapped afterwards).

    Parameters
    ----------
    packed
        The packed genome.
    pam
        IUPAC PAM.
    side
        ``3prime`` or ``5prime``.
    directory
        Target folder (default: inside the packed genome's folder; in memory when the packed
        genome has no folder).
    k
        Seed length (default from the genome size).
    progress
        Progress display.

    Returns
    -------
    The index.
    """
    pam = check_pam(pam)
    side = check_side(side)
    d = Path(directory) if directory is not None else index_dir(packed, pam, side)
    if d is None:
        return build_index_in_memory(packed, pam, side, k, progress)
    k = k or choose_k(packed.size)

    def write(tmp: Path) -> None:
        def alloc(name: str, dtype: type, n: int) -> np.ndarray:
            return np.lib.format.open_memmap(tmp / f"{name}.npy", mode="w+", dtype=dtype,
                                             shape=(n,))

        arr = _build_arrays(packed, pam, side, k, alloc, progress)
        for name in ("off_a", "off_b"):
            np.save(tmp / f"{name}.npy", arr[name])
        for name in ("words", "anchors", "flags", "perm_b"):
            arr[name].flush()
        n_sites = int(arr["words"].shape[0])
        del arr
        meta = {"format": INDEX_VERSION, "pam": pam, "side": side, "k": k,
                "n_sites": n_sites, "genome_digest": packed.digest,
                "genome_name": packed.name}
        (tmp / "meta.json").write_text(json.dumps(meta))

    _write_atomic_dir(d, write)
    return load_index(d, packed)


def open_index(packed: PackedGenome, pam: str, side: PamSide = "3prime",
               directory: Path | str | None = None, *, rebuild: bool = False,
               progress: Progress | None = None) -> OffTargetIndex:
    """The index of ``packed`` for ``pam``: loaded when valid, else built (and saved).

    Parameters
    ----------
    packed
        The packed genome.
    pam
        IUPAC PAM.
    side
        ``3prime`` or ``5prime``.
    directory
        An index folder named by the caller: it must exist and belong to this genome (an
        index of another genome is refused). Default: the cache folder, where a stale or
        damaged index is rebuilt.
    rebuild
        Build anew even when a valid index exists.
    progress
        Progress display for a build.

    Returns
    -------
    The index.
    """
    pam = check_pam(pam)
    side = check_side(side)
    if directory is not None:
        d = Path(directory)
        if (d / "meta.json").is_file() and not rebuild:
            idx = load_index(d, packed)
            if idx.pam != pam or idx.side != side:
                msg = f"index is for PAM {idx.pam} ({idx.side}), not {pam} ({side})"
                raise BadInputError(str(d), msg)
            return idx
        return build_index(packed, pam, side, d, progress=progress)
    d = index_dir(packed, pam, side)
    if d is None:
        return build_index_in_memory(packed, pam, side, progress=progress)
    if not rebuild and (d / "meta.json").is_file():
        try:
            return load_index(d, packed)
        except BadInputError:
            pass  # stale or damaged cache: rebuild below
    return build_index(packed, pam, side, d, progress=progress)


__all__ = ["MIN_CLEAR", "OffTargetIndex", "PamSide", "build_index", "build_index_in_memory",
           "check_pam", "check_side", "choose_k", "index_dir", "load_index", "open_index",
           "pam_masks"]
