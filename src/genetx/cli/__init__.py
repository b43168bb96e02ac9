"""The ``genetx`` command line: a thin Typer + Rich layer over the library."""
