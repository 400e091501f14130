"""The catastrophe latch and today's figures in small JSON files (atomic writes), for paper and live."""

from __future__ import annotations

import contextlib
import json
import os
import time
from pathlib import Path
from typing import Any

import attrs

from mia_core.risk.catastrophe import LatchState
from mia_core.risk.status import RiskStatus

UNREADABLE = "state_file_unreadable"


def status_path(state_file: Path) -> Path:
    """Where today's figures are published beside the latch file (``<name>.status.json``)."""
    return state_file.with_name(state_file.stem + ".status.json")


def _write_atomic(path: Path, data: dict[str, Any], durable: bool = True) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with tmp.open("w", encoding="utf-8") as handle:
        json.dump(data, handle, indent=1, sort_keys=True)
        if durable:
            handle.flush()
            os.fsync(handle.fileno())
    os.replace(tmp, path)


def latch_to_json(state: LatchState) -> dict[str, Any]:
    """The latch as plain JSON data."""
    return attrs.asdict(state)


def latch_from_json(data: Any, where: str) -> LatchState:
    """Plain data back to a latch; anything malformed is a ValueError naming ``where``."""
    if not isinstance(data, dict):
        keys = "'latched', 'trigger', 'detail', 'since_ns', 'rearmed_ns'"
        raise ValueError(f"{where}: expected a JSON object with {keys}")
    unknown = set(data) - {f.name for f in attrs.fields(LatchState)}
    if unknown or not isinstance(data.get("latched"), bool):
        raise ValueError(f"{where}: 'latched' must be true/false (unknown keys: {sorted(unknown)})")
    try:
        return LatchState(**data)
    except Exception as exc:  # a bad timestamp or type: say where
        raise ValueError(f"{where}: {exc}") from exc


def read_latch(path: Path) -> LatchState | None:
    """The latch saved at ``path``; ``None`` if the file does not exist.

    An unreadable or malformed file counts as LATCHED (fail safe), with the reason
    in ``detail``: entries stay stopped until someone re-arms on purpose.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:  # unreadable, or bytes that are not UTF-8 text
        return LatchState(True, UNREADABLE, f"{path}: {exc}")
    try:
        return latch_from_json(json.loads(text), str(path))
    except (ValueError, RecursionError) as exc:  # JSONDecodeError is a ValueError; RecursionError: absurd nesting
        return LatchState(True, UNREADABLE, f"{path}: {exc}")


def write_latch(path: Path, state: LatchState) -> None:
    """Persist ``state`` at ``path`` (atomic replace, fsync)."""
    _write_atomic(path, latch_to_json(state))


def read_status(path: Path) -> dict[str, Any] | None:
    """The figures last published beside the latch file at ``path`` (plain data), if any."""
    try:
        data = json.loads(status_path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):  # missing, unreadable, not UTF-8 or not JSON: nothing to show
        return None
    return data if isinstance(data, dict) else None


class FileRiskStateStore:
    """Implements the RiskStateStore port on ``state_file`` (and ``<name>.status.json`` beside it).

    ``poll`` looks at the file's modification time only, so it is cheap enough to
    call on every bar; the file is re-read only when it changed.
    """

    def __init__(self, state_file: str | Path, publish_every: float = 1.0) -> None:
        self.path = Path(state_file).expanduser()
        self.publish_every = publish_every  # seconds (wall clock) between publications of equity and P&L alone
        self._seen: tuple[int, int] | None = None
        self._state: LatchState | None = None
        self._published: tuple[Any, ...] | None = None
        self._published_at = -float("inf")

    def _stamp(self) -> tuple[int, int] | None:
        try:
            stat = self.path.stat()
        except OSError:
            return None
        return stat.st_mtime_ns, stat.st_size

    def load(self) -> LatchState | None:
        """The saved latch (``None`` if never saved; latched if unreadable)."""
        self._seen = self._stamp()
        self._state = read_latch(self.path)
        return self._state

    def save(self, state: LatchState) -> None:
        """Persist ``state`` and remember it as seen."""
        write_latch(self.path, state)
        self._seen = self._stamp()
        self._state = state

    def poll(self) -> LatchState | None:
        """The latch if another process changed the file since the last load/save."""
        stamp = self._stamp()
        if stamp == self._seen:
            return None
        self._seen = stamp
        state = read_latch(self.path)
        if state is None or state == self._state:
            return None
        self._state = state
        return state

    def publish(self, status: RiskStatus) -> None:
        """Write today's figures (best effort: a failure never stops trading).

        Written at once when the position, entries, trades, working orders or the latch
        changed; a new day or a change of equity and P&L alone at most every ``publish_every``
        seconds (a session publishes after every bar; a fast replay must not wait on the disk).
        """
        key = (status.position, status.entries_today, status.trades_today, status.working_orders, status.latch)
        now = time.monotonic()
        if key == self._published and now - self._published_at < self.publish_every:
            return
        self._published, self._published_at = key, now
        data = attrs.asdict(status, value_serializer=_plain)
        data["drawdown_pct"] = status.drawdown_pct
        with contextlib.suppress(OSError):
            _write_atomic(status_path(self.path), data, durable=False)


def _plain(instance: Any, field: Any, value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value
