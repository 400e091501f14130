"""Point in time: the analyzer only ever uses the latest stored snapshot taken strictly before each bar."""

from __future__ import annotations

import math
from pathlib import Path

import attrs
import pytest

from adapters.bootstrap.plugins import discover
from adapters.bootstrap.standalone import StandaloneBuildContext
from adapters.options.store import SnapshotStore, read_snapshot
from adapters.options.synthetic import synthetic_chain
from mia_core.engine.core import TradingEngine
from mia_core.instruments import ES
from mia_core.market import Bar
from mia_core.signals import Signal
from mia_plugins.battle_navale.inputs import feature_scores
from mia_plugins.dealers_bias.analyzer import DealersBiasAnalyzer, DealersBiasConfig
from ports.components import ComponentKind
from ports.context import StrategyContext

from .chains import TS

MINUTE = 60 * 1_000_000_000


class Recorder:
    """A strategy that only writes down what dealer's bias said at each bar."""

    name = "recorder"

    def __init__(self) -> None:
        self.seen: list[dict[str, float]] = []

    def on_bar(self, bar: Bar, context: StrategyContext) -> Signal | None:
        self.seen.append(dict(context.analyses.get("dealers_bias", {})))
        return None

    def reset(self) -> None:
        self.seen.clear()


def from_directory(directory: Path, **settings: object) -> DealersBiasAnalyzer:
    """Built as a YAML system builds it: the registered factory, the snapshot archive from the BuildContext."""
    spec, _ = discover().component(ComponentKind.ANALYZER, "dealers_bias")
    analyzer = spec.factory(DealersBiasConfig(snapshot_dir=str(directory), **settings), StandaloneBuildContext())
    assert isinstance(analyzer, DealersBiasAnalyzer) and analyzer.futures_multiplier == 50.0
    return analyzer


def bar(ts: int, price: float = 5010.0) -> Bar:
    return Bar(ES, ts, price, price + 1, price - 1, price, 100.0)


def _store(tmp_path: Path) -> tuple[Path, list[int]]:
    directory = tmp_path / "snapshots"
    store = SnapshotStore(directory)
    times = [TS, TS + 5 * MINUTE, TS + 10 * MINUTE]
    for i, ts in enumerate(times):  # a distinct spot per snapshot tells them apart
        store.write(synthetic_chain(ts, spot=5000.0 + 10 * i, expiries=6, strikes_per_expiry=40, seed=i))
    return directory, times


def test_store_round_trip_keeps_every_field(tmp_path: Path) -> None:
    snap = synthetic_chain(TS, expiries=3, strikes_per_expiry=10)
    path = SnapshotStore(tmp_path).write(snap)
    assert read_snapshot(path) == snap
    assert path.with_suffix(".csv").is_file()
    store = SnapshotStore(tmp_path)
    assert store.latest_before("SPX", TS) is None
    assert store.latest_before("SPX", TS + 1) == snap


def test_a_backtest_sees_only_snapshots_taken_before_each_bar(tmp_path: Path) -> None:
    directory, times = _store(tmp_path)
    analyzer = from_directory(directory)
    recorder = Recorder()
    engine = TradingEngine(ES, recorder, analyzers=[analyzer])
    bar_times = [TS - MINUTE, TS, TS + MINUTE, TS + 5 * MINUTE, TS + 6 * MINUTE, TS + 10 * MINUTE, TS + 11 * MINUTE]
    for ts in bar_times:
        engine.handle(bar(ts))
    used = [s.get("snapshot_ts") for s in recorder.seen]
    seconds = [t / 1e9 for t in times]
    # before/at the first snapshot: nothing; a snapshot stamped at the bar's own instant is not used yet
    assert used[:2] == [None, None]
    assert used[2:] == [seconds[0], seconds[0], seconds[1], seconds[1], seconds[2]]
    spots = [s["spot_index"] for s in recorder.seen[2:]]
    assert spots == [5000.0, 5000.0, 5010.0, 5010.0, 5020.0]
    for values, ts in zip(recorder.seen[2:], bar_times[2:], strict=True):
        assert values["snapshot_ts"] * 1e9 < ts
        assert values["snapshot_age_seconds"] > 0


def test_a_snapshot_written_later_is_picked_up_without_restarting(tmp_path: Path) -> None:
    directory = tmp_path / "live"
    analyzer = from_directory(directory)
    assert analyzer.on_event(bar(TS + MINUTE)) is None
    SnapshotStore(directory).write(synthetic_chain(TS + 2 * MINUTE, expiries=4, strikes_per_expiry=30))
    assert analyzer.on_event(bar(TS + 2 * MINUTE)) is None  # same instant: not before the bar
    values = analyzer.on_event(bar(TS + 3 * MINUTE))
    assert values is not None and values["snapshot_ts"] == (TS + 2 * MINUTE) / 1e9


