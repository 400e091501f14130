"""Headless Chromium (Debian's package) for report tests: render a page offline, return the DOM after scripts ran."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--window-size=1280,2000"]


def chromium() -> str:
    """The browser's path; skipped where none is installed, failed under CI (.ci/run installs it)."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    if os.environ.get("CI"):
        pytest.fail("CI is set but chromium is not installed (.ci/run installs it: apt-get install -y chromium)")
    pytest.skip("chromium is not installed (apt-get install -y chromium)")


def dump_dom(page: Path | str, budget_ms: int = 5_000) -> tuple[str, float]:
    """The serialised DOM of ``page`` (a file, or an http URL) after its scripts ran, and the seconds it took."""
    binary = chromium()
    address = page if isinstance(page, str) else page.resolve().as_uri()
    with tempfile.TemporaryDirectory() as profile:
        command = [binary, *FLAGS, f"--user-data-dir={profile}", f"--virtual-time-budget={budget_ms}",
                   "--dump-dom", address]
        started = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
        seconds = time.perf_counter() - started
    assert done.returncode == 0, f"chromium exited {done.returncode}: {done.stderr[-2000:]}"
    return done.stdout, seconds
