"""Root of the ``genetx`` command: global options, subcommand discovery, the error handler.

Each module in :mod:`genetx.cli.commands` defines ``register(app)``; modules are found by name,
so a capability adds its command without touching this file. Command modules import the
library inside their functions, which keeps ``genetx --help`` fast.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from typing import Annotated

import typer

from genetx import __version__
from genetx.cli._errors import report
from genetx.errors import ExitStatus

app = typer.Typer(
    name="genetx",
    help="GeneTx: design gene therapies in silico (add, edit, silence, skip) with their risks.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    pretty_exceptions_show_locals=False,
    add_completion=False,
    rich_markup_mode=None,
)

_state = {"debug": False}


def _version(value: bool) -> None:
    if value:
        typer.echo(f"genetx {__version__}")
        raise typer.Exit


@app.callback()
def _root(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
    debug: Annotated[bool, typer.Option("--debug", "--traceback",
                                        help="Show the full traceback on errors.")] = False,
) -> None:
    """GeneTx: design gene therapies in silico (add, edit, silence, skip) with their risks."""
    _state["debug"] = debug


def _register_commands() -> None:
    from genetx.cli import commands

    for mod in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        if mod.name.startswith("_"):
            continue
        module = importlib.import_module(f"{commands.__name__}.{mod.name}")
        module.register(app)


_register_commands()


def main(argv: list[str] | None = None) -> int:
    """Run the command line and return its exit status (the console-script entry point)."""
    args = list(sys.argv[1:] if argv is None else argv)
    _state["debug"] = "--debug" in args or "--traceback" in args
    try:
        rv = app(args=args, prog_name="genetx", standalone_mode=False)
    except typer.Exit as exc:
        return int(exc.exit_code)
    except typer.Abort as exc:
        # click turns an EOFError raised anywhere into Abort; only a real Ctrl-C is an interrupt
        cause = exc.__context__
        if isinstance(cause, EOFError):
            return report(cause, debug=_state["debug"])
        print("genetx: interrupted", file=sys.stderr)
        return int(ExitStatus.CTRL_C)
    except typer.TyperException as exc:
        # usage errors (Typer's vendored click): one line plus a pointer to --help
        ctx = getattr(exc, "ctx", None)
        if type(exc).__name__ == "NoArgsIsHelpError" and ctx is not None:
            typer.echo(ctx.get_help())
            return int(ExitStatus.OK) if not args else int(ExitStatus.USAGE)
        hint = f" (see '{ctx.command_path} --help')" if ctx is not None else ""
        print(f"genetx: usage error: {exc.format_message()}{hint}", file=sys.stderr)
        return int(ExitStatus.USAGE)
    except (Exception, KeyboardInterrupt) as exc:  # the one top-level handler
        code = report(exc, debug=_state["debug"])
        if sys.argv and argv is None:
            sys.exit(code)
        return code
    return rv if isinstance(rv, int) else 0


def run() -> None:
    """Console-script entry point: exit with :func:`main`'s status."""
    sys.exit(main())
