"""`mia ablation`: the system without each technique, on the same bars (issue 14)."""

from __future__ import annotations

from pathlib import Path

import yaml
from typer.testing import CliRunner

from adapters.bootstrap.cli import app
from adapters.bootstrap.cli_shared import host_for, intraday_config
from adapters.bootstrap.config import read_yaml
from adapters.research.ablation import strategy_weights, variants

SEVEN = ["vwap_trend", "volume_imbalance", "price_action", "momentum_flow", "support_resistance",
         "market_structure", "session_analysis"]


def test_each_variant_leaves_one_technique_out_with_its_weight() -> None:
    data = read_yaml(intraday_config())
    weights = strategy_weights(data, host_for())
    found = variants(data, weights)
    names = [name for name, _ in found]
    assert names[0] == "all techniques" and names[-1] == "without every elite technique"
    assert "without order_book_imbalance" in names and "without tick_momentum" in names
    without_price_action = dict(found)["without price_action"]
    kept = [t if isinstance(t, str) else t.get("as") or t["use"] for t in without_price_action["techniques"]]
    assert "price_action" not in kept and len(kept) == len(data["techniques"]) - 1
    scaled = without_price_action["strategy"]["weights"]
    assert scaled["price_action"] == 0 and abs(sum(scaled.values()) - 1) < 1e-12
    assert abs(scaled["vwap_trend"] - 0.20 / 0.85) < 1e-12
    no_elite = dict(found)["without every elite technique"]
    assert no_elite["analyzers"] == [] and len(no_elite["techniques"]) == 7
    assert dict(found)["without tick_momentum"]["strategy"]["weights"] == data["strategy"]["weights"]


def test_the_command_prints_one_row_per_variant(tmp_path: Path) -> None:
    data = read_yaml(intraday_config())
    data["data_feed"] = {"use": "synthetic", "seed": 3, "bars": 1500}
    data["techniques"] = [*SEVEN, "tick_momentum"]
    data["techniques"][0] = {"use": "session_vwap", "as": "vwap_trend"}
    data["analyzers"] = []
    data["strategy"]["entry_grade"] = "buy"
    path = tmp_path / "small.yaml"
    path.write_text(yaml.safe_dump(data))
    result = CliRunner().invoke(app, ["ablation", str(path)])
    assert result.exit_code == 0, result.output
    rows = [line for line in result.output.splitlines() if line.startswith("| ")]
    assert rows[0].startswith("| variant | trades | trades/day")
    assert len(rows) == 1 + 1 + 8 + 1  # header, all, each of 8 techniques, without every elite technique
    assert any(row.startswith("| without momentum_flow |") for row in rows)
