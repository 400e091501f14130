"""dealers_bias composed from a system configuration and run over the bundled real daily history."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from adapters.bootstrap.backtest import load_series, run_system
from adapters.bootstrap.config import plan_system
from adapters.bootstrap.container import build_system
from adapters.bootstrap.plugins import discover
from adapters.options.store import SnapshotStore
from adapters.options.synthetic import synthetic_chain
from mia_plugins.dealers_bias.analyzer import DealersBiasAnalyzer

NY = ZoneInfo("America/New_York")


def test_a_backtest_with_the_analyzer_uses_the_last_snapshot_before_its_last_bar(tmp_path: Path) -> None:
    store = SnapshotStore(tmp_path / "snapshots")
    moments = [datetime(2018, 1, 16, 15, 45, tzinfo=NY), datetime(2018, 2, 14, 15, 45, tzinfo=NY)]
    for i, moment in enumerate(moments):
        store.write(synthetic_chain(moment, spot=2800.0 + i, expiries=8, strikes_per_expiry=60, seed=i))
    store.write(
        synthetic_chain(datetime(2018, 6, 1, 15, 45, tzinfo=NY), spot=2700.0, expiries=4, strikes_per_expiry=20)
    )
    data = {
        "data_feed": {"use": "bundled", "dataset": "sp500"},
        "strategy": {"use": "sma_cross", "fast": 5, "slow": 20},
        "analyzers": [{"use": "dealers_bias", "snapshot_dir": str(store.directory), "max_age_hours": 2000}],
        "backtest": {"start": "2018-01-01", "end": "2018-03-31"},
    }
    plan = plan_system(data, discover(), source="test")
    system = build_system(plan)
    try:
        (analyzer,) = system.analyzers
        assert isinstance(analyzer, DealersBiasAnalyzer) and analyzer.futures_multiplier == 50.0
        series = load_series(system, plan.settings.backtest.start, plan.settings.backtest.end)
        run = run_system(system, series)
    finally:
        system.close()
    assert len(run.series) > 50
    latest = analyzer.latest()
    assert latest["snapshot_ts"] == moments[1].timestamp()  # the June snapshot lies after the last bar
    assert latest["spot_index"] == 2801.0 and latest["error"] == 0.0
    assert -1.0 <= latest["score"] <= 1.0 and 0.0 <= latest["confidence"] <= 1.0
