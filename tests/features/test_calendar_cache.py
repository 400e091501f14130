"""The CME calendar is built once and then read from MIA's cache, without pandas, to the same sessions."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from adapters.calendars import cme

READ_IT = """
import sys
from adapters.calendars.cme import cme_calendar
calendar = cme_calendar()
print(len(calendar), int(calendar.close[-1]), "pandas" in sys.modules)
"""


def _fresh_process(home: Path) -> list[str]:
    done = subprocess.run([sys.executable, "-c", READ_IT], capture_output=True, text=True, timeout=300, check=True,
                          env={**os.environ, "MIA_HOME": str(home)})
    return done.stdout.split()


def test_a_second_process_reads_the_calendar_without_pandas(tmp_path: Path) -> None:
    first = _fresh_process(tmp_path)
    assert cme.cache_path().name in {p.name for p in (tmp_path / "cache").iterdir()}
    second = _fresh_process(tmp_path)
    assert first[:2] == second[:2]
    assert (first[2], second[2]) == ("True", "False")  # built with pandas-market-calendars, then read from the cache


def test_the_cached_calendar_is_the_built_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MIA_HOME", str(tmp_path))
    built = cme.build_calendar()
    cme._store(built, cme.cache_path())
    read = cme._load(cme.cache_path())
    assert read is not None and read.source == built.source
    for name in cme.COLUMNS:
        np.testing.assert_array_equal(getattr(read, name), getattr(built, name))
        assert getattr(read, name).dtype == getattr(built, name).dtype


def test_a_damaged_cache_file_is_built_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MIA_HOME", str(tmp_path))
    path = cme.cache_path()
    path.parent.mkdir(parents=True)
    path.write_bytes(b"not a numpy file")
    assert cme._load(path) is None
    assert _fresh_process(tmp_path)[2] == "True"  # rebuilt (and stored again)
    assert cme._load(path) is not None


def test_a_cache_file_cut_short_is_built_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A write cut off half way (disk full, a killed process on another file system) leaves half a zip file."""
    monkeypatch.setenv("MIA_HOME", str(tmp_path))
    path = cme.cache_path()
    cme._store(cme.build_calendar(), path)
    whole = path.read_bytes()
    path.write_bytes(whole[: len(whole) // 2])
    assert cme._load(path) is None
