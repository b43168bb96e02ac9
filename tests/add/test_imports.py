"""Import rules of the gene-addition layer."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "genetx"


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_codon_is_the_only_dnachisel_import() -> None:
    users = sorted(p.relative_to(SRC).as_posix() for p in SRC.rglob("*.py")
                   if "dnachisel" in _imports(p))
    assert users == ["add/codon.py"]


def test_gene_addition_draws_nothing_itself() -> None:
    """The add layer computes; figures are drawn by genetx.plot."""
    users = sorted(p.relative_to(SRC).as_posix() for p in (SRC / "add").rglob("*.py")
                   if "matplotlib" in _imports(p))
    assert users == []


def test_add_modules_import_light() -> None:
    code = ("import sys\nimport genetx.add, genetx.add.elements, genetx.plot\n"
            "print(' '.join(m for m in ('dnachisel', 'matplotlib', 'Bio') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.split()
    assert out == []
