"""`mia walkforward` writes the results page with the command that reproduces it."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from adapters.bootstrap.cli import app


def test_walkforward_writes_a_rerunnable_page(tmp_path: Path) -> None:
    out = tmp_path / "results.md"
    args = ["walkforward", "--out", str(out), "--datasets", "nasdaq", "--first-year", "2010", "--last-year", "2013",
            "--train-years", "2", "--seeds", "2"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    page = out.read_text()
    expected = (f"`mia walkforward --out {out} --datasets nasdaq --train-years 2 --seeds 2 --first-year 2010 "
                f"--last-year 2013`")
    assert expected in page
    assert "75–80%" in page and "## nasdaq (NQ), out of sample" in page
    assert "| 2012 |" in page and "| 2013 |" in page and "| 2011 |" not in page


def test_walkforward_names_a_bad_dataset(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["walkforward", "--out", str(tmp_path / "r.md"), "--datasets", "ftse"])
    assert result.exit_code == 2
    assert "ftse" in result.output
