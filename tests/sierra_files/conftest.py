"""Fixtures: .scid files written in Sierra Chart's binary layout by adapters.sierra.files.writer."""

from __future__ import annotations

from pathlib import Path

import pytest

from adapters.sierra.files.writer import scid_header, scid_records, write_file

from .helpers import make_old, ticks_rows


@pytest.fixture
def scid_file(tmp_path: Path) -> Path:
    """A finished tick file (helpers.ticks_rows)."""
    return make_old(write_file(tmp_path / "ESZ25-CME.scid", scid_header(), scid_records(ticks_rows())))
