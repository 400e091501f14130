"""The news calendar file: the format docs/risk.md shows parses to the windows it promises; bad rows name their line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from adapters.risk.news import CalendarError, blackout_policy, read_calendar
from mia_core.risk.windows import NewsBlackoutConfig
from mia_core.signals import RiskVerdict

from .helpers import Context, chicago, entry

RISK_MD = Path(__file__).resolve().parents[2] / "docs" / "risk.md"


def documented_calendar() -> str:
    """The one ```csv block of docs/risk.md."""
    (block,) = re.findall(r"^```csv\n(.*?)^```", RISK_MD.read_text(), flags=re.S | re.M)
    return block


def test_the_documented_example_parses_to_the_documented_windows(tmp_path: Path) -> None:
    path = tmp_path / "news.csv"
    path.write_text(documented_calendar())
    config = NewsBlackoutConfig(path=str(path))
    payrolls, cpi, fomc = read_calendar(path, config)
    # 08:30 New York (EST) = 07:30 Chicago; 10 minutes before, 15 after
    assert payrolls.title == "Nonfarm payrolls"
    assert payrolls.at_ns == chicago("2024-01-05 07:30")
    assert (payrolls.start_ns, payrolls.end_ns) == (chicago("2024-01-05 07:20"), chicago("2024-01-05 07:45"))
    assert (cpi.start_ns, cpi.end_ns) == (chicago("2024-01-11 07:25"), chicago("2024-01-11 07:35"))  # defaults 5/5
    assert fomc.end_ns == chicago("2024-01-31 13:30")
    policy = blackout_policy(config)
    assert policy.evaluate(entry(), Context(now_ns=chicago("2024-01-05 07:44"))).verdict is RiskVerdict.REJECT
    assert policy.evaluate(entry(), Context(now_ns=chicago("2024-01-05 07:45"))).verdict is RiskVerdict.ALLOW
    assert policy.evaluate(entry(), Context(now_ns=chicago("2024-01-05 07:19"))).verdict is RiskVerdict.ALLOW


def test_times_with_an_offset_are_taken_as_written(tmp_path: Path) -> None:
    path = tmp_path / "news.csv"
    path.write_text("time,title\n2024-07-03T12:30:00+00:00,Jobs\n")
    (event,) = read_calendar(path, NewsBlackoutConfig(path=str(path)))
    assert event.at_ns == chicago("2024-07-03 07:30")  # CDT = UTC-5


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("when,title\n2024-01-05 08:30,x\n", "line 1: columns must be"),
        ("time,title\n2024-01-05 08:30,x\nyesterday,y\n", "line 3: time 'yesterday' is not ISO 8601"),
        ("# comment\ntime,title,minutes_before\n2024-01-05 08:30,x,-3\n", "line 3: minutes_before"),
        ("time,title\n2024-01-05 08:30,\n", "line 2: 'title' is empty"),
        ("# only a comment\n", "empty news calendar"),
    ],
)
def test_bad_files_name_the_file_and_line(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "news.csv"
    path.write_text(text)
    with pytest.raises(CalendarError, match=message) as caught:
        read_calendar(path, NewsBlackoutConfig(path=str(path)))
    assert str(path) in str(caught.value)


def test_a_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(CalendarError, match="cannot read the news calendar"):
        read_calendar(tmp_path / "nope.csv", NewsBlackoutConfig(path="nope.csv"))
