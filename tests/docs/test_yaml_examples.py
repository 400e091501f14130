"""Every YAML example in docs/*.md (and docs/examples/*.yaml) is a valid system for the installed plugins.

A fenced ``yaml`` block is read like a system file (``${NAME:default}`` interpolation
included) and planned against the discovered plugins plus the example third-party
plugin of docs/examples. A block without ``data_feed`` or ``strategy`` is a fragment:
it is checked on top of a minimal system (``data_feed: bundled``, ``strategy:
sma_cross``). A block preceded by ``<!-- not-a-system -->`` is not checked.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from adapters.bootstrap.config import plan_system, read_yaml
from adapters.bootstrap.plugins import PluginHost, PluginInfo, discover
from ports.components import ComponentKind

from .markdown import DOCS, Block, fenced_blocks

EXAMPLE_PLUGIN = DOCS / "examples" / "mia-example-strategy"
MINIMAL = {"data_feed": "bundled", "strategy": "sma_cross"}


def yaml_examples() -> Iterator[Any]:
    for page in sorted(DOCS.glob("*.md")):
        for block in fenced_blocks(page.read_text()):
            if block.lang in ("yaml", "yml") and not block.not_a_system:
                yield pytest.param(block, id=f"{page.name}:{block.line}")
    for path in sorted((DOCS / "examples").glob("*.yaml")):
        yield pytest.param(Block("yaml", path.read_text(), 1, False), id=f"examples/{path.name}")


@pytest.fixture(scope="module")
def host() -> Iterator[PluginHost]:
    """The installed plugins, and the example third-party plugin if it is not installed."""
    found = discover()
    if "example_breakout" not in found.names(ComponentKind.STRATEGY):
        sys.path.insert(0, str(EXAMPLE_PLUGIN))
        try:
            from mia_example_strategy import plugin

            found.add_plugin(plugin, PluginInfo("example_breakout", "mia-example-strategy", "docs", plugin.__name__))
        finally:
            sys.path.remove(str(EXAMPLE_PLUGIN))
    yield found
    for name in [n for n in sys.modules if n.startswith("mia_example_strategy")]:
        del sys.modules[name]


@pytest.mark.parametrize("block", list(yaml_examples()))
def test_a_yaml_example_is_a_valid_system(block: Block, host: PluginHost, tmp_path: Path) -> None:
    source = tmp_path / "example.yaml"
    source.write_text(block.text)
    data = read_yaml(source)
    if not all(key in data for key in MINIMAL):
        data = MINIMAL | data
    plan = plan_system(data, host, source=f"docs example at line {block.line}")
    assert plan.one("data_feed") and plan.one("strategy")


def test_config_md_shows_a_complete_system() -> None:
    blocks = [b for b in fenced_blocks((DOCS / "config.md").read_text()) if b.lang == "yaml"]
    assert any("data_feed:" in b.text and "strategy:" in b.text for b in blocks)


def test_blocks_marked_not_a_system_are_left_out() -> None:
    text = "```yaml\nmode: backtest\n```\n\n<!-- not-a-system -->\n\n```yaml\nnot: a system\n```\n"
    assert [(b.line, b.not_a_system) for b in fenced_blocks(text)] == [(2, False), (8, True)]
