"""Fixtures shared by every test directory (keep this file small)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _one_line_per_console_message(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rich wraps at the terminal's width (80 columns without one): a message holding a temporary path broke at a
    place that depended on the path's length, so substring checks failed under another ``--basetemp``.

    Rich reads ``COLUMNS`` each time it measures a console created without a width, as the CLI's are.
    """
    monkeypatch.setenv("COLUMNS", "1000")


@pytest.fixture(autouse=True)
def _every_plugin_enabled(monkeypatch: pytest.MonkeyPatch) -> None:
    """A developer's MIA_DISABLE_PLUGINS must not change what the tests discover."""
    monkeypatch.delenv("MIA_DISABLE_PLUGINS", raising=False)


@pytest.fixture(autouse=True)
def _mia_state_in_a_temporary_home(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Each system's journal and risk state (~/.mia/systems/<name>/) go to a temporary folder, never the user's.

    ``MIA_HOME`` and ``HOME`` both point there; caches found through HOME (matplotlib's
    font cache, XDG caches) keep their real place.
    """
    real = Path.home()
    monkeypatch.setenv("MPLCONFIGDIR", os.environ.get("MPLCONFIGDIR", str(real / ".config" / "matplotlib")))
    monkeypatch.setenv("XDG_CACHE_HOME", os.environ.get("XDG_CACHE_HOME", str(real / ".cache")))
    monkeypatch.setenv("HOME", str(tmp_path_factory.getbasetemp() / "home"))
    monkeypatch.setenv("MIA_HOME", str(tmp_path_factory.mktemp("mia_home")))


@pytest.fixture
def repo_root() -> Path:
    """The repository checkout (docs/, pyproject.toml, ...)."""
    return REPO_ROOT
