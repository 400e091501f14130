"""Overlays: support/resistance and dealer's-bias levels written for the MIA Levels Sierra Chart study."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from adapters.bootstrap.cli import app
from adapters.options.store import SnapshotStore
from adapters.options.synthetic import synthetic_chain
from adapters.sierra.files.levels import HEADER, Level, write_levels
from adapters.sierra.files.writer import scid_header, synthetic_ticks, write_file

from .helpers import T0, make_old

runner = CliRunner()
DOCS = Path(__file__).resolve().parents[2] / "docs"


def _ticks(tmp_path: Path) -> Path:
    return make_old(write_file(tmp_path / "ESH27.scid", scid_header(), synthetic_ticks(60_000, T0, price=5000.0)))


def test_support_and_resistance_of_the_last_bar_are_written_on_the_tick_grid(tmp_path: Path) -> None:
    out = tmp_path / "levels.csv"
    result = runner.invoke(app, ["data", "levels", str(_ticks(tmp_path)), "--out", str(out), "--lookback", "10"])
    assert result.exit_code == 0, result.output
    frame = pd.read_csv(out)
    assert tuple(frame.columns) == HEADER
    rows = frame.set_index("label")
    support, resistance = rows.loc["support", "price"], rows.loc["resistance", "price"]
    assert support < resistance and support % 0.25 == 0 and resistance % 0.25 == 0
    assert set(rows["kind"]) == {"support", "resistance"} and set(rows["source"]) == {"support_resistance"}


def test_dealers_bias_levels_and_score_come_from_the_stored_snapshots(tmp_path: Path) -> None:
    store = SnapshotStore(tmp_path / "snaps", write_csv=False)
    store.write(synthetic_chain(T0 - 600 * 10**9, spot=5000.0, expiries=6, strikes_per_expiry=60))
    out = tmp_path / "levels.csv"
    args = ["data", "levels", str(_ticks(tmp_path)), "--out", str(out), "--snapshots", str(tmp_path / "snaps"),
            "--basis", "20"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    frame = pd.read_csv(out)
    gamma = frame[frame["kind"] == "gamma"]
    assert "zero_gamma" in set(gamma["label"]) and (gamma["source"] == "dealers_bias").all()
    assert (gamma["price"] % 0.25 == 0).all()
    score = frame[frame["label"] == "bias_score"]
    assert len(score) == 1 and pd.isna(score["price"].iloc[0]) and -1 <= score["value"].iloc[0] <= 1


def test_the_file_is_crlf_csv_the_study_parses_and_the_study_reads_those_columns(tmp_path: Path) -> None:
    path = write_levels(tmp_path / "l.csv", [Level("support", 4999.75, "support", "support_resistance"),
                                             Level("bias_score", None, "score", "dealers_bias", 0.25)], T0)
    assert path.read_bytes().split(b"\r\n")[:3] == [
        b"label,price,kind,ts_utc,source,value", b"support,4999.75,support,2025-12-01T14:30:00Z,support_resistance,",
        b"bias_score,,score,2025-12-01T14:30:00Z,dealers_bias,0.2500"]
    study = (DOCS / "sierra" / "MIA_Levels.cpp").read_text()
    assert '"sierrachart.h"' in study and "SCDLLName" in study
    for kind in ("support", "resistance", "gamma", "score"):
        assert f'"{kind}"' in study
