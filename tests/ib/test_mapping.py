"""Pure parts of the IB adapter: error table, order mapping, status mapping, bars, front-month choice."""

from __future__ import annotations

import datetime as dt

import pytest
from ib_async import Contract, ContractDetails
from ib_async import OrderStatus as IbStatus

from adapters.ib.bars import BarAggregator
from adapters.ib.config import IbBrokerConfig, IbFeedConfig
from adapters.ib.contracts import index, pick_front
from adapters.ib.errors import CODES, Severity, describe, explain_connect_failure, severity
from adapters.ib.orders import STATUS_MAP, bracket_orders, domain_status, order_ref, parse_ref
from mia_core.exchange import STOP_LOSS, TAKE_PROFIT
from mia_core.instruments import ES
from mia_core.market import Aggressor, Trade
from mia_core.orders import Bracket, OrderIntent, OrderSide, OrderStatus, OrderType
from mia_core.rolls import RollMethod, RollRule

NS = 1_000_000_000


@pytest.mark.parametrize("code", [2104, 2106, 2158, 354, 162, 10197, 326, 1100, 1101, 1102, 502, 504])
def test_every_code_the_issue_names_has_a_meaning_and_an_action(code: int) -> None:
    text = describe(code, "IB's own words")
    assert text.startswith(f"IB {code}: ") and "What to do:" in text and "IB's own words" in text
    assert len(CODES[code].action) > 10


def test_farm_status_codes_are_information_and_1100_is_a_connection_event() -> None:
    assert {severity(c) for c in (2104, 2106, 2158)} == {Severity.INFO}
    assert severity(1100) is Severity.CONNECTION
    assert severity(2199) is Severity.WARNING  # IB's warning band, not in the table
    assert severity(99999) is Severity.ERROR
    assert "tws-api-error-codes" in describe(99999)


def test_connect_failures_are_explained_for_a_person() -> None:
    refused = explain_connect_failure(ConnectionRefusedError(111, "refused"), "127.0.0.1", 4002, 7)
    assert "not running" in refused and "4002" in refused and "7497" in refused
    timeout = explain_connect_failure(TimeoutError(), "127.0.0.1", 4002, 7)
    assert "ActiveX and Socket Clients" in timeout and "client id 7" in timeout


def test_every_ib_status_maps_to_a_domain_status() -> None:
    ib_states = {s for s in vars(IbStatus) if s[0].isupper() and isinstance(getattr(IbStatus, s), str)}
    assert ib_states <= set(STATUS_MAP)
    assert domain_status("Submitted", 0, 3) is OrderStatus.WORKING
    assert domain_status("Submitted", 1, 3) is OrderStatus.PARTIALLY_FILLED
    assert domain_status("PreSubmitted", 0, 1) is OrderStatus.WORKING
    assert domain_status("Filled", 3, 3) is OrderStatus.FILLED
    assert domain_status("Inactive", 0, 1) is OrderStatus.REJECTED
    assert domain_status("ApiCancelled", 0, 1) is OrderStatus.CANCELLED
    assert domain_status("PendingSubmit", 0, 1) is OrderStatus.PENDING


def test_order_refs_round_trip_and_ignore_foreign_orders() -> None:
    assert parse_ref(order_ref("abc-1")) == ("abc-1", "")
    assert parse_ref(order_ref("abc-1", "sl")) == ("abc-1", "sl")
    assert parse_ref(order_ref("x:y", "tp")) == ("x:y", "tp")
    assert parse_ref("someone else's") is None


def test_a_bracket_is_parent_target_stop_and_only_the_last_transmits() -> None:
    intent = OrderIntent(
        ES, OrderSide.BUY, 2, OrderType.LIMIT, limit_price=5000.0, bracket=Bracket(stop_loss=4990.0, take_profit=5020.0)
    )
    ids = iter(range(10, 20))
    legs = bracket_orders(intent, "r7", lambda: next(ids), account="DU1")
    roles = [role for role, _, _ in legs]
    assert roles == ["", "tp", "sl"]
    parent, target, stop = (order for _, _, order in legs)
    assert (parent.orderType, parent.action, parent.totalQuantity, parent.lmtPrice) == ("LMT", "BUY", 2, 5000.0)
    assert (target.orderType, target.action, target.lmtPrice, target.parentId) == ("LMT", "SELL", 5020.0, 10)
    assert (stop.orderType, stop.action, stop.auxPrice, stop.parentId) == ("STP", "SELL", 4990.0, 10)
    assert [o.transmit for o in (parent, target, stop)] == [False, False, True]
    assert [o.orderRef for o in (parent, target, stop)] == ["mia:r7", "mia:r7:tp", "mia:r7:sl"]
    assert {o.account for o in (parent, target, stop)} == {"DU1"}
    assert [leg.reason for _, leg, _ in legs[1:]] == [TAKE_PROFIT, STOP_LOSS]


