"""The GeneTx error hierarchy.

Every error a user can cause is a :class:`GeneTxError`. Each one carries the input it is about
(``input``), what is wrong (``reason``) and the exit status the command line uses for it, and its
``str()`` is a single line: ``<input>: <reason>``. The CLI prints that line and exits with the
status; nothing here imports Rich or Typer.
"""

from __future__ import annotations

from enum import IntEnum


class ExitStatus(IntEnum):
    """Exit codes of the ``genetx`` command (httpie-style: one code per failure class)."""

    OK = 0
    ERROR = 1
    USAGE = 2
    BAD_INPUT = 3
    UNKNOWN_GENE = 4
    INFEASIBLE = 5
    MISSING_DATA = 6
    CTRL_C = 130


class GeneTxError(Exception):
    """Base class of all errors a user can cause.

    Parameters
    ----------
    input
        The input the error is about: a file path, a sequence name, a variant string, an option.
    reason
        What is wrong with it, as one sentence without a trailing full stop.
    """

    exit_status: ExitStatus = ExitStatus.ERROR

    def __init__(self, input: str, reason: str) -> None:
        self.input = str(input)
        self.reason = " ".join(str(reason).split())
        super().__init__(self.__str__())

    def __str__(self) -> str:
        """One line: ``input: reason``."""
        return f"{self.input}: {self.reason}" if self.input else self.reason


class BadInputError(GeneTxError):
    """The input is malformed or out of range."""

    exit_status = ExitStatus.BAD_INPUT


class InvalidSequenceError(BadInputError):
    """A sequence holds letters outside its alphabet or has the wrong length."""


class MalformedFileError(BadInputError):
    """A file (FASTA, GTF, GFF3, GenBank, 2bit, TSV) is truncated or malformed.

    Parameters
    ----------
    input
        The file path.
    reason
        What is wrong.
    line
        1-based line number where the problem was found, when known.
    """

    def __init__(self, input: str, reason: str, line: int | None = None) -> None:
        self.line = line
        where = f"line {line}: " if line is not None else ""
        super().__init__(input, where + reason)


class InvalidVariantError(BadInputError):
    """A variant description does not parse, or does not fit the transcript or genome."""


class ReferenceMismatchError(InvalidVariantError):
    """A variant states a reference base that disagrees with the genome."""


class UnknownGeneError(GeneTxError):
    """A gene symbol, or a transcript, is not in the model."""

    exit_status = ExitStatus.UNKNOWN_GENE


class InfeasibleDesignError(GeneTxError):
    """No design satisfies the request; the reason names the failing rule and location."""

    exit_status = ExitStatus.INFEASIBLE


class MissingDataError(GeneTxError):
    """Data the request needs are not available (unregistered genome, no network, no index)."""

    exit_status = ExitStatus.MISSING_DATA


__all__ = [
    "BadInputError",
    "ExitStatus",
    "GeneTxError",
    "InfeasibleDesignError",
    "InvalidSequenceError",
    "InvalidVariantError",
    "MalformedFileError",
    "MissingDataError",
    "ReferenceMismatchError",
    "UnknownGeneError",
]
