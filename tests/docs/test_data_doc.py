"""docs/data.md's python examples run as written (the ticks section's tape, bars and .scid round trip)."""

from __future__ import annotations

from .markdown import DOCS, fenced_blocks


def test_every_python_example_runs() -> None:
    blocks = [b for b in fenced_blocks((DOCS / "data.md").read_text()) if b.lang == "python"]
    assert blocks, "docs/data.md has no python example"
    for block in blocks:
        exec(compile(block.text, f"docs/data.md:{block.line}", "exec"), {"__name__": "docs_example"})