def test_plain_orders_transmit_and_carry_their_type_and_tif() -> None:
    (only,) = bracket_orders(
        OrderIntent(ES, OrderSide.SELL, 1, OrderType.STOP_LIMIT, limit_price=4999.0, stop_price=5000.0), "r1", lambda: 5
    )
    order = only[2]
    assert (order.orderType, order.lmtPrice, order.auxPrice, order.tif, order.transmit) == (
        "STP LMT",
        4999.0,
        5000.0,
        "DAY",
        True,
    )


def test_bars_from_trades_are_stamped_at_close_with_flow() -> None:
    agg = BarAggregator(ES, 60)
    t0 = 1_700_000_040 * NS  # a minute boundary (1_700_000_040 is divisible by 60)
    out = []
    for offset, price, size, side in [
        (0, 5000.0, 2, Aggressor.BUYER),
        (30, 5001.0, 1, Aggressor.SELLER),
        (59, 4999.0, 3, Aggressor.BUYER),
        (60, 5002.0, 1, Aggressor.BUYER),
    ]:
        out += agg.add_trade(Trade(ES, t0 + offset * NS, price, size, side))
    (bar,) = out
    assert (bar.ts, bar.open, bar.high, bar.low, bar.close, bar.volume) == (
        t0 + 60 * NS,
        5000.0,
        5001.0,
        4999.0,
        4999.0,
        6,
    )
    assert (bar.ask_volume, bar.bid_volume, bar.trade_count) == (5, 1, 3)
    assert agg.close_until(t0 + 119 * NS) == []
    (second,) = agg.close_until(t0 + 120 * NS)
    assert second.close == 5002.0 and second.ts == t0 + 120 * NS


def test_five_second_bars_make_a_minute_bar_when_the_minute_ends() -> None:
    agg = BarAggregator(ES, 60)
    t0 = 1_700_000_040 * NS
    out = []
    for i in range(12):
        price = 5000.0 + 0.25 * i
        out += agg.add_bar(t0 + 5 * i * NS, price, price + 0.5, price - 0.25, price, 10)
    (bar,) = out
    assert (bar.ts, bar.open, bar.high, bar.low, bar.close, bar.volume) == (
        t0 + 60 * NS,
        5000.0,
        5003.25,
        4999.75,
        5002.75,
        120,
    )
    assert bar.bid_volume is None


def test_an_impossible_bar_is_dropped_not_passed_on() -> None:
    agg = BarAggregator(ES, 5)
    assert agg.add_bar(0, 5000.1, 5000.1, 5000.1, 5000.1, 1) == []  # off the tick grid


def _details(symbol: str, local: str, last: str) -> ContractDetails:
    contract = Contract(
        secType="FUT",
        symbol=symbol,
        localSymbol=local,
        lastTradeDateOrContractMonth=last,
        exchange="CME",
        conId=hash(local) % 10**6,
    )
    return ContractDetails(contract=contract, contractMonth=last[:6], realExpirationDate=last)


def test_front_month_comes_from_contract_details_by_the_roll_rule() -> None:
    listed = [
        _details("ES", "ESH6", "20260320"),
        _details("ES", "ESZ5", "20251219"),
        _details("ES", "ESM6", "20260618"),
    ]
    assert pick_front(listed, dt.date(2025, 12, 10), RollRule()).localSymbol == "ESZ5"
    assert pick_front(listed, dt.date(2025, 12, 11), RollRule()).localSymbol == "ESH6"
    assert pick_front(listed, dt.date(2025, 12, 22), RollRule()).localSymbol == "ESH6"


