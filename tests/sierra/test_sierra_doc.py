"""docs/adapters/sierra.md stays true: YAML systems plan, every setting is documented with its default, code runs."""

from __future__ import annotations

import re
from pathlib import Path

import attrs

from adapters.bootstrap.config import plan_system, read_yaml
from adapters.bootstrap.plugins import discover
from adapters.sierra.config import SierraFeedConfig

PAGE = Path(__file__).resolve().parents[2] / "docs" / "adapters" / "sierra.md"
FENCE = re.compile(r"(?P<before>[^\n]*)\n```(?P<lang>\w+)\n(?P<body>.*?)\n```", re.S)


def blocks(lang: str, systems_only: bool = True) -> list[str]:
    return [m["body"] for m in FENCE.finditer(PAGE.read_text())
            if m["lang"] == lang and not (systems_only and "not-a-system" in m["before"])]


def test_yaml_blocks_are_sierra_systems(tmp_path: Path) -> None:
    assert blocks("yaml")
    for block in blocks("yaml", systems_only=False):
        source = tmp_path / "system.yaml"
        source.write_text(block)
        plan = plan_system(read_yaml(source), discover(), source=str(source))
        assert plan.one("broker").spec.name == "sierra" and plan.one("data_feed").spec.name == "sierra_feed"


def test_every_setting_is_in_a_table_with_its_default() -> None:
    text = PAGE.read_text()
    for field in attrs.fields(SierraFeedConfig):
        default = field.default
        shown = "empty" if default == "" else str(default)
        assert re.search(rf"\| `{field.name}` \| `?{re.escape(shown)}`? ", text) or (
            field.name == "symbol" and "| `symbol` | the instrument's root |" in text), field.name


def test_python_examples_run() -> None:
    (code,) = blocks("python")
    exec(compile(code, str(PAGE), "exec"), {})


def test_the_files_section_exists_for_the_files_part() -> None:
    assert "\n## Files (.scid and .depth)\n" in PAGE.read_text()
