"""``genetx info``: versions and where GeneTx keeps its data."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add the ``info`` command to ``app``."""

    @app.command("info")
    def info() -> None:
        """Print the GeneTx version, the data and cache folders and the thread count."""
        from genetx import __version__
        from genetx.settings import settings

        typer.echo(f"genetx {__version__}")
        typer.echo(f"data dir:  {settings.data_dir}")
        typer.echo(f"cache dir: {settings.cache_dir}")
        typer.echo(f"threads:   {settings.threads}")
        typer.echo(f"offline:   {settings.offline}")