def test_indexes_and_settings() -> None:
    assert (index("vix").symbol, index("VIX").exchange, index("NDX").exchange) == ("VIX", "CBOE", "NASDAQ")
    with pytest.raises(ValueError, match="known indexes"):
        index("DAX")
    assert IbBrokerConfig(port=7497, client_id=3).key == "ib:127.0.0.1:7497:3"
    with pytest.raises(ValueError, match=r"got 0; allowed range \[1, 65535\]; TWS 7497"):
        IbBrokerConfig(port=0)
    with pytest.raises(ValueError, match="multiple of 5"):
        IbFeedConfig(bar_seconds=7)


def test_the_account_id_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MIA_IB_ACCOUNT", "DU7654321")
    assert IbBrokerConfig().account == "DU7654321"
    assert "DU7654321" not in repr(IbBrokerConfig())


def test_option_series_are_the_nearest_expiries_around_spot() -> None:
    from ib_async import OptionChain

    from adapters.ib.options import choose_series

    chains = [
        OptionChain("SMART", 416904, "SPX", "100", ["20251219", "20260116"], [5800.0, 5900.0, 6000.0, 6500.0]),
        OptionChain("SMART", 416904, "SPXW", "100", ["20251125", "20251126", "20251121"], [5950.0, 6000.0, 6400.0]),
        OptionChain("CBOE2", 416904, "SPXW", "100", ["20251124"], [6000.0]),
    ]
    picked = choose_series(chains, ("SPX", "SPXW"), dt.date(2025, 11, 24), 6000.0, 2, 0.02)
    # 20251121 expired; CBOE2 is not a routing exchange MIA reads; 2% of 6000 keeps 5880..6120
    assert picked == [
        ("SPXW", "20251125", 5950.0),
        ("SPXW", "20251125", 6000.0),
        ("SPXW", "20251126", 5950.0),
        ("SPXW", "20251126", 6000.0),
    ]


def test_continuous_history_fetches_each_month_around_its_time_as_the_front() -> None:
    from adapters.ib.continuous import fetch_windows
    from mia_core.rolls import FuturesContract

    z5 = FuturesContract("ESZ5", dt.date(2025, 12, 19))
    h6 = FuturesContract("ESH6", dt.date(2026, 3, 20))
    m6 = FuturesContract("ESM6", dt.date(2026, 6, 18))
    months = [(m, Contract(localSymbol=m.key)) for m in (m6, z5, h6)]
    utc = lambda *a: dt.datetime(*a, tzinfo=dt.UTC)  # noqa: E731
    windows = fetch_windows(months, RollRule(), utc(2025, 12, 1), utc(2026, 1, 15))
    # Z5 rolls on Dec 11 (fetched through Dec 12); H6 from Dec 8 (3 days of overlap for the back-adjustment gap)
    assert [(m.key, lo, hi) for m, _, lo, hi in windows] == [
        ("ESZ5", utc(2025, 12, 1), utc(2025, 12, 12)),
        ("ESH6", utc(2025, 12, 8), utc(2026, 1, 15)),
    ]


def test_a_window_ending_on_the_roll_day_fetches_the_month_that_is_front_that_day() -> None:
    from adapters.ib.continuous import fetch_windows
    from mia_core.rolls import FuturesContract

    z5 = FuturesContract("ESZ5", dt.date(2025, 12, 19))
    h6 = FuturesContract("ESH6", dt.date(2026, 3, 20))
    months = [(m, Contract(localSymbol=m.key)) for m in (z5, h6)]
    utc = lambda *a: dt.datetime(*a, tzinfo=dt.UTC)  # noqa: E731
    # trading day Dec 11 (H6's first as the front) runs 17:00 Chicago Dec 10 .. Dec 11: in UTC it ends before Dec 12
    windows = fetch_windows(months, RollRule(), utc(2025, 12, 9, 23), utc(2025, 12, 11, 23))
    assert [m.key for m, _, _, _ in windows] == ["ESZ5", "ESH6"]  # was ESZ5 only: Dec 11 stitched from Z5
    # and a volume roll may come before the front's expiry: the next month is fetched from its lead on
    volume = fetch_windows(months, RollRule(RollMethod.VOLUME), utc(2025, 12, 1), utc(2025, 12, 12))
    assert [m.key for m, _, _, _ in volume] == ["ESZ5", "ESH6"]
