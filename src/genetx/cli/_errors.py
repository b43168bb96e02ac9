"""The single mapping from errors to one stderr line and an exit status."""

from __future__ import annotations

import sys
import traceback
from typing import TextIO

from genetx.errors import ExitStatus, GeneTxError


def report(exc: BaseException, *, debug: bool = False, stream: TextIO | None = None) -> int:
    """Print one line for ``exc`` on ``stream`` (stderr) and return the exit status.

    With ``debug`` the full traceback is printed first.
    """
    out = stream or sys.stderr
    if debug:
        traceback.print_exception(exc, file=out)
    if isinstance(exc, GeneTxError):
        print(f"genetx: error: {exc}", file=out)
        return int(exc.exit_status)
    if isinstance(exc, KeyboardInterrupt):
        print("genetx: interrupted", file=out)
        return int(ExitStatus.CTRL_C)
    if isinstance(exc, MemoryError):
        print("genetx: error: out of memory; try fewer guides or a smaller --max-mismatches",
              file=out)
        return int(ExitStatus.ERROR)
    if isinstance(exc, OSError) and exc.filename is not None:
        print(f"genetx: error: {exc.filename}: {exc.strerror or exc}", file=out)
        return int(ExitStatus.BAD_INPUT)
    name = type(exc).__name__
    print(f"genetx: internal error: {name}: {' '.join(str(exc).split())} "
          "(run with --debug for the traceback, and please report it)", file=out)
    return int(ExitStatus.ERROR)
