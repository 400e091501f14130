"""Whether a module runs compiled by mypyc (``setup.py`` ``COMPILED``) or as interpreted Python."""

from __future__ import annotations

from importlib.machinery import EXTENSION_SUFFIXES


def runs_compiled(module_file: str) -> bool:
    """True when ``module_file`` (a module's ``__file__``) is a C extension: the module was compiled.

    A module that picks between a loop (fast compiled) and a built-in (fast interpreted)
    sets ``COMPILED: Final = runs_compiled(__file__)`` once at import.
    """
    return module_file.endswith(tuple(EXTENSION_SUFFIXES))
