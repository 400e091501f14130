"""The bar-by-bar shortcuts of the features give what the plain forms give: keys in order, calendar lookups."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from adapters.calendars.cme import cme_calendar
from mia_core.calc.session_calendar import SessionCalendar
from mia_core.calc.session_locator import SessionLocator
from mia_core.calc.technique_base import Feature
from mia_core.series import BarSeries

from .conftest import SPECS, build

MINUTE = 60 * 10**9


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_update_returns_the_outputs_in_their_declared_order(spec: Any, intraday: BarSeries) -> None:
    feature = build(spec)
    for bar in intraday.slice(0, 300).trusted():
        row = feature.update(bar)
        assert list(row) == list(feature.outputs)
        assert all(type(value) is float for value in row.values()), {k: type(v) for k, v in row.items()}


def test_a_feature_that_writes_only_step_still_gets_its_mapping() -> None:
    class Last(Feature):
        name, outputs, warmup_bars = "last", ("close", "twice"), 2

        def _reset(self) -> None:
            pass

        def _step(self, bar: Any) -> tuple[float, ...]:
            return bar.close, 2 * bar.close

    class FakeBar:
        close = 3.0

    last = Last()
    for _ in range(2):
        assert all(np.isnan(v) for v in last.update(FakeBar()).values())  # warm-up, again after a reset
        assert last.update(FakeBar()) == {"close": 3.0, "twice": 6.0}
        last.reset()


def _stamps(calendar: SessionCalendar) -> np.ndarray:
    """Every minute of three weeks around a holiday and a clock change, the calendar's edges, and odd instants."""
    start = int(np.datetime64("2024-03-04T00:00", "ns").astype(np.int64))
    minutes = start + MINUTE * np.arange(21 * 1440)
    edges = np.concatenate([calendar.open[:3], calendar.close[:3], calendar.open[-3:], calendar.close[-3:]])
    edges = np.concatenate([edges - 1, edges, edges + 1, [0, -5, int(calendar.close[-1]) + 10 * MINUTE]])
    return np.concatenate([minutes, minutes + 1, edges])


def test_the_session_locator_answers_as_locate_in_order_backwards_and_at_random() -> None:
    calendar = cme_calendar()
    stamps = _stamps(calendar)
    rng = np.random.default_rng(4)
    for order in (np.sort(stamps), np.sort(stamps)[::-1], rng.permutation(stamps)):
        locator = SessionLocator(calendar)
        for ts in order.tolist():
            assert locator.locate(ts) == calendar.locate(ts), ts
