"""Lazy re-exports for package ``__init__`` modules (PEP 562 module ``__getattr__``).

A package lists its public names and the submodules defining them; the submodule is imported
on first access, so importing the package itself stays light.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping


def lazy_exports(package: str, exports: Mapping[str, str]) -> Callable[[str], Any]:
    """A module ``__getattr__`` that imports ``exports[name]`` and returns its ``name``.

    Parameters
    ----------
    package
        The package's ``__name__`` (for the error message).
    exports
        Public name -> dotted name of the submodule that defines it.

    Returns
    -------
    The function to assign to the package's ``__getattr__``; unknown names raise
    :class:`AttributeError` as a module would.
    """

    def __getattr__(name: str) -> Any:
        """Import the public names lazily from their submodules."""
        module = exports.get(name)
        if module is None:
            msg = f"module {package!r} has no attribute {name!r}"
            raise AttributeError(msg)
        import importlib

        return getattr(importlib.import_module(module), name)

    return __getattr__


__all__ = ["lazy_exports"]
