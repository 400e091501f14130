"""A BuildContext for building one component outside a system: in a plugin's tests, a notebook, a benchmark."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from mia_core.calc.session_calendar import SessionCalendar
from mia_core.clock import ManualClock
from mia_core.instruments import ES, Instrument
from ports.clock import Clock
from ports.components import Mode
from ports.meta_label import ModelStore
from ports.snapshot_archive import SnapshotArchive

T = TypeVar("T")


class ContextServices:
    """The BuildContext members every context serves alike: the exchange calendar, options snapshots, models."""

    @property
    def sessions(self) -> SessionCalendar:
        """The CME Globex equity calendar (built once per process)."""
        from adapters.calendars.cme import cme_calendar  # pandas-market-calendars: +8 MB, only when asked

        return cme_calendar()

    def snapshot_archive(self, directory: str) -> SnapshotArchive:
        """The snapshots the point-in-time store keeps in ``directory`` (``adapters.options.archive``)."""
        from adapters.options.archive import StoredSnapshots  # pandas and the options store: only when asked

        return StoredSnapshots(directory)

    def model_store(self, directory: str) -> ModelStore:
        """The model registry in ``directory`` (``adapters.ml.registry``)."""
        from adapters.ml.registry import ModelRegistry  # the model files' code: only when asked

        return ModelRegistry(directory)


class StandaloneBuildContext(ContextServices):
    """What a system hands a factory, without a system: a backtest-mode context on a manual clock.

    ``spec.factory(spec.config_class(), StandaloneBuildContext())`` builds a registered
    component with its default settings, as ``mia backtest`` would.
    """

    def __init__(self, instrument: Instrument = ES, mode: Mode = Mode.BACKTEST, clock: Clock | None = None) -> None:
        self.instrument = instrument
        self.mode = mode
        self.clock: Clock = clock if clock is not None else ManualClock()
        self._shared: dict[str, Any] = {}

    def shared(self, key: str, create: Callable[[], T]) -> T:
        """One object per ``key``, created on first use."""
        if key not in self._shared:
            self._shared[key] = create()
        return self._shared[key]  # type: ignore[no-any-return]
