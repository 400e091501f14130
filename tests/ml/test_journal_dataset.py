"""A session's journal gives the same dataset as the backtest that recorded it (paper and live sessions alike)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import yaml

from adapters.bootstrap.backtest import load_series, run_system
from adapters.bootstrap.config import plan_system
from adapters.bootstrap.container import build_system
from adapters.bootstrap.plugins import discover
from adapters.journal.jsonl import JsonLinesJournal
from adapters.ml.dataset import from_backtest, from_journal, with_recording
from mia_core.errors import MiaError

EXAMPLE = Path(__file__).parents[2] / "docs" / "examples" / "ml_intraday.yaml"


@pytest.mark.slow
def test_rows_from_a_jsonl_journal_match_the_recorded_backtest(tmp_path: Path) -> None:
    data = yaml.safe_load(EXAMPLE.read_text())
    data["data_feed"]["bars"] = 2000
    host = discover()
    recorded, _ = from_backtest(data, host)
    system = build_system(plan_system(with_recording(data), host, source="test"))
    try:
        run = run_system(system, load_series(system, None, None))
    finally:
        system.close()
    journal = JsonLinesJournal(tmp_path / "journal.jsonl")
    for entry in run.result.journal:
        if entry.kind == "signal":
            journal.record(entry)
    again = from_journal(data, host, journal.entries("signal"))
    assert len(again.y) == len(recorded.y) > 20
    assert again.names == recorded.names
    assert np.array_equal(again.y, recorded.y) and np.allclose(again.x, recorded.x)
    with pytest.raises(MiaError, match="no journaled signal carries the ml_filter's decision row"):
        from_journal(data, host, [])
