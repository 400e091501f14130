"""The dashboard's control actions (halt, flatten, re-arm), carried out on the session and journalled."""

from __future__ import annotations

from adapters.live.shell import LiveShell
from mia_core.commands import Command
from mia_core.journal import record

ACTIONS = ("halt", "flatten", "rearm")


async def apply_control(shell: LiveShell, action: str, who: str) -> str:
    """Carry out ``action`` on the running session; the journal records it (and who asked) first.

    ``halt`` trips the catastrophe latch by hand (cancel, flatten, no entries until
    re-armed), ``flatten`` cancels the working orders and closes the position and
    ``rearm`` clears the latch. Returns what was done, for the reply.
    """
    if action not in ACTIONS:
        raise ValueError(f"unknown control action {action!r}; one of {', '.join(ACTIONS)}")
    engine = shell.engine
    engine.journal.append(record(shell.clock.now_ns(), "control", {"action": action, "by": who}))
    commands: list[Command] = []
    if action == "halt":
        commands = engine.manual_stop(f"halt from the dashboard ({who})")
    elif action == "flatten":
        commands = engine.flatten(f"flatten from the dashboard ({who})")
    else:
        engine.rearm()
    await shell.execute(commands)
    return f"{action}: {len(commands)} order command(s) sent"
