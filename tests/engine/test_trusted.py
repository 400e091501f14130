"""The cheap constructors build what the validating ones build, and refuse what they refuse."""

from __future__ import annotations

import pytest

from mia_core import trusted
from mia_core.accounting import RoundTrip
from mia_core.errors import DomainValueError
from mia_core.events import SignalGenerated
from mia_core.instruments import ES
from mia_core.orders import OrderIntent, OrderSide, TimeInForce
from mia_core.signals import Direction, Signal

TS = 1_714_570_000 * 10**9


def test_signal_equals_the_validated_one() -> None:
    built = trusted.signal(TS, "sma_cross", Direction.SHORT)
    assert built == Signal(ts=TS, source="sma_cross", direction=Direction.SHORT)
    assert trusted.signal_generated(built) == SignalGenerated(TS, built)


def test_signal_falls_back_to_the_checks() -> None:
    with pytest.raises(DomainValueError, match="source"):
        trusted.signal(TS, "  ", Direction.LONG)


def test_market_intent_equals_the_validated_one() -> None:
    built = trusted.market_intent(ES, OrderSide.SELL, 2, TimeInForce.GTC, "signal_exit")
    assert built == OrderIntent(ES, OrderSide.SELL, 2, time_in_force=TimeInForce.GTC, reason="signal_exit")


@pytest.mark.parametrize("quantity", [0, -1, True, 1.0])
def test_market_intent_refuses_what_the_constructor_refuses(quantity: object) -> None:
    with pytest.raises(DomainValueError, match="quantity"):
        trusted.market_intent(ES, OrderSide.BUY, quantity, TimeInForce.GTC, "x")  # type: ignore[arg-type]


def _trip(**changes: object) -> RoundTrip:
    fields: dict[str, object] = dict(
        entry_ts=TS, exit_ts=TS + 60, side=OrderSide.BUY, quantity=2, entry_price=5000.0, exit_price=5001.0,
        gross_cents=20_000, commission_cents=900, mae_ticks=3, mfe_ticks=5, exit_reason="signal",
        tick_value_cents=1250, bars_held=4, symbol="ES",
    )  # fmt: skip
    fields.update(changes)
    return trusted.round_trip(**fields)  # type: ignore[arg-type]


def test_round_trip_equals_the_validated_one() -> None:
    assert _trip() == RoundTrip(
        entry_ts=TS, exit_ts=TS + 60, side=OrderSide.BUY, quantity=2, entry_price=5000.0, exit_price=5001.0,
        gross_cents=20_000, commission_cents=900, net_cents=19_100, mae_ticks=3, mfe_ticks=5, exit_reason="signal",
        mae_cents=3 * 1250 * 2, mfe_cents=5 * 1250 * 2, bars_held=4, symbol="ES",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"exit_ts": TS - 1}, "exit_ts"),
        ({"quantity": 0}, "quantity"),
        ({"commission_cents": -1}, "commission_cents"),
        ({"mae_ticks": -2}, "mae_ticks"),
        ({"bars_held": -1}, "bars_held"),
    ],
)
def test_round_trip_refuses_what_the_constructor_refuses(changes: dict[str, object], field: str) -> None:
    with pytest.raises(DomainValueError, match=field):
        _trip(**changes)
