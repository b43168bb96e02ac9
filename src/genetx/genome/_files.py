"""File helpers shared by the genome readers: cache keys, atomic writes, cached file checksums.

Nothing here parses sequence formats. Cache files live under ``settings.cache_dir``; every write
goes to a temporary file in the destination folder first and is then renamed over the target,
so a crash or Ctrl-C never leaves a half-written index or copy behind.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from pathlib import Path
from typing import IO, TYPE_CHECKING

from genetx.progress import resolve
from genetx.settings import settings

if TYPE_CHECKING:
    from collections.abc import Iterator

    from genetx.progress import Progress

#: Bytes read per step when hashing or copying files.
READ_CHUNK = 16 * 1024 * 1024


def file_key(path: str | os.PathLike[str]) -> str:
    """Cache key of a file's current version: absolute path, size and modification time.

    Parameters
    ----------
    path
        An existing file.

    Returns
    -------
    32 hex digits; a different key whenever the file is replaced, grown or touched.
    """
    p = Path(path).resolve()
    st = p.stat()
    text = f"{p}\0{st.st_size}\0{st.st_mtime_ns}"
    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()[:32]


def cache_subdir(name: str) -> Path:
    """``settings.cache_dir / name``, created when missing."""
    d = settings.cache_dir / name
    d.mkdir(parents=True, exist_ok=True)
    return d


def dir_writable(folder: Path) -> bool:
    """True when files can be created in ``folder``."""
    return folder.is_dir() and os.access(folder, os.W_OK | os.X_OK)


@contextlib.contextmanager
def atomic_output(target: Path, mode: str = "wb") -> Iterator[IO]:
    """Write ``target`` through a temporary sibling file that replaces it only on success.

    Parameters
    ----------
    target
        Final path; its folder is created when missing.
    mode
        ``"wb"`` or ``"w"`` (text, UTF-8).

    Yields
    ------
    The open temporary file.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, mode, **({} if "b" in mode else {"encoding": "utf-8"})) as fh:
            yield fh
        Path(tmp).chmod(0o666 & ~_umask())  # mkstemp makes 0600; give the usual permissions
        Path(tmp).replace(target)
    except BaseException:
        with contextlib.suppress(OSError):
            Path(tmp).unlink()
        raise


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def atomic_write_text(target: Path, text: str) -> None:
    """Replace ``target`` with ``text`` (UTF-8) atomically."""
    with atomic_output(target, "w") as fh:
        fh.write(text)


def sha256_file(path: Path, progress: Progress | None = None) -> str:
    """SHA-256 of a file's bytes, as ``sha256:<hex>``, with a progress bar over its size."""
    h = hashlib.sha256()
    size = path.stat().st_size
    with resolve(progress).task(f"Checksumming {path.name}", total=size) as task, \
            path.open("rb") as fh:
        while chunk := fh.read(READ_CHUNK):
            h.update(chunk)
            task.advance(len(chunk))
    return f"sha256:{h.hexdigest()}"


def cached_sha256(path: Path, progress: Progress | None = None) -> str:
    """:func:`sha256_file`, remembered in the cache for the file's current version.

    The cache entry is keyed by :func:`file_key` (path, size, mtime), so a changed file is
    hashed again and an unchanged one is hashed once.
    """
    entry = cache_subdir("fingerprints") / f"{file_key(path)}.txt"
    if entry.is_file():
        text = entry.read_text(encoding="utf-8").strip()
        if text.startswith("sha256:"):
            return text
    digest = sha256_file(path, progress)
    atomic_write_text(entry, digest + "\n")
    return digest


__all__ = [
    "READ_CHUNK", "atomic_output", "atomic_write_text", "cache_subdir", "cached_sha256",
    "dir_writable", "file_key", "sha256_file",
]
