"""The HTML report of the default backtest: what it says, its size, and that every chart draws in a real browser."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

from adapters.bootstrap.backtest import BacktestRun, backtest_plan
from adapters.bootstrap.cli_shared import default_config, host_for
from adapters.bootstrap.config import load_plan
from adapters.reporting import charts
from adapters.reporting.files import run_trades_frame
from adapters.reporting.html import mia_version, write_html

from .browser import dump_dom

MAX_BYTES = 2_000_000


@pytest.fixture(scope="module")
def default_run() -> BacktestRun:
    path = default_config()
    host = host_for(path)
    return backtest_plan(load_plan(path, host), host)


@pytest.fixture(scope="module")
def page(default_run: BacktestRun, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_html(default_run, tmp_path_factory.mktemp("report") / "report.html")


def test_the_default_report_is_small_and_fetches_nothing(page: Path) -> None:
    text = page.read_text()
    assert page.stat().st_size < MAX_BYTES
    assert not re.search(r"<(script|link|img)[^>]+(src|href)=", text), "the page loads something from elsewhere"
    assert "cdn." not in text and "plotly" not in text.lower()


def test_the_report_names_the_system_its_parameters_version_span_and_run_date(
    page: Path, default_run: BacktestRun
) -> None:
    text = page.read_text()
    title = re.search(r"<title>(.*)</title>", text)
    assert title is not None and title.group(1) == "battle_navale_daily: ES backtest"  # the daily system (issue 14)
    assert "site-packages" not in title.group(1)
    assert f"MIA {mia_version()}" in text
    assert "1999-01-04 to 2018-12-31" in text and "5,031 bars" in text
    assert re.search(r"run \d{4}-\d\d-\d\d \d\d:\d\d UTC", text)
    assert "use: battle_navale" in text and "stop_atr: 2.0" in text and "commission_per_contract: 2.25" in text
    for month in ("Jan", "Feb", "Dec", "Year"):
        assert f"<th>{month}</th>" in text
    assert "buy and hold" in text and "after the same commission and slippage" in text


def test_buy_and_hold_is_one_contract_from_the_first_open_after_costs(default_run: BacktestRun) -> None:
    hold = charts.buy_and_hold(default_run)
    series = default_run.series
    assert len(hold) == len(series)
    entry = series.open[0] + 0.25  # one tick of slippage
    expected_end = 100_000 + (series.close[-1] - 0.25 - entry) * 50 - 2 * 2.25
    assert hold[-1] == pytest.approx(expected_end)


def test_every_chart_draws_in_headless_chromium(page: Path, default_run: BacktestRun) -> None:
    dom, seconds = dump_dom(page)
    assert 'data-drawn="yes"' in dom, "the report's script did not finish"
    names = ("equity", "price", "pnl")
    sections = {name: dom.split(f'id="chart-{name}"', 1)[1].split("</svg>", 1)[0] for name in names}
    assert sections["equity"].count('class="line"') == 3  # buy and hold, equity, drawdown
    assert sections["price"].count('class="line"') == 1
    trades = len(default_run.result.round_trips)
    assert sections["price"].count('class="marker"') == 2 * trades
    assert sections["pnl"].count('class="bar ') >= 1
    body = dom.split('id="trade-list"', 1)[1].split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    assert body.count("<tr>") == trades
    assert seconds < 30


def test_a_long_intraday_series_is_decimated_keeping_its_extremes() -> None:
    import numpy as np

    y = np.sin(np.linspace(0, 300, 1_000_000))
    y[123_457] = 5.0
    keep = charts.decimate(y)
    assert len(keep) <= charts.MAX_POINTS + 2
    assert 123_457 in keep and keep[0] == 0 and keep[-1] == len(y) - 1


def test_the_trade_list_and_markers_use_fill_times(default_run: BacktestRun) -> None:
    trades = run_trades_frame(default_run)
    chart = charts.price_chart(default_run, trades)
    first_entry = chart["panels"][0]["markers"][0]
    assert first_entry[0] == trades["entry_time"].iloc[0].value // 1_000_000_000
    # Independently of the trade table: the first fill was stamped by the exchange with its bar's close; a market
    # entry fills at that bar's open, so its marker sits after the previous bar's close and before this one's.
    stamped = next(entry.ts for entry in default_run.result.journal if entry.kind == "fill")
    ts = default_run.series.ts
    bar = int(np.searchsorted(ts, stamped))
    assert ts[bar] == stamped and bar > 0
    assert ts[bar - 1] // 1_000_000_000 <= first_entry[0] < stamped // 1_000_000_000


_ZOOM = """<script>
(function () {
  var svg = document.querySelector("#chart-price svg"), box = svg.getBoundingClientRect();
  function at(kind, dx) {
    svg.dispatchEvent(new MouseEvent(kind, {clientX: box.left + dx, clientY: box.top + 100, bubbles: true}));
  }
  at("mousedown", 400); at("mousemove", 440); at("mouseup", 440);
})();
</script></body>"""


def test_thousands_of_trades_stay_readable_and_zoom_in(page: Path, tmp_path: Path) -> None:
    text = page.read_text()
    head, rest = text.split('id="mia-data">', 1)
    blob, tail = rest.split("</script>", 1)
    data = json.loads(blob)
    markers = data["price"]["panels"][0]["markers"]
    data["price"]["panels"][0]["markers"] = markers * (3_400 // len(markers) + 1)  # about 3,400 entries and exits
    crowded = head + 'id="mia-data">' + json.dumps(data).replace("</", "<\\/") + "</script>" + tail
    full_view = tmp_path / "crowded.html"
    full_view.write_text(crowded)
    dom, _ = dump_dom(full_view)
    price = dom.split('id="chart-price"', 1)[1].split("</svg>", 1)[0]
    assert 'class="hint"' in price and 'class="marker"' not in price
    zoomed = tmp_path / "zoomed.html"
    zoomed.write_text(crowded.replace("</body>", _ZOOM))
    dom, _ = dump_dom(zoomed)
    price = dom.split('id="chart-price"', 1)[1].split("</svg>", 1)[0]
    assert 'class="hint"' not in price and 0 < price.count('class="marker"') <= 1500
