"""Component specs: what a plugin registers, and what a factory is given."""

from __future__ import annotations

import enum
import re
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

import attrs

from mia_core.calc.session_calendar import SessionCalendar
from mia_core.instruments import Instrument
from ports.clock import Clock
from ports.meta_label import ModelStore
from ports.snapshot_archive import SnapshotArchive

T = TypeVar("T")
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


class ComponentKind(enum.Enum):
    """The kinds of component a system is composed of; values are the YAML section keys."""

    DATA_FEED = "data_feed"
    BROKER = "broker"
    TECHNIQUE = "technique"
    STRATEGY = "strategy"
    ANALYZER = "analyzer"
    SIGNAL_FILTER = "signal_filter"
    RISK_POLICY = "risk_policy"
    NOTIFIER = "notifier"


class Mode(enum.Enum):
    """How a system runs: on history, on paper with live pacing, or with real money."""

    BACKTEST = "backtest"
    PAPER = "paper"
    LIVE = "live"


class BuildContext(Protocol):
    """What a component factory receives besides its own settings."""

    @property
    def instrument(self) -> Instrument:
        """The instrument the system trades."""
        ...

    @property
    def mode(self) -> Mode:
        """Backtest, paper or live."""
        ...

    @property
    def clock(self) -> Clock:
        """The session's clock (manual in backtests, wall clock live)."""
        ...

    @property
    def sessions(self) -> SessionCalendar:
        """The exchange's trading sessions: CME Globex equity index futures, 1990 to 2035.

        Trading days with their open, London, regular-hours and close boundaries in
        UTC ns (``mia_core.calc.session_calendar``), holidays left out and early
        closes kept. Built by the composition root from pandas-market-calendars on
        first use, so a plugin reads sessions without importing a calendar library.
        """
        ...

    def snapshot_archive(self, directory: str) -> SnapshotArchive:
        """The options chain snapshots stored in ``directory``, for a plugin that reads them.

        ``directory`` is a path as the user's YAML gives it (relative paths from the
        working directory), such as the ``dealers_bias`` analyzer's ``snapshot_dir``.
        It need not exist yet: the archive is empty until snapshots are stored there.
        Each call returns a new archive; reading costs nothing until it is asked.
        """
        ...

    def model_store(self, directory: str) -> ModelStore:
        """The registry of trained models kept in ``directory``, for a signal filter that loads one.

        ``directory`` is a path as the user's YAML gives it (such as the ``ml_filter``
        filter's ``model_dir``). Opening costs nothing; ``load`` reads and checks the files.
        """
        ...

    def shared(self, key: str, create: Callable[[], T]) -> T:
        """Return the one object stored under ``key``, calling ``create`` the first time.

        Use it for what several components must share, such as one broker
        connection per host/port/client id; the composition root closes shared
        objects that have a ``close()`` method when the system shuts down.
        """
        ...


def _check_name(instance: Any, attribute: attrs.Attribute[Any], value: str) -> None:
    if not isinstance(value, str) or not _NAME.match(value):
        raise ValueError(f"ComponentSpec.{attribute.name} = {value!r}: use lower_snake_case (a-z, 0-9, _)")


def _check_config_class(instance: Any, attribute: attrs.Attribute[Any], value: type) -> None:
    if not attrs.has(value):
        raise ValueError(f"ComponentSpec.config_class = {value!r}: must be an attrs class")


@attrs.frozen(slots=True)
class ComponentSpec:
    """A registered component: returned by the ``mia_register_*`` hooks.

    ``factory(config, context)`` builds the component from an instance of
    ``config_class`` (an attrs class whose fields are the YAML settings, with
    defaults) and a :class:`BuildContext`; it constructs the component and opens no
    connection (that is ``connect()``'s work), as ``mia config check`` builds every
    component. ``name`` is what YAML's ``use:`` names and must be unique across all
    installed plugins: a name two plugins register fails any system that uses it.
    """

    kind: ComponentKind
    name: str = attrs.field(validator=_check_name)
    factory: Callable[[Any, BuildContext], Any]
    config_class: type = attrs.field(validator=_check_config_class)
    summary: str = attrs.field(validator=attrs.validators.min_len(1))
