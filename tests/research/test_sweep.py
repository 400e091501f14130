"""``mia sweep`` on local Dask clusters: same rows for 1 and 2 workers, seeded searches, resume from the cache."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandas.testing as pdt
import pytest
from typer.testing import CliRunner

from adapters.bootstrap.cli import app
from adapters.bootstrap.plugins import PluginHost
from adapters.research.sweep.search import load_spec, run_sweep


def _sweep(system: Path, grid: Path, host: PluginHost, client: object, out: Path, **kw: object) -> pd.DataFrame:
    spec = load_spec(system, grid, host)
    return run_sweep(spec, host, client, out, **kw).rows  # type: ignore[arg-type]


def test_grid_rows_are_the_same_for_one_and_two_workers(system: Path, grid: Path, host: PluginHost,
                                                        one_worker: object, two_workers: object,
                                                        tmp_path: Path) -> None:
    one = _sweep(system, grid, host, one_worker, tmp_path / "one")
    two = _sweep(system, grid, host, two_workers, tmp_path / "two")
    assert len(one) == 6 and one["key"].is_unique
    assert list(one["run"]) == list(range(6))
    assert set(one.columns) >= {"param:strategy.stop_atr", "param:techniques[vwap_trend].window", "sharpe",
                                "net_pnl", "trades", "seed", "data_sha256", "code_version"}
    assert one["trades"].gt(0).all()
    pdt.assert_frame_equal(one, two)
    on_disk = pd.read_parquet(tmp_path / "two" / "runs.parquet")
    pdt.assert_frame_equal(on_disk, two)


@pytest.mark.parametrize("search", ["random", "optuna"])
def test_seeded_searches_do_not_depend_on_the_worker_count(search: str, system: Path, grid: Path,
                                                           host: PluginHost, one_worker: object,
                                                           two_workers: object, tmp_path: Path) -> None:
    kw = {"search": search, "trials": 5, "seed": 7, "batch": 2}
    one = _sweep(system, grid, host, one_worker, tmp_path / "one", **kw)
    two = _sweep(system, grid, host, two_workers, tmp_path / "two", **kw)
    assert len(one) == 5
    pdt.assert_frame_equal(one, two)
    other_seed = _sweep(system, grid, host, two_workers, tmp_path / "other", **(kw | {"seed": 8}))
    params = [c for c in one.columns if c.startswith("param:")]
    assert not one[params].equals(other_seed[params])


def test_an_interrupted_sweep_resumes_without_running_done_runs_again(system: Path, grid: Path, host: PluginHost,
                                                                      one_worker: object, tmp_path: Path) -> None:
    spec = load_spec(system, grid, host)
    seen: list[object] = []

    def interrupt(row: dict[str, object]) -> None:
        seen.append(row["key"])
        if len(seen) == 2:
            raise KeyboardInterrupt

    out = tmp_path / "out"
    with pytest.raises(KeyboardInterrupt):
        run_sweep(spec, host, one_worker, out, on_row=interrupt)
    assert len(list((out / "parts").glob("part-*.parquet"))) == 1  # the two rows were written on the way out
    again = run_sweep(spec, host, one_worker, out)
    assert (again.executed, again.cached) == (4, 2)
    assert len(again.rows) == 6 and again.rows["key"].is_unique
    third = run_sweep(spec, host, one_worker, out)
    assert (third.executed, third.cached) == (0, 6)
    pdt.assert_frame_equal(third.rows, again.rows)
    fresh = run_sweep(spec, host, one_worker, tmp_path / "fresh").rows
    pdt.assert_frame_equal(fresh, again.rows)


def test_the_command_writes_parquet_a_table_and_an_offline_html_page(system: Path, grid: Path,
                                                                     tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["sweep", str(system), "--grid", str(grid), "--out", str(out),
                                      "--workers", "1"])
    assert result.exit_code == 0, result.output
    assert "6 runs executed, 0 from the cache" in result.output
    assert "techniques[vwap_trend].window" in result.output
    page = (out / "sweep.html").read_text()
    assert "Parcoords" in page or "parcoords" in page
    assert "heatmap" in page
    assert "<script src=" not in page and len(page) > 1_000_000  # plotly.js inlined: opens offline
    assert len(pd.read_parquet(out / "runs.parquet")) == 6
    daily = pd.read_parquet(out / "daily.parquet")
    assert list(daily.columns) == ["run", "dataset", "window", "day", "daily_return"]
    assert set(daily["run"]) == set(range(6)) and daily.groupby("run").size().nunique() == 1  # same days per run
    assert daily["day"].min() >= "2018-01-01" and daily["day"].max() <= "2018-12-31"
    assert "deflated Sharpe ratio of the best point" in result.output
    assert "probability of backtest overfitting (CSCV, S = 16 blocks, 12870 splits" in result.output
    assert "<section id='overfitting'>" in page and "deflated Sharpe ratio" in page
