"""Architecture rules: cheap imports, one-way layering, numba only in kernels."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "genetx"
HEAVY = ("numba", "matplotlib", "dnachisel", "dask", "distributed", "fastapi", "pandas", "Bio",
         "pyfaidx", "scipy")


def _imported_after(code: str) -> set[str]:
    probe = (
        "import sys\n"
        f"{code}\n"
        "print('\\n'.join(sorted({m.split('.')[0] for m in sys.modules})))\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         check=True).stdout
    return set(out.split())


@pytest.mark.parametrize("code", [
    "import genetx",
    "import genetx.errors, genetx.settings, genetx.progress, genetx.core.seq",
    "import genetx.genome",
])
def test_light_imports(code: str) -> None:
    loaded = _imported_after(code)
    heavy = sorted(m for m in HEAVY if m in loaded)
    assert not heavy, f"`{code}` imported heavy modules: {heavy}"


def test_cli_help_is_light() -> None:
    """``genetx --help`` builds every command without importing heavy modules."""
    code = (
        "import sys, contextlib, io\n"
        "from genetx.cli.app import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    main(['--help'])\n"
    )
    loaded = _imported_after(code)
    banned = ("numba", "matplotlib", "dnachisel", "dask", "fastapi")
    heavy = sorted(m for m in banned if m in loaded)
    assert not heavy, f"`genetx --help` imported {heavy}"


def _module_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_numba_only_in_kernel_modules() -> None:
    offenders = []
    for path in SRC.rglob("*.py"):
        rel = path.relative_to(SRC).as_posix()
        if rel == "_numba.py" or path.name.startswith("_kernels"):
            continue
        if any(n == "numba" or n.startswith("numba.") for n in _module_imports(path)):
            offenders.append(rel)
    assert not offenders, f"numba imported outside _numba.py/_kernels*.py: {offenders}"


def test_library_does_not_import_cli_or_rich() -> None:
    offenders = []
    for path in SRC.rglob("*.py"):
        rel = path.relative_to(SRC).as_posix()
        if rel.startswith(("cli/", "web/")):
            continue
        bad = [n for n in _module_imports(path)
               if n.split(".")[0] in {"rich", "typer"} or n.startswith("genetx.cli")]
        if bad:
            offenders.append((rel, bad))
    assert not offenders, f"library modules import the CLI layer: {offenders}"
