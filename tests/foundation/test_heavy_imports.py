"""A backtest's process does not import scipy.stats and friends until something uses them (~110 MB of peak RSS)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

LOAD_EVERYTHING_A_BACKTEST_LOADS = """
import sys
from pathlib import Path
import adapters.bootstrap.cli
from adapters.bootstrap.backtest import run_system
from adapters.bootstrap.plugins import discover
discover()
print(sorted(name for name in sys.modules if name.split(".")[0] == "scipy")[:5])
"""


def test_the_cli_and_every_plugin_module_load_without_scipy() -> None:
    done = subprocess.run([sys.executable, "-c", LOAD_EVERYTHING_A_BACKTEST_LOADS], capture_output=True, text=True,
                          timeout=300, check=True)
    assert done.stdout.strip() == "[]", f"imported at start: {done.stdout.strip()} (import it where it is used)"


def test_the_statistics_still_work_once_used() -> None:
    from mia_core.gex.pricing import norm_cdf
    from mia_core.metrics.overfitting import sharpe_probability

    assert float(norm_cdf(0.0)) == 0.5
    assert 0.0 < sharpe_probability(1.0, 0.0, 250, 0.0, 3.0) <= 1.0


BACKTEST_OF_A_PARQUET_FILE = """
import sys
from pathlib import Path
import adapters.bootstrap.cli  # a `mia` process, and each `mia bench` child spawned from it, imports the CLI first
from adapters.bench.engine import bench_system
from adapters.bootstrap.backtest import load_series, run_system
from adapters.bootstrap.config import plan_system
from adapters.bootstrap.container import build_system
from adapters.bootstrap.plugins import discover
for vectorised in (False, True):
    system = build_system(plan_system(bench_system(sys.argv[1], vectorised), discover(), source="test"))
    run = run_system(system, load_series(system, None, None))
    assert len(run.result.round_trips) > 0
heavy = {"pandas", "httpx", "ib_async", "xgboost", "sklearn", "plotly", "pandas_market_calendars", "scipy"}
print(sorted(heavy & {name.split(".")[0] for name in sys.modules}))
"""


def test_a_backtest_of_a_parquet_file_runs_without_pandas_or_the_plugins_clients(tmp_path: Path) -> None:
    # pandas (~48 MB), httpx and ib_async (~14 MB each), the ML and calendar libraries: each `mia bench` child
    # paid for them before it read a bar (issue 23); they are imported where they are used (reports, IB, ...)
    from adapters.bench.engine import write_bench_data

    path = write_bench_data(tmp_path, 3_000)
    done = subprocess.run([sys.executable, "-c", BACKTEST_OF_A_PARQUET_FILE, str(path)], capture_output=True,
                          text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "[]", f"imported by the backtest: {done.stdout.strip()} (import it where it is used)"
