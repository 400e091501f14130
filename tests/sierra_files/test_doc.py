"""docs/adapters/sierra_files.md stays true: its YAML is a valid system, its messages and commands exist."""

from __future__ import annotations

import re
from pathlib import Path

from typer.testing import CliRunner

from adapters.bootstrap.cli import app
from adapters.bootstrap.config import plan_system, read_yaml
from adapters.bootstrap.plugins import discover
from adapters.sierra.files.config import SierraFilesFeedConfig

PAGE = Path(__file__).resolve().parents[2] / "docs" / "adapters" / "sierra_files.md"
SOURCES = Path(__file__).resolve().parents[2] / "adapters" / "sierra" / "files"
FENCE = re.compile(r"```yaml\n(?P<body>.*?)\n```", re.S)


def test_the_yaml_example_is_a_valid_sierra_files_system(tmp_path: Path) -> None:
    blocks = [m["body"] for m in FENCE.finditer(PAGE.read_text())]
    assert blocks
    for block in blocks:
        source = tmp_path / "system.yaml"
        source.write_text(block)
        plan = plan_system(read_yaml(source), discover(), source=str(source))
        assert plan.one("data_feed").spec.name == "sierra_files"


def test_the_troubleshooting_messages_are_the_codes() -> None:
    text = PAGE.read_text()
    code = "\n".join(p.read_text() for p in SOURCES.glob("*.py"))
    for phrase in ("header size", "record size", "not being written to: truncated", "is not a date within 1990-2100",
                   "neither microseconds nor days", "time goes back", "is not a number", "unknown command",
                   "it is a Sierra Chart"):
        assert phrase in text and phrase in code, phrase


def test_every_setting_and_command_named_on_the_page_exists() -> None:
    text = PAGE.read_text()
    for field in SierraFilesFeedConfig.__attrs_attrs__:  # type: ignore[attr-defined]
        name = field.name
        assert re.search(rf"`{name}|^\s*{name}:", text, re.M) or name in ("trades", "on_bad_data", "poll_seconds"), name
    for command in (["data", "import", "--help"], ["data", "levels", "--help"]):
        assert CliRunner().invoke(app, command).exit_code == 0
