"""A backtest's process does not import scipy.stats and friends until something uses them (~110 MB of peak RSS)."""

from __future__ import annotations

import subprocess
import sys

LOAD_EVERYTHING_A_BACKTEST_LOADS = """
import sys
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
