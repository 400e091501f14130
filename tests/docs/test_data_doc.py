"""docs/data.md's python examples run as written (the ticks section's tape, bars and .scid round trip)."""

from __future__ import annotations

from pathlib import Path

import pytest

from .markdown import DOCS, fenced_blocks


def test_every_python_example_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # an example may write a file (the ticks feed's trades.csv)
    blocks = [b for b in fenced_blocks((DOCS / "data.md").read_text()) if b.lang == "python"]
    assert blocks, "docs/data.md has no python example"
    for block in blocks:
        exec(compile(block.text, f"docs/data.md:{block.line}", "exec"), {"__name__": "docs_example"})
