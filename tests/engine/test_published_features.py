"""The features the engine publishes: read through each technique's checked outputs, as a flat dict would read."""

from __future__ import annotations

import re

import numpy as np
import pytest

from mia_core.engine.backtest import BacktestStopped, run_backtest
from mia_core.engine.core import TradingEngine
from mia_core.exchange import SimulatedExchange
from mia_core.instruments import ES
from mia_core.market import Bar
from mia_core.signals import Signal
from mia_core.synthetic import SyntheticConfig, generate_bars
from ports.context import StrategyContext

BARS = generate_bars(ES, SyntheticConfig(bars=5, seed=3))


class Reused:
    """Returns one dict it keeps, changed again after it was returned (as a careless plugin might)."""

    name = "reused"
    outputs: tuple[str, ...] = ("a", "b")
    warmup_bars = 1

    def __init__(self) -> None:
        self.out: dict[str, object] = {}

    def update(self, bar: Bar) -> dict[str, object]:
        self.out.clear()
        self.out.update(a=bar.close, b=1.0)
        return self.out

    def reset(self) -> None:
        self.out = {}


class Shuffled:
    """Its outputs in another order than declared, an int and a numpy float among them."""

    name = "shuffled"
    outputs = ("x", "y", "z")
    warmup_bars = 1

    def update(self, bar: Bar) -> dict[str, object]:
        return {"z": np.float64(bar.close), "y": 2, "x": 1.5}

    def reset(self) -> None:
        pass


class Watcher:
    """Keeps what it reads of the features on every bar."""

    name = "watcher"

    def __init__(self) -> None:
        self.seen: list[dict[str, float]] = []

    def on_bar(self, bar: Bar, context: StrategyContext) -> Signal | None:
        self.seen.append(dict(context.features))
        return None

    def reset(self) -> None:
        pass


def _engine(*techniques: object, names: tuple[str, ...] | None = None) -> tuple[TradingEngine, Watcher]:
    watcher = Watcher()
    return TradingEngine(ES, watcher, techniques=techniques, technique_names=names), watcher  # type: ignore[arg-type]


def test_nothing_is_published_before_the_first_bar_and_a_missing_name_says_what_is() -> None:
    engine, _ = _engine(Shuffled(), names=("s",))
    features = engine.features
    assert (len(features), list(features), "s.x" in features, features.get("s.x", -1.0)) == (0, [], False, -1.0)
    with pytest.raises(KeyError, match=re.escape("no feature 's.x' is published; published: nothing yet")):
        features["s.x"]
    engine.on_bar(BARS.bar(0))
    assert list(features) == ["s.x", "s.y", "s.z"]  # the declared order
    assert (len(features), "s.x" in features, "s.w" in features, features.get("s.w")) == (3, True, False, None)
    with pytest.raises(KeyError, match=re.escape("no feature 's.w' is published; published: s.x, s.y, s.z")):
        features["s.w"]


def test_outputs_in_another_order_ints_and_numpy_floats_are_published_as_returned() -> None:
    engine, watcher = _engine(Shuffled())
    run_backtest(BARS, engine, SimulatedExchange(ES))
    last = watcher.seen[-1]
    assert last == {"shuffled.x": 1.5, "shuffled.y": 2, "shuffled.z": BARS.close[-1]}
    assert type(last["shuffled.y"]) is int and isinstance(last["shuffled.z"], np.float64)


def test_items_values_and_keys_read_as_a_dict_of_the_same_outputs_would() -> None:
    engine, _ = _engine(Shuffled(), Reused(), names=("s", "r"))
    engine.on_bar(BARS.bar(1))
    flat = {"s.x": 1.5, "s.y": 2, "s.z": BARS.close[1], "r.a": BARS.close[1], "r.b": 1.0}
    features = engine.features
    assert list(features.items()) == list(flat.items())
    assert list(features.values()) == list(flat.values())
    assert list(features.keys()) == list(flat)
    assert features == flat and ("r.a", BARS.close[1]) in features.items() and 1.0 in features.values()


def test_a_dict_the_technique_changes_after_returning_it_does_not_change_what_was_published() -> None:
    technique = Reused()
    engine, _ = _engine(technique)
    engine.on_bar(BARS.bar(0))
    technique.out["a"] = "not a number"
    technique.out.pop("b")
    assert dict(engine.features) == {"reused.a": BARS.close[0], "reused.b": 1.0}


def test_a_value_that_is_not_a_number_is_refused_before_the_strategy_reads_it() -> None:
    class Late(Reused):
        def update(self, bar: Bar) -> dict[str, object]:
            out = super().update(bar)
            if bar.ts == BARS.ts[3]:
                out["b"] = "high"
            return out

    engine, watcher = _engine(Late())
    refused = r"technique 'reused': update at bar 3 .*: returned 'high' \(str\) for 'b'"
    with pytest.raises(BacktestStopped, match=refused):
        run_backtest(BARS, engine, SimulatedExchange(ES))
    assert len(watcher.seen) == 3 and all(seen["reused.b"] == 1.0 for seen in watcher.seen)


def test_two_techniques_answering_one_name_read_as_the_later_one() -> None:
    class Dotted(Reused):
        outputs = ("b.a",)

        def update(self, bar: Bar) -> dict[str, object]:
            return {"b.a": -1.0}

    engine, _ = _engine(Dotted(), Reused(), names=("a", "a.b"))
    engine.on_bar(BARS.bar(0))
    assert dict(engine.features) == {"a.b.a": BARS.close[0], "a.b.b": 1.0}
    assert len(engine.features) == 2
