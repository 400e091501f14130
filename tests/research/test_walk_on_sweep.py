"""``mia walkforward --grid`` on the sweep runner: each choice from its train fold only, the test folds chained."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from typer.testing import CliRunner

from adapters.bootstrap.cli import app
from adapters.bootstrap.plugins import PluginHost
from adapters.research.sweep.search import load_spec, run_sweep
from adapters.research.sweep.space import SweepError
from adapters.research.sweep.tasks import Window
from adapters.research.sweep.walk import walk_forward, year_folds

GRID = "strategy.stop_atr: [1.0, 3.0]\nstrategy.entry_grade: [buy]\n"


def test_folds_are_whole_years_rolled_by_the_test_length() -> None:
    folds = year_folds([2014, 2015, 2016, 2017, 2018], 2, 1)
    assert [(t.label, s.label) for t, s in folds] == [
        ("2014-01-01..2015-12-31", "2016-01-01..2016-12-31"),
        ("2015-01-01..2016-12-31", "2017-01-01..2017-12-31"),
        ("2016-01-01..2017-12-31", "2018-01-01..2018-12-31")]
    assert year_folds([2017, 2018], 2, 1) == []
    with pytest.raises(SweepError, match="each at least 1"):
        year_folds([2017], 0, 1)


def test_each_choice_is_the_train_folds_best_and_the_test_folds_are_chained(system: Path, host: PluginHost,
                                                                           one_worker: object,
                                                                           tmp_path: Path) -> None:
    grid = tmp_path / "grid.yaml"
    grid.write_text(GRID)
    spec = load_spec(system, grid, host)
    result = walk_forward(spec, host, one_worker, tmp_path / "walk", train_years=1, test_years=1, min_trades=1,
                          first_year=2016, last_year=2018)
    assert [(f.train.label, f.test.label) for f in result.folds] == [
        ("2016-01-01..2016-12-31", "2017-01-01..2017-12-31"), ("2017-01-01..2017-12-31", "2018-01-01..2018-12-31")]
    # the same points swept on each train window alone, in another directory (nothing shared but the code)
    trains = [f.train for f in result.folds]
    swept = run_sweep(load_spec(system, grid, host, windows=[f"{w.start}:{w.end}" for w in trains]), host,
                      one_worker, tmp_path / "check").rows
    for fold in result.folds:
        mine = swept[swept["window"] == fold.train.label]
        best = mine[mine["trades"] >= 1].sort_values("sharpe", ascending=False, kind="stable").iloc[0]
        assert fold.chosen == {"strategy.stop_atr": best["param:strategy.stop_atr"], "strategy.entry_grade": "buy"}
        assert fold.train_score == pytest.approx(best["sharpe"])
        assert fold.row["window"] == fold.test.label
    chain = result.out_of_sample["sp500"]
    assert chain["day"].min() >= "2017-01-01" and chain["day"].max() <= "2018-12-31"
    assert chain["day"].is_monotonic_increasing and chain["day"].is_unique
    assert Window(dt.date(2017, 1, 1), dt.date(2017, 12, 31)) == result.folds[0].test


def test_the_command_prints_the_folds_and_the_out_of_sample_chain(system: Path, tmp_path: Path) -> None:
    grid = tmp_path / "grid.yaml"
    grid.write_text(GRID)
    out = tmp_path / "walk"
    result = CliRunner().invoke(app, ["walkforward", str(system), "--grid", str(grid), "--out", str(out),
                                      "--train-years", "1", "--first-year", "2017", "--last-year", "2018",
                                      "--workers", "1", "--min-train-trades", "1"])
    assert result.exit_code == 0, result.output
    assert "sp500 out of sample (2018-01-01..2018-12-31, 1 test folds chained, after commission and slippage)" in \
        result.output
    assert (out / "folds.parquet").is_file()
