"""Marked sections of a Markdown page that `mia ml evaluate --markdown` owns (kept when another command rewrites it)."""

from __future__ import annotations

import re

_BLOCK = re.compile(r"<!-- ml-section (?P<key>[a-z0-9-]+) -->\n.*?<!-- /ml-section (?P=key) -->\n", re.S)


def slug(title: str) -> str:
    """A section key from its title."""
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")


def put_section(page: str, key: str, body: str) -> str:
    """``page`` with section ``key`` replaced by ``body`` (appended when it is not there yet)."""
    block = f"<!-- ml-section {key} -->\n{body.rstrip()}\n<!-- /ml-section {key} -->\n"
    for match in _BLOCK.finditer(page):
        if match.group("key") == key:
            return page[: match.start()] + block + page[match.end():]
    return page.rstrip("\n") + "\n\n" + block


def marked_sections(page: str) -> str:
    """Every marked section of ``page``, in order (empty when none), for a command that rewrites the rest."""
    return "".join("\n" + m.group(0) for m in _BLOCK.finditer(page))
