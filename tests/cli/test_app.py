"""Root command behaviour: version, help, usage errors and the error handler."""

from __future__ import annotations

from genetx import __version__
from genetx.cli._errors import report
from genetx.errors import ExitStatus, MalformedFileError, UnknownGeneError
from tests.clirun import genetx


def test_version() -> None:
    r = genetx("--version")
    assert r.exit_code == 0
    assert r.stdout.strip() == f"genetx {__version__}"


def test_help_lists_commands() -> None:
    r = genetx("--help")
    assert r.exit_code == 0
    assert "Commands" in r.stdout


def test_unknown_command_is_usage_error() -> None:
    r = genetx("no-such-command")
    assert r.exit_code == ExitStatus.USAGE
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "no-such-command" in lines[0]


def test_error_is_one_line_with_status() -> None:
    import io

    buf = io.StringIO()
    code = report(UnknownGeneError("FOO1", "not in the gene pack"), stream=buf)
    assert code == ExitStatus.UNKNOWN_GENE
    assert buf.getvalue() == "genetx: error: FOO1: not in the gene pack\n"
    buf = io.StringIO()
    code = report(MalformedFileError("x.fa", "no '>' header", line=3), stream=buf)
    assert code == ExitStatus.BAD_INPUT
    assert buf.getvalue().strip() == "genetx: error: x.fa: line 3: no '>' header"


def test_exit_codes_are_distinct() -> None:
    codes = [s.value for s in ExitStatus]
    assert len(codes) == len(set(codes))



def test_eof_error_in_a_command_is_an_error_not_an_interrupt() -> None:
    """Click maps EOFError to Abort; GeneTx reports it as an error, not as Ctrl-C (130)."""
    from genetx.cli.app import app

    @app.command("explode-eof", hidden=True)
    def _explode() -> None:
        msg = "Compressed file ended before the end-of-stream marker was reached"
        raise EOFError(msg)

    try:
        r = genetx("explode-eof")
    finally:
        app.registered_commands[:] = [c for c in app.registered_commands
                                      if c.name != "explode-eof"]
    assert r.exit_code == ExitStatus.ERROR
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "end-of-stream" in lines[0]
    assert "interrupted" not in lines[0]
