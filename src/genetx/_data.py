"""Read a cited JSON document shipped in ``genetx/data`` and check it with its validator.

Works from an installed wheel (:mod:`importlib.resources`). Used by the data modules whose
documents follow the same contract: one ``validate(doc) -> list of problems`` per document, and
a :class:`~genetx.errors.MalformedFileError` naming the file when it is unreadable or unsound.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import TYPE_CHECKING, Any

from genetx.errors import MalformedFileError

if TYPE_CHECKING:
    from collections.abc import Callable


def read_checked_json(folder: str, name: str,
                      validate: Callable[[dict[str, Any]], list[str]]) -> dict[str, Any]:
    """The parsed ``genetx/data/<folder>/<name>``, after ``validate`` found no problem.

    Parameters
    ----------
    folder, name
        Folder under ``genetx/data`` and file name.
    validate
        Returns every problem of the document (empty when it is sound).

    Returns
    -------
    The document.

    Raises
    ------
    MalformedFileError
        When the file cannot be read, is not JSON, or breaks ``validate`` (first five problems).
    """
    where = f"genetx/data/{folder}/{name}"
    ref = resources.files("genetx").joinpath("data", folder, name)
    try:
        doc = json.loads(ref.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise MalformedFileError(where, str(exc)) from None
    problems = validate(doc)
    if problems:
        raise MalformedFileError(where, "; ".join(problems[:5]))
    return doc


__all__ = ["read_checked_json"]
