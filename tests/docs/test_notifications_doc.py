"""docs/notifications.md: its `mia summary` / `mia mentor` command lines use options the commands have; tables whole."""

from __future__ import annotations

import re

import typer.main

from adapters.bootstrap.cli import app

from .markdown import DOCS

PAGE = (DOCS / "notifications.md").read_text()


def options_of(command: str) -> set[str]:
    group = typer.main.get_command(app)
    found = group.commands[command]  # type: ignore[attr-defined]
    return {opt for param in found.params for opt in (*param.opts, *param.secondary_opts)}


def test_the_command_lines_shown_use_only_options_the_commands_have() -> None:
    lines = re.findall(r"^mia (summary|mentor) (.*)$", PAGE, re.M)
    assert {command for command, _ in lines} == {"summary", "mentor"}
    for command, rest in lines:
        used = set(re.findall(r"(?<!\S)(--[a-z-]+)", rest))
        assert used <= options_of(command), f"mia {command}: {sorted(used - options_of(command))}"
    inline = set(re.findall(r"`(--[a-z-]+)", PAGE)) - options_of("summary") - options_of("mentor")
    control = {"--channel", "--allow", "--poll", "--journal", "--token-env"}  # `mia risk discord`
    assert inline <= control, sorted(inline - control)


def test_every_table_is_whole() -> None:
    """A blank line inside a table ends it: a row after it renders as a paragraph."""
    lines = PAGE.splitlines()
    for i in range(1, len(lines) - 1):
        if not lines[i].strip():
            assert not (lines[i - 1].startswith("|") and lines[i + 1].startswith("| ")), f"line {i + 1}"
