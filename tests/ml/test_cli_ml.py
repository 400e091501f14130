"""`mia ml train / evaluate / drift` on a small synthetic intraday system; `mia backtest` then uses the model."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from adapters.bootstrap.cli import app
from adapters.ml.registry import ModelRegistry

from .helpers import needs_ml

EXAMPLE = Path(__file__).parents[2] / "docs" / "examples" / "ml_intraday.yaml"


@pytest.mark.slow
def test_train_evaluate_backtest_and_drift(tmp_path: Path) -> None:
    needs_ml()
    data = yaml.safe_load(EXAMPLE.read_text())
    data["data_feed"]["bars"] = 4500
    (ml,) = data["signal_filters"]
    ml.update(model_dir=str(tmp_path / "models"), model="tiny", threshold=0.5,
              training={"min_samples": 60, "folds": 3, "embargo_hours": 4, "rf_trees": 10, "xgb_trees": 10})
    data.pop("journal", None)
    system = tmp_path / "system.yaml"
    system.write_text(yaml.safe_dump(data))
    runner = CliRunner()

    trained = runner.invoke(app, ["ml", "train", str(system), "--min-samples", "100"])
    assert trained.exit_code == 0, trained.output
    assert "candidate signals labelled" in trained.output and "no deployed model: deployed" in trained.output
    for figure in ("accuracy", "precision", "Brier", "ECE"):
        assert figure in trained.output
    registry = ModelRegistry(tmp_path / "models")
    meta = registry.metadata("tiny")
    assert meta["instrument"] == "ES" and meta["bar_seconds"] == 300 and meta["validation"]["samples"] > 0

    evaluated = runner.invoke(app, ["ml", "evaluate", str(system), "--out", str(tmp_path / "report"),
                                    "--markdown", str(tmp_path / "page.md"), "--random-runs", "2"])
    assert evaluated.exit_code == 0, evaluated.output
    assert (tmp_path / "report" / "reliability.svg").read_text().lstrip().startswith("<?xml")
    page = (tmp_path / "page.md").read_text()
    assert "always take (baseline)" in page and "random at the same take-rate" in page and "| all |" in page
    assert "The filter" in page and "Feature importance" in page

    backtest = runner.invoke(app, ["backtest", str(system)])
    assert backtest.exit_code == 0, backtest.output

    drift = runner.invoke(app, ["ml", "drift", str(system)])
    assert drift.exit_code in (0, 1), drift.output
    assert "PSI" in drift.output
