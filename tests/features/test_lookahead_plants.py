"""Leaks planted in a third-party plugin, installed through an entry point, are each caught at their first bar."""

from __future__ import annotations

import importlib
import shutil
import textwrap
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from adapters.bootstrap.cli import app
from adapters.check import cli as check_cli
from adapters.check.lookahead import SystemCheck, check_system
from adapters.replay.bundled import bundled_series
from mia_core.instruments import ES
from mia_core.lookahead import iso

PLUGIN = Path(__file__).parent / "third_party" / "leaky_plugin.py"
SP500 = bundled_series("sp500", ES)
# the first bar before a gap of more than 1% between a close and the next open (15 such bars in 5,031)
FIRST_GAP = int(np.flatnonzero(np.abs(SP500.open[1:] / SP500.close[:-1] - 1) > 0.01)[0])
FIRST_MOVE = int(np.flatnonzero(np.diff(SP500.close))[0])


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The plugin installed once as distribution ``leaky``: its module and a dist-info on ``sys.path``."""
    root = tmp_path_factory.mktemp("site")
    shutil.copy(PLUGIN, root / "leaky_plugin.py")
    info = root / "leaky-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: leaky\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text("[mia]\nleaky = leaky_plugin\n")
    with pytest.MonkeyPatch.context() as patch:
        patch.syspath_prepend(str(root))
        importlib.invalidate_caches()
        yield root


def system(directory: Path, techniques: list[str], strategy: str) -> Path:
    path = directory / f"{strategy}.yaml"
    path.write_text(textwrap.dedent(f"""\
        mode: backtest
        instrument: ES
        data_feed: {{use: bundled, dataset: sp500}}
        broker: simulated
        techniques: [{", ".join(techniques)}]
        strategy: {strategy}
        """))
    return path


LEAKY_TECHNIQUES = ["clean_range", "next_close", "gap_peek", "update_peek", "no_array_peek", "shared_memory_peek"]


@pytest.fixture(scope="module")
def planted(site: Path) -> SystemCheck:
    return check_system(system(site, LEAKY_TECHNIQUES, "directions_peek"), None, None, None)


def test_the_plugin_is_found_through_its_entry_point(planted: SystemCheck) -> None:
    providers = {item.use: item.provider for item in planted.components}
    assert providers["next_close"] == "leaky (leaky)" and providers["directions_peek"] == "leaky (leaky)"
    assert len(planted.series) == len(SP500)


@pytest.mark.parametrize(("component", "check", "form", "bar"), [
    ("next_close", "forms", "vectorised", 0),  # the next bar's close
    ("gap_peek", "forms", "vectorised", FIRST_GAP),  # a leak on 15 bars of 5,031 only
    ("update_peek", "rerun", "incremental", 0),  # the bar form reads what the array form was handed
    ("no_array_peek", "rerun", "incremental", 0),  # no array form; reads what the plugin's other forms were handed
    ("shared_memory_peek", "shared memory", "vectorised", 0),  # reads past the cut through shared memory
    ("directions_peek", "cut", "fast", FIRST_MOVE),  # the strategy's target_directions peeks
])
def test_each_planted_leak_is_caught_with_its_component_and_first_bar(
    planted: SystemCheck, component: str, check: str, form: str, bar: int
) -> None:
    report = next(item.report for item in planted.components if item.use == component)
    assert not report.passed
    found = report.finding(check)
    assert found is not None, report.describe()
    assert (found.form, found.bar, found.ts) == (form, bar, int(SP500.ts[bar]))
    assert report.first == found


def test_a_few_bars_leak_is_caught_with_both_values(planted: SystemCheck) -> None:
    found = next(item.report for item in planted.components if item.use == "gap_peek").finding("forms")
    assert found is not None
    assert found.expected == SP500.close[FIRST_GAP] and found.got == SP500.open[FIRST_GAP + 1]
    assert "gap_peek" not in [item.use for item in planted.components if item.report.passed]


def test_the_values_named_are_the_point_in_time_one_and_the_leaking_one(planted: SystemCheck) -> None:
    reports = {item.use: item.report for item in planted.components}
    found = reports["next_close"].finding("forms")
    assert found is not None and (found.expected, found.got) == (SP500.close[0], SP500.close[1])
    fast = reports["directions_peek"].finding("cut")
    assert fast is not None and (fast.expected, fast.got) == (0.0, np.sign(SP500.close[1] - SP500.close[0]))


def test_the_clean_control_passes_beside_the_leaks(planted: SystemCheck) -> None:
    report = next(item.report for item in planted.components if item.use == "clean_range")
    assert report.passed, report.describe()
    assert planted.failed == ("next_close", "gap_peek", "update_peek", "no_array_peek", "shared_memory_peek",
                              "directions_peek")


def test_a_strategy_peeking_in_on_bar_is_caught(site: Path) -> None:
    checked = check_system(system(site, ["clean_range"], "bar_peek"), None, None, None)
    assert checked.failed == ("bar_peek",)
    found = checked.components[-1].report.finding("rerun")
    assert found is not None and (found.form, found.output, found.bar) == ("bar", "direction", FIRST_MOVE)


def test_a_strategy_whose_fast_path_leaks_on_a_few_bars_only_is_caught_by_cutting_at_every_bar(site: Path) -> None:
    checked = check_system(system(site, ["clean_range"], "gap_directions"), None, None, None)
    assert checked.failed == ("gap_directions",)
    report = checked.components[-1].report
    found = report.finding("cut")
    assert found is not None and (found.form, found.bar) == ("fast", FIRST_GAP)
    scopes = {(c.check, c.form): c.scope for c in report.coverage}
    assert scopes["cut", "fast"] == f"every bar: cut right after each of {len(SP500) - 1:,} bars"


@pytest.fixture
def wide(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(check_cli.console, "width", 400)


def _rows(output: str) -> dict[str, str]:
    return {line.split("│")[1].strip(): line for line in output.splitlines() if line.count("│") > 5}


def test_the_command_fails_and_names_each_leak(site: Path, wide: None) -> None:
    config = system(site, LEAKY_TECHNIQUES, "directions_peek")
    result = CliRunner().invoke(app, ["check", "lookahead", str(config)])
    assert result.exit_code == 1, result.output
    rows = _rows(result.output)
    assert "pass" in rows["clean_range"]
    assert "forms: vectorised value at bar 0 (1999-01-04T21:00:00Z)" in rows["next_close"]
    assert f"vectorised value at bar {FIRST_GAP} ({iso(int(SP500.ts[FIRST_GAP]))})" in rows["gap_peek"]
    assert "look-ahead found in: next_close, gap_peek, update_peek" in result.output


def test_the_clean_control_system_passes_and_a_backtest_with_the_check_reports(site: Path, wide: None,
                                                                               tmp_path: Path) -> None:
    config = system(site, ["clean_range"], "clean_momentum")
    result = CliRunner().invoke(app, ["check", "lookahead", str(config)])
    assert result.exit_code == 0, result.output
    assert "ok: no look-ahead in 2 component(s)" in result.output
    done = CliRunner().invoke(app, ["backtest", str(config), "--check-lookahead", "--report", str(tmp_path)])
    assert done.exit_code == 0, done.output
    assert "no look-ahead in 2 component(s)" in done.output and (tmp_path / "trades.csv").exists()


def test_a_backtest_with_the_check_refuses_to_report_a_leaking_system(site: Path, wide: None, tmp_path: Path) -> None:
    config = system(site, ["clean_range"], "bar_peek")
    result = CliRunner().invoke(app, ["backtest", str(config), "--check-lookahead", "--report", str(tmp_path)])
    assert result.exit_code == 1, result.output
    assert "look-ahead found in: bar_peek" in result.output
    assert not (tmp_path / "trades.csv").exists()
