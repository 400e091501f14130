"""A technique returning ``Outputs``: read as a dict would be, published without a copy, still checked."""

from __future__ import annotations

import pickle
import re
from collections.abc import Mapping

import numpy as np
import pytest

from mia_core.calc.outputs import Outputs
from mia_core.engine.backtest import BacktestStopped, run_backtest
from mia_core.engine.core import TradingEngine
from mia_core.exchange import SimulatedExchange
from mia_core.instruments import ES
from mia_core.market import Bar
from mia_core.synthetic import SyntheticConfig, generate_bars

from .test_published_features import Watcher

BARS = generate_bars(ES, SyntheticConfig(bars=5, seed=3))


class Rows:
    """Returns ``Outputs`` of (close, 1.0), or what ``row`` builds at bar ``at``; keeps each one it returned."""

    name = "rows"
    outputs: tuple[str, ...] = ("a", "b")
    warmup_bars = 1

    def __init__(self, at: int = -1, row: object = None) -> None:
        self.at, self.row = at, row
        self.returned: list[Outputs] = []

    def update(self, bar: Bar) -> object:
        if bar.ts == BARS.ts[self.at] and self.row is not None:
            return self.row
        out = Outputs(self.outputs, (bar.close, 1.0))
        self.returned.append(out)
        return out

    def reset(self) -> None:
        self.returned = []


def _run(technique: Rows) -> tuple[TradingEngine, Watcher]:
    watcher = Watcher()
    engine = TradingEngine(ES, watcher, techniques=(technique,))  # type: ignore[arg-type]
    return engine, watcher


def test_outputs_read_as_the_dict_of_the_same_names_and_numbers() -> None:
    out = Outputs(("a", "b"), (1.0, 2.0))
    flat = {"a": 1.0, "b": 2.0}
    assert isinstance(out, Mapping) and out == flat and flat == out
    assert (list(out), list(out.items()), list(out.values()), len(out)) == (["a", "b"], [("a", 1.0), ("b", 2.0)],
                                                                            [1.0, 2.0], 2)
    assert (out["b"], out.get("c"), "a" in out, out != {"a": 1.0}) == (2.0, None, True, True)
    assert 1 not in out  # type: ignore[comparison-overlap]
    assert repr(out) == "Outputs({'a': 1.0, 'b': 2.0})" and pickle.loads(pickle.dumps(out)) == out
    odd = Outputs(("a", "b"), (2, "x"))  # type: ignore[arg-type]  # read as they are, refused by the engine
    assert (type(odd["a"]), odd["b"], dict(odd)) == (int, "x", {"a": 2, "b": "x"})
    with pytest.raises(KeyError):
        out["c"]
    with pytest.raises(ValueError, match=re.escape("1 numbers for the 2 names ('a', 'b')")):
        Outputs(("a", "b"), (1.0,))


def test_the_tuple_returned_is_published_as_it_is_and_nothing_done_to_the_outputs_after_changes_it() -> None:
    technique = Rows()
    engine, _ = _run(technique)
    engine.on_bar(BARS.bar(0))
    returned = technique.returned[-1]
    assert engine.features.latest[0] is returned.numbers  # no copy
    returned.numbers = (-1.0, -2.0)  # a careless plugin; the published tuple itself cannot change
    returned.names = ("b", "a")
    assert dict(engine.features) == {"rows.a": BARS.close[0], "rows.b": 1.0}


@pytest.mark.parametrize(("row", "found"), [
    (Outputs(("a", "b"), (1.0, "high")), r"returned 'high' \(str\) for 'b'"),  # type: ignore[arg-type]
    (Outputs(("a", "c"), (1.0, 2.0)), r"returned keys \('a', 'c'\) \(missing 'b'; undeclared 'c'\)"),
    (Outputs(("a",), (1.0,)), r"returned keys \('a',\) \(missing 'b'\)"),
])
def test_outputs_that_are_not_the_declared_floats_are_refused_naming_the_technique_and_the_bar(
    row: Outputs, found: str
) -> None:
    engine, watcher = _run(Rows(3, row))
    with pytest.raises(BacktestStopped, match=r"technique 'rows': update at bar 3 .*: " + found):
        run_backtest(BARS, engine, SimulatedExchange(ES))
    assert len(watcher.seen) == 3 and all(seen["rows.b"] == 1.0 for seen in watcher.seen)


def test_numbers_that_are_not_floats_or_names_in_another_order_are_published_as_a_mapping_would_be() -> None:
    engine, watcher = _run(Rows(3, Outputs(("b", "a"), (2, np.float64(1.5)))))
    run_backtest(BARS, engine, SimulatedExchange(ES))
    assert watcher.seen[3] == {"rows.a": 1.5, "rows.b": 2} and type(watcher.seen[3]["rows.b"]) is int


def test_numbers_swapped_for_a_list_are_published_as_a_copy() -> None:
    row = Outputs(("a", "b"), (1.0, 2.0))
    try:
        row.numbers = [1.0, 2.0]  # type: ignore[assignment]
    except TypeError:  # the compiled build's Outputs takes nothing but a tuple
        assert type(row.numbers) is tuple
        return
    engine, _ = _run(Rows(0, row))
    engine.on_bar(BARS.bar(0))
    assert type(engine.features.latest[0]) is tuple and dict(engine.features) == {"rows.a": 1.0, "rows.b": 2.0}