def test_levels_are_in_futures_prices_with_fixed_and_live_basis(tmp_path: Path) -> None:
    snap = synthetic_chain(TS, spot=5000.0, expiries=6, strikes_per_expiry=60)
    fixed = DealersBiasAnalyzer(DealersBiasConfig(basis=12.5), futures_multiplier=50.0)
    values = fixed.on_event(snap)
    assert values is not None
    for name in ("zero_gamma", "call_wall", "put_wall"):
        index = values[name + "_index"]
        assert (math.isnan(index) and math.isnan(values[name])) or values[name] == pytest.approx(index + 12.5)
    assert values["spot"] == 5012.5 and values["live_basis"] == 0.0
    live = DealersBiasAnalyzer(DealersBiasConfig(basis=0.0, live_basis=True), futures_multiplier=50.0)
    live.on_event(bar(TS - MINUTE, price=5031.0))  # the futures close known at the snapshot
    values = live.on_event(snap)
    assert values is not None and values["basis"] == pytest.approx(31.0) and values["live_basis"] == 1.0
    stale = DealersBiasAnalyzer(DealersBiasConfig(basis=2.0, live_basis=True), futures_multiplier=50.0)
    stale.on_event(bar(TS - 60 * MINUTE, price=5031.0))  # an hour old: the fixed basis is used
    values = stale.on_event(snap)
    assert values is not None and values["basis"] == 2.0 and values["live_basis"] == 0.0


def test_battle_navale_reads_score_and_confidence(tmp_path: Path) -> None:
    snap = synthetic_chain(TS, expiries=6, strikes_per_expiry=60)
    analyzer = DealersBiasAnalyzer(DealersBiasConfig(), futures_multiplier=50.0)
    values = analyzer.on_event(snap)
    assert values is not None and -1.0 <= values["score"] <= 1.0 and 0.0 <= values["confidence"] <= 1.0
    assert values["confidence"] > 0.5
    scores, absent = feature_scores({}, {"dealers_bias": values}, "dealers_bias")
    assert not absent and scores["dealers_bias"] == pytest.approx((values["score"] + 1) / 2)


def test_stale_or_broken_snapshots_give_no_confidence(tmp_path: Path) -> None:
    snap = synthetic_chain(TS, expiries=4, strikes_per_expiry=30)
    analyzer = DealersBiasAnalyzer(DealersBiasConfig(max_age_hours=1.0), futures_multiplier=50.0)
    analyzer.on_event(snap)
    late = analyzer.on_event(bar(TS + 61 * MINUTE))
    assert late is not None and late["confidence"] == 0.0 and late["score"] == 0.0
    directory = tmp_path / "broken"
    directory.mkdir()
    (directory / "SPX_20250106T185000_000000000Z.json").write_text("{not json")
    broken = from_directory(directory)
    values = broken.on_event(bar(TS))
    assert values == {"score": 0.0, "confidence": 0.0, "error": 1.0}
    empty = attrs.evolve(snap, quotes=())
    assert DealersBiasAnalyzer(DealersBiasConfig(), futures_multiplier=50.0).on_event(empty) == {
        "score": 0.0, "confidence": 0.0, "error": 1.0,
    }  # fmt: skip
    # an analyzer in error has no value: Battle Navale counts it neutral AND flags it absent
    scores, absent = feature_scores({}, {"dealers_bias": values}, "dealers_bias")
    assert absent and scores["dealers_bias"] == 0.5


def test_other_underlyings_and_events_are_ignored() -> None:
    analyzer = DealersBiasAnalyzer(DealersBiasConfig(underlying="NDX"), futures_multiplier=20.0)
    assert analyzer.on_event(synthetic_chain(TS, expiries=2, strikes_per_expiry=10)) is None
    assert analyzer.latest() == {}


def test_references_become_medians_of_earlier_sessions() -> None:
    from mia_plugins.dealers_bias.references import SessionReferences

    refs = SessionReferences(pcr_sessions=3, vol_sessions=3, min_sessions=2)
    day = 86_400 * 1_000_000_000
    refs.record(TS, 1.0, 10.0)
    assert refs.pcr(TS + day) is None  # one session is not enough
    refs.record(TS + day, 3.0, 30.0)
    refs.record(TS + day + MINUTE, 2.0, 20.0)  # the same session: the last snapshot wins
    assert refs.pcr(TS + day) is None  # the snapshot's own session does not count
    assert refs.pcr(TS + 2 * day) == 1.5 and refs.vol(TS + 2 * day) == 15.0
    for i in range(2, 6):
        refs.record(TS + i * day, 10.0 * i, 10.0 * i)
    assert refs.pcr(TS + 9 * day) == 40.0  # median of the last three sessions: 30, 40, 50


def test_the_analyzer_switches_to_history_references(tmp_path: Path) -> None:
    day = 86_400 * 1_000_000_000
    analyzer = DealersBiasAnalyzer(
        DealersBiasConfig(min_history_sessions=2, pcr_reference=9.0), futures_multiplier=50.0
    )
    seen = [
        analyzer.on_event(synthetic_chain(TS + i * day, expiries=4, strikes_per_expiry=30, seed=i)) for i in range(3)
    ]
    assert seen[0] is not None and seen[0]["pcr_reference"] == 9.0 and seen[0]["pcr_reference_from_history"] == 0.0
    last = seen[2]
    assert last is not None and last["pcr_reference_from_history"] == 1.0
    assert last["pcr_reference"] == pytest.approx((seen[0]["pcr_oi"] + seen[1]["pcr_oi"]) / 2)
    expected = -math.tanh(math.log(last["pcr_oi"] / last["pcr_reference"]) / math.log(2))
    assert last["s_pcr"] == pytest.approx(expected)
