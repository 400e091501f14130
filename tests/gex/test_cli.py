"""``mia gex``, ``mia gex-collect`` and ``mia bench gex`` through the real CLI."""

from __future__ import annotations

import csv
from pathlib import Path

from typer.testing import CliRunner

from adapters.bootstrap.cli import app
from adapters.options.store import SnapshotStore

FIXTURES = Path(__file__).parent / "fixtures"
runner = CliRunner()


def test_gex_prints_levels_and_writes_chart_html_and_sierra_levels(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(app, ["gex", str(FIXTURES / "spx_quotedata.csv"), "--out", str(out), "--basis", "25"])
    assert result.exit_code == 0, result.output
    assert "call wall" in result.output and "zero gamma" in result.output and "rejected" in result.output
    png = out / "spx_quotedata_gex.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 10_000
    html = (out / "spx_quotedata_gex.html").read_text()
    assert "plotly" in html.lower() and "call wall" in html
    with (out / "spx_quotedata_sierra_levels.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    by_label = {r["label"]: r for r in rows}
    assert rows[0]["label"] == "spot"
    assert float(by_label["spot"]["price"]) == round((5975.3799 + 25) * 4) / 4  # on ES's 0.25 grid
    for row in rows:
        assert abs(float(row["price"]) - (float(row["index_level"]) + 25)) <= 0.125 + 1e-9
    assert {"call_wall", "put_wall"} <= set(by_label)
    assert "Line 1 Value:" in (out / "spx_quotedata_sierra_levels.txt").read_text()


def test_gex_explains_a_bad_file(tmp_path: Path) -> None:
    bad = tmp_path / "nothing.csv"
    bad.write_text("hello\n")
    result = runner.invoke(app, ["gex", str(bad), "--out", str(tmp_path)])
    assert result.exit_code == 2 and "not an options chain" in " ".join(result.output.split())
    assert "not an options chain" in " ".join(result.stderr.split()) and "error" not in result.stdout  # to stderr
    result = runner.invoke(app, ["gex", str(tmp_path / "missing.csv")])
    assert result.exit_code == 2 and "no such file" in result.stderr


def test_gex_collect_stores_snapshots_the_analyzer_can_read(tmp_path: Path) -> None:
    store = tmp_path / "store"
    result = runner.invoke(app, ["gex-collect", str(store), "--interval", "0.01", "--count", "2"])
    assert result.exit_code == 0, result.output
    entries = SnapshotStore(store).index("SPX")
    assert len(entries) == 2 and "2 snapshots stored" in result.output
    shown = runner.invoke(app, ["gex", str(entries[-1][1]), "--out", str(tmp_path / "o")])
    assert shown.exit_code == 0, shown.output


def test_bench_gex_runs_on_a_small_chain() -> None:
    result = runner.invoke(app, ["bench", "gex", "--options", "800", "--runs", "2"])
    assert result.exit_code == 0, result.output
    assert "full analysis" in result.output and "800 options" in result.output


def test_gex_on_an_ndx_chain_uses_nq(tmp_path: Path) -> None:
    result = runner.invoke(app, ["gex", str(FIXTURES / "ndx_quotedata_es.csv"), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "NQ contracts per 1%" in result.output
    with (tmp_path / "ndx_quotedata_es_sierra_levels.csv").open() as handle:
        assert next(csv.DictReader(handle))["underlying"] == "NDX"


def test_gex_prints_the_score_the_registered_analyzer_publishes(tmp_path: Path) -> None:
    from adapters.options.dealers_bias import bias_values
    from adapters.options.files import read_any
    from mia_core.instruments import ES

    snapshot = read_any(FIXTURES / "spx_quotedata.csv").snapshot
    values = bias_values(snapshot, ES, {"sign_convention": "inferred", "window_days": 30.0})
    assert values["error"] == 0.0
    result = runner.invoke(
        app, ["gex", str(FIXTURES / "spx_quotedata.csv"), "--out", str(tmp_path), "--sign", "inferred",
              "--window-days", "30"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert f"{values['score']:+.3f} / {values['confidence']:.2f}" in result.output
    assert f"{values['raw_score']:+.3f}" in result.output


def test_gex_without_the_dealers_bias_plugin_still_prints_the_levels(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["gex", str(FIXTURES / "spx_quotedata.csv"), "--out", str(tmp_path)],
        env={"MIA_DISABLE_PLUGINS": "dealers_bias", "COLUMNS": "200"},
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "no score:" in result.output and "'dealers_bias' analyzer" in result.output
    assert "call wall" in result.output and "zero gamma" in result.output
    assert "- / -" in result.output  # score and confidence
