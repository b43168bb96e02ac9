"""Registered reference genomes, and :func:`open_genome` for a registered name or a file path.

The registry is one JSON file, ``settings.genomes_dir / "registry.json"``, rewritten atomically
(temporary file, then rename). Each entry stores the absolute path of the genome file, its
format, record count, total length and content fingerprint, all found when the genome was
registered, which is also when the file is validated and indexed (once, with a progress bar).

Supported files: ``.2bit`` (UCSC), and FASTA as ``.fa``, ``.fasta``, ``.fna``, ``.fas`` or
``.fsa``, each optionally compressed with gzip or bgzip (``.gz``, ``.bgz``).
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from genetx.errors import BadInputError, MalformedFileError, MissingDataError
from genetx.genome._files import atomic_write_text
from genetx.settings import settings

if TYPE_CHECKING:
    from genetx.genome._base import Genome
    from genetx.progress import Progress

REGISTRY_FILE = "registry.json"
_REGISTRY_VERSION = 1
FASTA_EXTENSIONS = (".fa", ".fasta", ".fna", ".fas", ".fsa")
_COMPRESSED = (".gz", ".bgz")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$")


@dataclass(frozen=True)
class GenomeEntry:
    """One registered genome.

    Attributes
    ----------
    name
        Registry name (``hg38``, ``sacCer3``).
    path
        Absolute path of the genome file.
    format
        ``"2bit"`` or ``"fasta"``.
    records
        Number of stored sequences.
    total_bp
        Sum of their lengths.
    fingerprint
        Content checksum at registration (see :meth:`Genome.fingerprint`).
    added
        UTC time of registration, ISO 8601.
    """

    name: str
    path: str
    format: str
    records: int
    total_bp: int
    fingerprint: str
    added: str


def registry_path() -> Path:
    """The registry file (it may not exist yet)."""
    return settings.genomes_dir / REGISTRY_FILE


def genome_format(path: str | Path) -> str:
    """``"2bit"`` or ``"fasta"`` from a file name; raise for any other extension.

    Raises
    ------
    BadInputError
        The extension is not one GeneTx reads.
    """
    low = Path(path).name.lower()
    if low.endswith(".2bit"):
        return "2bit"
    for comp in _COMPRESSED:
        if low.endswith(comp):
            low = low[: -len(comp)]
            break
    if low.endswith(FASTA_EXTENSIONS):
        return "fasta"
    exts = ", ".join((".2bit", *FASTA_EXTENSIONS))
    msg = f"unsupported genome file extension (expected {exts}; FASTA may end in .gz)"
    raise BadInputError(str(path), msg)


def _load() -> dict[str, dict[str, Any]]:
    path = registry_path()
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        genomes = data["genomes"]
        if not isinstance(genomes, dict):
            raise TypeError
        for entry in genomes.values():
            GenomeEntry(**entry)
    except (OSError, ValueError, KeyError, TypeError):
        msg = "is not a valid genome registry; fix or delete it and register the genomes again"
        raise MalformedFileError(str(path), msg) from None
    return genomes


def _save(genomes: dict[str, dict[str, Any]]) -> None:
    body = {"version": _REGISTRY_VERSION, "genomes": dict(sorted(genomes.items()))}
    atomic_write_text(registry_path(), json.dumps(body, indent=2) + "\n")


def _check_name(name: str) -> None:
    if not _NAME.match(name):
        msg = ("a genome name is 1-64 letters, digits, '.', '_', '+' or '-', starting with a "
               "letter or digit")
        raise BadInputError(name, msg)


def _open_file(path: Path, name: str | None, progress: Progress | None) -> Genome:
    fmt = genome_format(path)
    if not path.exists():
        msg = "file not found"
        raise BadInputError(str(path), msg)
    if path.is_dir():
        msg = "is a folder, not a genome file"
        raise BadInputError(str(path), msg)
    if fmt == "2bit":
        from genetx.genome.twobit import TwoBitGenome

        return TwoBitGenome(path, name=name)
    from genetx.genome.fasta import FastaGenome

    return FastaGenome(path, name=name, progress=progress)


def register(name: str, path: str | Path, *, replace: bool = False,
             progress: Progress | None = None) -> GenomeEntry:
    """Validate a genome file and register it under ``name``.

    Parameters
    ----------
    name
        Registry name: 1-64 letters, digits, ``.``, ``_``, ``+`` or ``-``.
    path
        A ``.2bit`` or FASTA file (plain, gzip or bgzip).
    replace
        Replace an existing entry of the same name instead of refusing.
    progress
        Progress display for validation and indexing (one pass over a FASTA file; a checksum
        pass over a 2bit file).

    Returns
    -------
    The new entry.

    Raises
    ------
    BadInputError
        Bad name, missing file, unsupported extension, name taken (without ``replace``), or a
        malformed file (:class:`~genetx.errors.MalformedFileError`).
    """
    _check_name(name)
    file = Path(path).expanduser().resolve()
    genomes = _load()
    if name in genomes and not replace:
        msg = (f"is already registered ({genomes[name]['path']}); remove it first or pass "
               "--force to replace it")
        raise BadInputError(name, msg)
    genome = _open_file(file, name, progress)
    try:
        validate = getattr(genome, "validate", None)
        if validate is not None:
            validate()
        recs = genome.records()
        entry = GenomeEntry(
            name=name, path=str(file), format=genome_format(file), records=len(recs),
            total_bp=int(sum(recs.values())), fingerprint=genome.fingerprint(progress),
            added=datetime.now(UTC).isoformat(timespec="seconds"))
    finally:
        genome.close()
    genomes = _load()
    genomes[name] = asdict(entry)
    _save(genomes)
    return entry


def list_genomes() -> list[GenomeEntry]:
    """Every registered genome, sorted by name."""
    return [GenomeEntry(**e) for _, e in sorted(_load().items())]


def get(name: str) -> GenomeEntry:
    """The entry registered under ``name``.

    Raises
    ------
    MissingDataError
        No genome has that name; the message says how to register one.
    """
    genomes = _load()
    if name not in genomes:
        known = ", ".join(sorted(genomes)) or "none"
        msg = (f"no genome registered under this name (registered: {known}); register one with "
               "`genetx genome add NAME PATH`")
        raise MissingDataError(name, msg)
    return GenomeEntry(**genomes[name])


def remove(name: str) -> GenomeEntry:
    """Unregister ``name`` (the genome file and its indexes are left alone).

    Raises
    ------
    MissingDataError
        No genome has that name.
    """
    entry = get(name)
    genomes = _load()
    genomes.pop(name, None)
    _save(genomes)
    return entry


def _looks_like_path(text: str) -> bool:
    return "/" in text or "\\" in text or text.lower().endswith(
        (".2bit", *FASTA_EXTENSIONS, *_COMPRESSED))


def resolve(name_or_path: str | Path) -> Path:
    """The genome file for a registered name or a path.

    A :class:`~pathlib.Path`, or a string that is not a registered name, is taken as a path;
    a registered name wins over a file of the same name in the current folder.

    Raises
    ------
    MissingDataError
        Neither a registered name nor an existing file (or the registered file is gone).
    """
    if isinstance(name_or_path, Path):
        return name_or_path.expanduser()
    text = str(name_or_path)
    genomes = _load()
    if text in genomes:
        path = Path(genomes[text]["path"])
        if not path.exists():
            msg = (f"is registered at {path}, which no longer exists; register it again with "
                   f"`genetx genome add --force {text} PATH`")
            raise MissingDataError(text, msg)
        return path
    path = Path(text).expanduser()
    if path.exists():
        return path
    if _looks_like_path(text):
        msg = "file not found"
        raise BadInputError(text, msg)
    known = ", ".join(sorted(genomes)) or "none"
    msg = (f"not a registered genome (registered: {known}) nor an existing file; register one "
           "with `genetx genome add NAME PATH`")
    raise MissingDataError(text, msg)


def open_genome(source: str | Path, *, name: str | None = None,
                progress: Progress | None = None) -> Genome:
    """Open a genome by registered name or by path (``.2bit``, FASTA, FASTA ``.gz``).

    Parameters
    ----------
    source
        A registered name (see ``genetx genome list``) or a file path.
    name
        Name for messages (default: the registry name, or the file name without extensions).
    progress
        Progress display for the first open of a FASTA file (validation and indexing).

    Returns
    -------
    A :class:`~genetx.genome.twobit.TwoBitGenome` or :class:`~genetx.genome.fasta.FastaGenome`.

    Raises
    ------
    MissingDataError
        An unknown name; the message says how to register one.
    BadInputError
        A missing file, an unsupported extension, or a malformed file.
    """
    path = resolve(source)
    if name is None and not isinstance(source, Path) and str(source) in _load():
        name = str(source)
    return _open_file(path, name, progress)


__all__ = [
    "FASTA_EXTENSIONS", "REGISTRY_FILE", "GenomeEntry", "genome_format", "get", "list_genomes",
    "open_genome", "register", "registry_path", "remove", "resolve",
]
