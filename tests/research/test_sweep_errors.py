"""Bad sweep input: each a clear error naming the key, value or address, before any run."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from adapters.bootstrap.cli import app
from adapters.bootstrap.plugins import PluginHost
from adapters.research.sweep.engine import dask_client
from adapters.research.sweep.search import load_spec, run_sweep
from adapters.research.sweep.space import SweepError, check_points, grid_points, parse_space


def _check(system: Path, host: PluginHost, grid: dict[str, object]) -> None:
    params = parse_space(grid, "grid.yaml")
    check_points(yaml.safe_load(system.read_text()), host, params, grid_points(params))


def test_a_key_that_names_no_setting_is_named_with_the_settings_that_exist(system: Path, host: PluginHost) -> None:
    with pytest.raises(SweepError, match=r"strategy\.stop_atrx: unknown key; allowed: .*stop_atr"):
        _check(system, host, {"strategy.stop_atrx": [1.0]})
    with pytest.raises(SweepError, match=r"techniques\[nope\].*entries: vwap_trend"):
        _check(system, host, {"techniques[nope].window": [3]})


@pytest.mark.parametrize(("grid", "message"), [
    ({"strategy.stop_atr": ["big"]}, r"strategy\.stop_atr: got 'big' \(str\); expected a number"),
    ({"strategy.stop_atr": [2.0, -1.0]}, r"strategy\.stop_atr: got -1\.0; allowed range \(0, 100\]"),
    ({"techniques[vwap_trend].window": {"low": 1, "high": 10, "step": 3}},
     r"window: got 1; allowed range \[2, 100000\]"),
])
def test_a_value_outside_a_settings_type_or_range_fails_before_any_run(system: Path, host: PluginHost,
                                                                       grid: dict[str, object], message: str) -> None:
    with pytest.raises(SweepError, match=message):
        _check(system, host, grid)


@pytest.mark.parametrize(("grid", "message"), [
    ({}, "declares no parameter"),
    ({"windows": [{"start": "2018-01-01"}]}, "declares no parameter"),
    ({"strategy.stop_atr": []}, "empty list of values"),
    ({"strategy.stop_atr": {"low": 3, "high": 1, "step": 1}}, "low <= high"),
])
def test_an_empty_grid_is_an_error(grid: dict[str, object], message: str) -> None:
    with pytest.raises(SweepError, match=message):
        parse_space(grid, "grid.yaml")


def test_a_range_without_step_needs_a_sampling_search(system: Path, host: PluginHost, tmp_path: Path) -> None:
    grid = tmp_path / "grid.yaml"
    grid.write_text("strategy.stop_atr: {low: 1.0, high: 3.0}\n")
    spec = load_spec(system, grid, host)
    with pytest.raises(SweepError, match="a grid search needs 'step'"):
        run_sweep(spec, host, object(), tmp_path / "out")


def test_an_unreachable_scheduler_fails_within_the_timeout() -> None:
    started = time.monotonic()
    with pytest.raises(SweepError, match=r"scheduler tcp://127\.0\.0\.1:9: not reachable within 1 s"), \
            dask_client("tcp://127.0.0.1:9", None, connect_timeout=1.0):
        pass
    assert time.monotonic() - started < 15


def test_the_command_exits_2_with_the_error(system: Path, tmp_path: Path) -> None:
    grid = tmp_path / "grid.yaml"
    grid.write_text("strategy.no_such_setting: [1]\n")
    result = CliRunner().invoke(app, ["sweep", str(system), "--grid", str(grid), "--out", str(tmp_path / "o"),
                                      "--scheduler", "tcp://127.0.0.1:9", "--connect-timeout", "1"])
    assert result.exit_code == 2
    assert "no_such_setting" in result.output or "not reachable" in result.output


def test_the_grid_file_of_docs_research_md_is_valid(repo_root: Path, system: Path, host: PluginHost) -> None:
    text = (repo_root / "docs" / "research.md").read_text()
    block = text.split("<!-- not-a-system -->\n\n```yaml\n", 1)[1].split("```", 1)[0]
    raw = yaml.safe_load(block)
    params = parse_space(raw, "docs/research.md")
    assert [p.key for p in params][:2] == ["strategy.stop_atr", "techniques[vwap_trend].window"]
    point = {p.key: p.grid()[0] if p.key != "strategy.reward_risk" else 2.0 for p in params}
    check_points(yaml.safe_load(system.read_text()), host, [], [point])
