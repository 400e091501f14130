"""A compiled install compiles every module of setup.py's COMPILED list (the plugin's features and decision too)."""

from __future__ import annotations

import ast
import importlib
import importlib.util
import os
import typing
from collections.abc import Iterator
from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path

import attrs
import pytest

from ports.components import ComponentKind

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


def _settings_classes(cls: type) -> Iterator[type]:
    """``cls`` and every attrs class nested in its fields (what YAML settings are read into)."""
    yield cls
    hints = typing.get_type_hints(cls)
    for field in attrs.fields(cls):
        hint = hints.get(field.name)
        if isinstance(hint, type) and attrs.has(hint):
            yield from _settings_classes(hint)


def test_no_settings_class_lives_in_a_compiled_module() -> None:
    """Settings classes stay interpreted: in a compiled module their type hints read back wrong (docs, errors)."""
    from adapters.bootstrap.plugins import discover

    compiled = set(compiled_list())
    host = discover()
    found = []
    for kind in ComponentKind:
        for name in host.names(kind):
            spec, _ = host.component(kind, name)
            if spec.config_class is None:
                continue
            found += [f"{name}: {cls.__module__}.{cls.__qualname__}" for cls in _settings_classes(spec.config_class)
                      if cls.__module__ in compiled]
    assert found == []
