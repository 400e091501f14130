"""``mia check lookahead CONFIG``: every technique of a YAML-composed system, third-party plugins included."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from adapters.bootstrap.cli import app, default_config
from adapters.check.lookahead import check_system

BUILT_INS = ("vwap_trend", "volume_imbalance", "price_action", "momentum_flow", "support_resistance",
             "market_structure", "session_analysis")
THIRD_PARTY = '''
"""A third-party plugin with one honest and one peeking technique."""
import numpy as np
from mia_core.series import BarSeries
from ports.components import ComponentKind, ComponentSpec
import attrs
from ports.hookspecs import hookimpl


@attrs.frozen
class NoSettings:
    pass


class BarRange:
    name = "bar_range"
    outputs = ("range",)
    warmup_bars = 1

    def update(self, bar):
        return {"range": bar.high - bar.low}

    def reset(self):
        pass


class TomorrowsClose:
    name = "tomorrows_close"
    outputs = ("close",)
    warmup_bars = 1

    def update(self, bar):
        return {"close": bar.close}

    def reset(self):
        pass

    def compute(self, bars: BarSeries):
        return {"close": np.append(bars.close[1:], bars.close[-1])}


@hookimpl
def mia_register_techniques():
    return [
        ComponentSpec(kind=ComponentKind.TECHNIQUE, name="bar_range", factory=lambda c, ctx: BarRange(),
                      config_class=NoSettings, summary="high - low"),
        ComponentSpec(kind=ComponentKind.TECHNIQUE, name="tomorrows_close", factory=lambda c, ctx: TomorrowsClose(),
                      config_class=NoSettings, summary="peeks"),
    ]
'''


def system(tmp_path: Path, techniques: list[str], strategy: str = "sma_cross") -> Path:
    path = tmp_path / "system.yaml"
    path.write_text(textwrap.dedent(f"""\
        mode: backtest
        instrument: ES
        data_feed: {{use: bundled, dataset: sp500}}
        broker: simulated
        techniques: [{", ".join(techniques)}]
        strategy: {strategy}
        """))
    return path


@pytest.mark.parametrize("strategy", ["sma_cross", "random_entry", "battle_navale"])
def test_every_built_in_feature_and_strategy_passes(tmp_path: Path, strategy: str) -> None:
    config = system(tmp_path, list(BUILT_INS), strategy)
    checked = check_system(config, 1500, None, None)
    assert not checked.failed, "\n".join(item.report.describe() for item in checked.components)
    assert [item.use for item in checked.components] == [*BUILT_INS, strategy]
    result = CliRunner().invoke(app, ["check", "lookahead", str(config), "--bars", "1500"])
    assert result.exit_code == 0, result.output
    assert "no look-ahead in 8 component(s)" in result.output


def test_the_shipped_default_system_passes_on_all_its_bars() -> None:
    checked = check_system(default_config(), None, None, None)
    assert not checked.failed, "\n".join(item.report.describe() for item in checked.components)
    # the daily system since issue 14: six features, three elite techniques, the strategy
    assert len(checked.series) == 5031 and len(checked.components) == 10
    result = CliRunner().invoke(app, ["check", "lookahead"])
    assert result.exit_code == 0, result.output


def test_an_analyzer_is_checked_with_its_forms(tmp_path: Path) -> None:
    path = system(tmp_path, ["vwap_trend"])
    path.write_text(path.read_text() + "analyzers: [order_book_imbalance]\n")
    checked = check_system(path, 1500, None, None)
    analyzer = checked.components[0]
    assert (analyzer.section, analyzer.use) == ("analyzer", "order_book_imbalance")
    assert analyzer.report.passed and analyzer.report.forms == ("incremental", "vectorised")


def test_an_unknown_technique_is_a_config_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["check", "lookahead", str(system(tmp_path, ["no_such_feature"]))])
    assert result.exit_code == 2
    assert "no_such_feature" in result.output


def test_a_third_party_peeking_technique_fails_with_its_first_offending_bar(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "peeky_plugin.py").write_text(THIRD_PARTY)
    info = site / "peeky-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: peeky\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text("[mia]\npeeky = peeky_plugin\n")
    config = system(tmp_path, ["vwap_trend", "bar_range", "tomorrows_close"])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(site), os.environ.get("PYTHONPATH", "")]),
           "COLUMNS": "250"}
    done = subprocess.run([sys.executable, "-c", "from adapters.bootstrap.cli import main; main()", "check",
                           "lookahead", str(config), "--bars", "800"], env=env, capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 1, done.stdout + done.stderr
    rows = {line.split("│")[1].strip(): line for line in done.stdout.splitlines() if line.count("│") > 5}
    assert "pass" in rows["vwap_trend"] and "pass" in rows["bar_range"]
    assert "peeky (peeky)" in rows["tomorrows_close"] and "FAIL" in rows["tomorrows_close"]
    assert "forms: vectorised close at bar 0 (1999-01-04T21:00:00Z)" in rows["tomorrows_close"]
    assert "look-ahead found in: tomorrows_close" in done.stdout
