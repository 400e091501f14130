"""Just enough Markdown reading for the docs tests: sections, table rows, fenced blocks."""

from __future__ import annotations

import re
from pathlib import Path

import attrs

DOCS = Path(__file__).resolve().parents[2] / "docs"
NOT_A_SYSTEM = "<!-- not-a-system -->"
_FENCE = re.compile(r"^(?P<indent>[ \t]*)```(?P<lang>[\w-]*)\s*$")


@attrs.frozen
class Section:
    """A heading and the lines up to the next heading of the same or a higher level."""

    heading: str
    level: int
    lines: tuple[str, ...]

    def rows(self) -> dict[str, list[str]]:
        """Table rows keyed by their first cell (header and separator rows included)."""
        found: dict[str, list[str]] = {}
        for line in self.lines:
            stripped = line.strip()
            if stripped.startswith("|") and stripped.endswith("|"):
                cells = [cell.strip() for cell in stripped[1:-1].split("|")]
                found.setdefault(cells[0], cells)
        return found


def sections(text: str) -> list[Section]:
    """Every heading's section, nested ones included in their parents' lines."""
    lines = text.splitlines()
    heads = [(i, len(m.group(1)), m.group(2).strip()) for i, line in enumerate(lines) if (m := _heading(line))]
    out = []
    for n, (i, level, title) in enumerate(heads):
        end = next((j for j, lvl, _ in heads[n + 1 :] if lvl <= level), len(lines))
        out.append(Section(heading=title, level=level, lines=tuple(lines[i + 1 : end])))
    return out


def _heading(line: str) -> re.Match[str] | None:
    return re.match(r"^(#{1,6})\s+(.*)$", line)


def section(text: str, heading: str) -> Section:
    """The one section whose heading is exactly ``heading``."""
    (found,) = [s for s in sections(text) if s.heading == heading]
    return found


@attrs.frozen
class Block:
    """A fenced code block: its language, text, first line number, whether it is marked not-a-system,
    and the last non-blank line before it (where a marker such as ``<!-- file: ... -->`` sits)."""

    lang: str
    text: str
    line: int
    not_a_system: bool
    before: str = ""


def fenced_blocks(text: str) -> list[Block]:
    """Fenced code blocks (indented ones too), outside headings' concerns."""
    lines = text.splitlines()
    blocks: list[Block] = []
    i = 0
    while i < len(lines):
        opening = _FENCE.match(lines[i])
        if opening is None:
            i += 1
            continue
        indent = opening.group("indent")
        end = i + 1
        while end < len(lines) and lines[end].strip() != "```":
            end += 1
        body = "\n".join(line.removeprefix(indent) for line in lines[i + 1 : end]) + "\n"
        before = next((lines[j].strip() for j in range(i - 1, -1, -1) if lines[j].strip()), "")
        blocks.append(Block(opening.group("lang"), body, i + 2, before == NOT_A_SYSTEM, before))
        i = end + 1
    return blocks
