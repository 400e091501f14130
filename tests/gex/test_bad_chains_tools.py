"""``mia gex`` and the stored-snapshot path under bad input (issue 22): reasons, rates, timestamps, walls."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from adapters.bootstrap.cli import app
from adapters.options.archive import StoredSnapshots
from adapters.options.cboe import read_cboe
from adapters.options.chart import _markers
from adapters.options.store import SnapshotStore
from adapters.options.synthetic import synthetic_chain
from mia_core.errors import MiaError
from mia_core.gex.analysis import GexSettings, analyse
from mia_core.gex.chain import ChainArrays
from mia_core.gex.codec import snapshot_stem

from .chains import TS
from .test_point_in_time import MINUTE, bar, from_directory

FIXTURES = Path(__file__).parent / "fixtures"
runner = CliRunner()


def test_the_cli_says_why_rows_were_set_aside(tmp_path: Path) -> None:
    result = runner.invoke(app, ["gex", str(FIXTURES / "spx_quotedata.csv"), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "expired 2" in text and "crossed 1" in text and "rejected by the reader 1" in text


def test_rate_and_dividend_yield_are_options(tmp_path: Path) -> None:
    help_text = runner.invoke(app, ["gex", "--help"], terminal_width=200).output
    assert "--rate" in help_text and "--dividend-yield" in help_text
    args = ["gex", str(FIXTURES / "spx_quotedata.csv"), "--out", str(tmp_path)]
    default = runner.invoke(app, args)
    same = runner.invoke(app, [*args, "--rate", "0.045", "--dividend-yield", "0.013"])
    other = runner.invoke(app, [*args, "--rate", "0.10", "--dividend-yield", "0.0"])
    assert default.exit_code == same.exit_code == other.exit_code == 0, other.output
    assert default.output == same.output != other.output


def test_an_empty_chain_file_exits_2_with_the_reason(tmp_path: Path) -> None:
    lines = (FIXTURES / "spx_quotedata.csv").read_text().splitlines()[:4]
    empty = tmp_path / "empty.csv"
    empty.write_text("\n".join(lines) + "\n")
    result = runner.invoke(app, ["gex", str(empty), "--out", str(tmp_path)])
    assert result.exit_code == 2 and "no option rows after the header" in result.output


def test_a_snapshot_whose_inside_time_differs_from_its_name_is_rejected(tmp_path: Path) -> None:
    directory = tmp_path / "snaps"
    late = TS + 30 * MINUTE  # the chain inside is from 19:30 ...
    path = SnapshotStore(directory, write_csv=False).write(synthetic_chain(late, expiries=4, strikes_per_expiry=30))
    named = directory / f"{snapshot_stem('SPX', TS - MINUTE)}.json"  # ... the file is named 18:59
    path.rename(named)
    archive = StoredSnapshots(directory)
    found = archive.latest_before("SPX", TS)
    assert found == TS - MINUTE
    try:
        archive.load("SPX", found)
    except MiaError as exc:
        assert "taken at" in str(exc) and "its name says" in str(exc)
    else:
        raise AssertionError("a mismatched snapshot was loaded")
    analyzer = from_directory(directory)
    values = analyzer.on_event(bar(TS))  # the 19:00 bar: no levels from a 19:30 chain
    assert values is not None and values["error"] == 1.0 and "call_wall" not in values
    assert SnapshotStore(directory).index("SPX") and _raises(lambda: SnapshotStore(directory).latest_before("SPX", TS))


def _raises(call: object) -> bool:
    try:
        call()  # type: ignore[operator]
    except MiaError:
        return True
    return False


def test_walls_at_one_strike_are_both_marked_and_labelled() -> None:
    a = analyse(ChainArrays.from_snapshot(read_cboe(FIXTURES / "spx_quotedata.csv").snapshot), GexSettings())
    assert a.levels.call_wall == a.levels.put_wall == 6000.0
    labels = [label for label, level, _ in _markers(a) if level == 6000.0]
    assert labels == ["call wall = put wall"]
