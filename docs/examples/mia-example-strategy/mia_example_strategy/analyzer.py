"""Volume against its recent average: context a strategy can filter entries on."""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping

import attrs

from mia_core.events import MarketEvent
from mia_core.market import Bar


@attrs.frozen
class VolumeConfig:
    """Settings of ``example_volume``: the number of bars the average volume is taken over."""

    window: int = attrs.field(default=20, validator=attrs.validators.ge(1))


class VolumeRatio:
    """``ratio``: the latest bar's volume over the mean volume of the ``window`` bars before it.

    Only bars count; other market events (quotes, timers) leave the values unchanged.
    """

    def __init__(self, config: VolumeConfig, name: str = "example_volume") -> None:
        self.name = name
        self.window = config.window
        self._volumes: deque[float] = deque(maxlen=config.window)
        self._latest: dict[str, float] = {}

    def on_event(self, event: MarketEvent) -> Mapping[str, float] | None:
        """New values on each bar once ``window`` bars precede it; ``None`` otherwise."""
        if not isinstance(event, Bar):
            return None
        changed = None
        if len(self._volumes) == self.window:
            mean = sum(self._volumes) / self.window
            if mean > 0:
                self._latest = {"ratio": event.volume / mean, "mean": mean}
                changed = self._latest
        self._volumes.append(event.volume)
        return changed

    def latest(self) -> Mapping[str, float]:
        """The values of the latest bar (empty before the first full window)."""
        return self._latest
