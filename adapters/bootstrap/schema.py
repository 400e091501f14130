"""The system configuration schema: what a YAML file may say, with defaults."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Literal

import attrs

from adapters.monitor.config import DashboardConfig
from mia_core.alerts.rules import AlertsConfig
from mia_core.digest.config import SummaryConfig
from mia_core.engine.config import ExecutionConfig
from mia_core.reconcile.state import ReconcileConfig
from mia_core.risk.catastrophe import CatastropheConfig
from mia_core.risk.guard import GuardConfig
from mia_core.risk.sizing import PositionConfig
from mia_core.validation import fail, within
from ports.components import ComponentKind, Mode


@attrs.frozen
class ComponentRef:
    """One component as the YAML names it: ``use: <name>``, an optional ``as:`` alias, settings."""

    kind: ComponentKind
    use: str
    alias: str | None
    settings: dict[str, Any]
    path: str

    @property
    def instance_name(self) -> str:
        """The name the running system knows this component by."""
        return self.alias or self.use


@attrs.frozen
class PluginsConfig:
    """Which installed plugins to ignore (by entry-point or distribution name)."""

    disable: list[str] = attrs.Factory(list)


@attrs.frozen
class BacktestConfig:
    """History window and options of ``mia backtest`` (the account is the broker's ``initial_cash``).

    ``vectorised`` null picks the fast path when the system allows it (a strategy
    with ``target_directions``, no techniques or analyzers); true requires it, false
    forces the bar-by-bar path. ``close_at_end`` flattens the last open position at
    the final bar's close so it appears in the trade list. ``on_daily_bars``: a
    technique that needs intraday bars, run on daily ones, is a warning or an error.
    """

    start: dt.date | None = None
    end: dt.date | None = None
    vectorised: bool | None = None
    close_at_end: bool = False
    on_daily_bars: Literal["warn", "refuse"] = "warn"


@attrs.frozen
class JournalConfig:
    """Where a paper/live session's journal is written: ``.sqlite``/``.db`` SQLite, any other name JSON lines.

    ``null`` is the system's own SQLite file (``~/.mia/systems/<name>/journal.sqlite``),
    ``":memory:"`` keeps it in memory. Backtests keep theirs in memory unless
    ``mia backtest --journal PATH`` is given.
    """

    path: str | None = None


@attrs.frozen
class SessionConfig:
    """Pacing of paper sessions on a replay feed: 1.0 is real time, 0 is as fast as possible."""

    speed: float = attrs.field(default=60.0, validator=within(0, 1000000))


@attrs.frozen
class OptionsSnapshotsConfig:
    """Options chain snapshots taken inside paper/live sessions (``mia run``) for dealer's bias.

    Every ``interval_seconds`` (aligned to the clock) each underlying's chain is taken
    from ``source`` and stored in ``directory`` with its timestamp; point the
    ``dealers_bias`` analyzer's ``snapshot_dir`` at the same directory. Backtests never
    take snapshots: they read the ones stored before each bar.
    """

    enabled: bool = False
    source: Literal["synthetic", "directory", "ib"] = "synthetic"
    directory: str = "snapshots"
    inbox: str | None = None
    underlyings: list[str] = attrs.Factory(lambda: ["SPX"])
    interval_seconds: float = attrs.field(default=300.0, validator=within(0, 86400, low_open=True))
    ib_host: str = "127.0.0.1"
    ib_port: int = attrs.field(default=4002, validator=within(1, 65535))
    ib_client_id: int = attrs.field(default=17, validator=within(0, 32767))

    def __attrs_post_init__(self) -> None:
        if self.enabled and self.source == "directory" and not self.inbox:
            fail(self, "inbox", None, "required when source is 'directory' (the folder where chain files land)")


# Top-level keys: (kind, is a list, required)
COMPONENT_SECTIONS: dict[str, tuple[ComponentKind, bool, bool]] = {
    "data_feed": (ComponentKind.DATA_FEED, False, True),
    "broker": (ComponentKind.BROKER, False, False),
    "techniques": (ComponentKind.TECHNIQUE, True, False),
    "strategy": (ComponentKind.STRATEGY, False, True),
    "analyzers": (ComponentKind.ANALYZER, True, False),
    "signal_filters": (ComponentKind.SIGNAL_FILTER, True, False),
    "risk_policies": (ComponentKind.RISK_POLICY, True, False),
    "notifiers": (ComponentKind.NOTIFIER, True, False),
}
DEFAULT_BROKER = {"use": "simulated"}


_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")


def _system_name(instance: Any, attribute: Any, value: str | None) -> None:
    if value is not None and not _NAME.fullmatch(value):
        fail(instance, "name", value, "must be 1-64 letters, digits, '_', '.' or '-', starting with a letter or digit "
             "(it names the system's folder ~/.mia/systems/<name>)")


@attrs.frozen
class SystemSettings:
    """Top-level settings that are not components."""

    name: str | None = attrs.field(default=None, validator=_system_name)
    mode: Mode = Mode.BACKTEST
    live_trading: bool = False
    instrument: str = "ES"
    plugins: PluginsConfig = attrs.Factory(PluginsConfig)
    execution: ExecutionConfig = attrs.Factory(ExecutionConfig)
    position: PositionConfig = attrs.Factory(PositionConfig)
    catastrophe: CatastropheConfig = attrs.Factory(CatastropheConfig)
    guard: GuardConfig = attrs.Factory(GuardConfig)
    backtest: BacktestConfig = attrs.Factory(BacktestConfig)
    journal: JournalConfig = attrs.Factory(JournalConfig)
    session: SessionConfig = attrs.Factory(SessionConfig)
    options_snapshots: OptionsSnapshotsConfig = attrs.Factory(OptionsSnapshotsConfig)
    alerts: AlertsConfig = attrs.Factory(AlertsConfig)
    summary: SummaryConfig = attrs.Factory(SummaryConfig)
    dashboard: DashboardConfig = attrs.Factory(DashboardConfig)
    reconcile: ReconcileConfig = attrs.Factory(ReconcileConfig)


TOP_LEVEL_KEYS = tuple(attrs.fields_dict(SystemSettings)) + tuple(COMPONENT_SECTIONS)
