"""Where each system keeps its own journal and risk state: ``~/.mia/systems/<name>/`` unless the YAML says."""

from __future__ import annotations

import os
from pathlib import Path

from adapters.bootstrap.config import SystemPlan

#: ``journal.path`` value that keeps a session's journal in memory.
MEMORY = ":memory:"


def mia_home() -> Path:
    """MIA's folder: ``$MIA_HOME``, else ``~/.mia``."""
    return Path(os.environ.get("MIA_HOME") or "~/.mia").expanduser()


def system_name(plan: SystemPlan) -> str:
    """The system's ``name:``, else its file's stem (``es-paper.yaml`` is ``es-paper``), else ``default``."""
    if plan.settings.name:
        return plan.settings.name
    stem = Path(plan.source).stem if not plan.source.startswith("<") else ""
    return stem or "default"


def system_dir(plan: SystemPlan) -> Path:
    """The system's own folder, ``<mia home>/systems/<name>``."""
    return mia_home() / "systems" / system_name(plan)


def risk_state_path(plan: SystemPlan) -> Path:
    """The latch file: ``catastrophe.state_file`` if set, else ``<system folder>/risk_state.json``."""
    explicit = plan.settings.catastrophe.state_file
    return Path(explicit).expanduser() if explicit else system_dir(plan) / "risk_state.json"


def session_journal_path(plan: SystemPlan) -> Path | None:
    """A paper/live session's journal: ``journal.path``, else ``<system folder>/journal.sqlite``; None: in memory."""
    explicit = plan.settings.journal.path
    if explicit == MEMORY:
        return None
    return Path(explicit).expanduser() if explicit else system_dir(plan) / "journal.sqlite"
