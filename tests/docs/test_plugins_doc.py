"""docs/plugins.md states the plugin surface as the code has it: hooks, ports, BuildContext, the example."""

from __future__ import annotations

import inspect
import tomllib
from collections.abc import Callable
from typing import Any

import pytest

from adapters.bootstrap.container import PORT_BY_KIND
from ports import hookspecs
from ports.components import BuildContext

from .markdown import DOCS, fenced_blocks, section

PLUGINS_MD = (DOCS / "plugins.md").read_text()
EXAMPLE_PACKAGE = DOCS / "examples" / "mia-example-strategy"
FILE_MARK, EXCERPT_MARK = "<!-- file: ", "<!-- excerpt: "
HOOKSPECS: dict[str, Callable[..., Any]] = {
    name: fn for name, fn in vars(hookspecs).items() if name.startswith("mia_") and hasattr(fn, "mia_spec")
}
PROTOCOLS = {port.__name__: port for port in PORT_BY_KIND.values()} | {"BuildContext": BuildContext}


def protocol_members(protocol: type) -> list[str]:
    """Each member as the docs write it: ``name: type`` or ``[async] def name(signature)``."""
    lines = [f"{name}: {annotation}" for name, annotation in inspect.get_annotations(protocol).items()]
    for name, value in protocol.__dict__.items():
        if name.startswith("_"):
            continue
        function = value.fget if isinstance(value, property) else value
        if inspect.isfunction(function):
            keyword = "async def" if inspect.iscoroutinefunction(function) else "def"
            lines.append(f"{keyword} {name}{inspect.signature(function)}".replace("'", ""))
    return lines


@pytest.mark.parametrize("name", sorted(HOOKSPECS))
def test_every_hook_has_a_section_with_its_exact_signature(name: str) -> None:
    hook = section(PLUGINS_MD, f"`{name}`")
    assert name + str(inspect.signature(HOOKSPECS[name])) in "\n".join(hook.lines)


@pytest.mark.parametrize("name", sorted(PROTOCOLS))
def test_every_port_is_documented_with_each_member(name: str) -> None:
    text = "\n".join(section(PLUGINS_MD, f"`{name}`").lines) if name != "BuildContext" else PLUGINS_MD
    members = protocol_members(PROTOCOLS[name])
    assert members, f"{name} has no members?"
    missing = [member for member in members if member not in text]
    assert missing == [], f"docs/plugins.md, {name}: write {missing}"


def test_the_example_plugin_is_shown_as_it_is_packaged() -> None:
    project = tomllib.loads((DOCS / "examples" / "mia-example-strategy" / "pyproject.toml").read_text())
    (name, module), *_ = project["project"]["entry-points"]["mia"].items()
    assert f'{name} = "{module}"' in PLUGINS_MD
    assert f'name = "{project["project"]["name"]}"' in PLUGINS_MD


def _marked(mark: str) -> list[tuple[str, str]]:
    """(path inside the example package, block text) of each block preceded by ``mark``."""
    return [
        (block.before.removeprefix(mark).removesuffix("-->").strip(), block.text)
        for block in fenced_blocks(PLUGINS_MD)
        if block.before.startswith(mark)
    ]


def test_every_file_of_the_example_is_shown_as_it_is() -> None:
    shown = dict(_marked(FILE_MARK))
    sources = sorted(
        str(path.relative_to(EXAMPLE_PACKAGE)) for path in (EXAMPLE_PACKAGE / "mia_example_strategy").glob("*.py")
    )
    assert sorted(shown) == [name for name in sources if not name.endswith("__init__.py")]
    for name, text in shown.items():
        assert text == (EXAMPLE_PACKAGE / name).read_text(), f"docs/plugins.md shows an old {name}: copy the file"


def test_every_excerpt_of_the_example_is_in_its_file() -> None:
    excerpts = _marked(EXCERPT_MARK)
    assert excerpts
    for name, text in excerpts:
        assert text in (EXAMPLE_PACKAGE / name).read_text(), f"docs/plugins.md: the excerpt of {name} is not in it"


def test_the_system_file_shown_uses_every_component_of_the_example() -> None:
    system = (DOCS / "examples" / "example_breakout.yaml").read_text()
    plugin_source = (EXAMPLE_PACKAGE / "mia_example_strategy" / "plugin.py").read_text()
    names = [line.split('"')[1] for line in plugin_source.splitlines() if line.strip().startswith("name=")]
    assert len(names) == 4
    for name in names:
        assert f"use: {name}" in system
        assert f"use: {name}" in PLUGINS_MD


def test_the_rendering_matches_a_known_protocol() -> None:
    class Probe:
        name: str

        async def ping(self, count: int = 1) -> None: ...

        @property
        def size(self) -> int: ...

    assert protocol_members(Probe) == [
        "name: str",
        "async def ping(self, count: int = 1) -> None",
        "def size(self) -> int",
    ]
