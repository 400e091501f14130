"""docs/ml.md's Python example runs as written."""

from __future__ import annotations

from .markdown import DOCS, fenced_blocks


def test_the_python_example_runs() -> None:
    from ml.helpers import needs_ml

    needs_ml()
    blocks = [b for b in fenced_blocks((DOCS / "ml.md").read_text()) if b.lang == "python"]
    assert blocks, "docs/ml.md has no python example"
    for block in blocks:
        namespace: dict[str, object] = {}
        exec(compile(block.text, f"docs/ml.md:{block.line}", "exec"), namespace)
        assert int(namespace["tested"].sum()) > 0  # type: ignore[attr-defined]
