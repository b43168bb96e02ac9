"""Run the real ``genetx`` entry point in-process and capture its output (httpie-style)."""

from __future__ import annotations

import contextlib
import io
from dataclasses import dataclass


@dataclass
class CLIResult:
    """Exit status and captured streams of one ``genetx`` run."""

    exit_code: int
    stdout: str
    stderr: str


def genetx(*args: str) -> CLIResult:
    """Run ``genetx ARGS`` through :func:`genetx.cli.app.main` and capture stdout and stderr."""
    from genetx.cli.app import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return CLIResult(code, out.getvalue(), err.getvalue())
