"""A compiled install compiles every module of setup.py's COMPILED list (the plugin's features and decision too)."""

from __future__ import annotations

import ast
import importlib
import importlib.util
import os
from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path

import pytest

SETUP = Path(__file__).resolve().parents[2] / "setup.py"


def compiled_list() -> list[str]:
    """The module names in setup.py's ``COMPILED``."""
    for node in ast.parse(SETUP.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "COMPILED" for t in node.targets):
            paths = ast.literal_eval(node.value)
            return [path.removesuffix(".py").replace("/", ".") for path in paths]
    raise AssertionError("setup.py has no COMPILED list")


def test_every_listed_module_exists() -> None:
    for name in compiled_list():
        assert importlib.util.find_spec(name) is not None, name


@pytest.mark.skipif(os.environ.get("MIA_EXPECT_ENGINE", "") != "compiled", reason="a compiled build only (tox)")
def test_every_listed_module_is_compiled() -> None:
    plain = [name for name in compiled_list()
             if not str(importlib.import_module(name).__file__).endswith(tuple(EXTENSION_SUFFIXES))]
    assert plain == []
