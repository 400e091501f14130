"""The simulated account: cash, positions at average cost, realized P&L and commissions; its messages.

Futures are marked to the last trade of their root: unrealized P&L = (last - average price)
x quantity x multiplier, and net liquidation = cash + unrealized (cash already holds realized
P&L net of commissions). Margins are flat per contract (``MARGINS``).
"""

from __future__ import annotations

import attrs

from adapters.ib.gateway.catalog import ContractSpec
from adapters.ib.gateway.codec import Field
from adapters.ib.gateway.quotes import Quotes

MARGINS = {"ES": (22_000.0, 20_000.0), "NQ": (32_000.0, 29_000.0)}  # initial, maintenance per contract


@attrs.define
class Holding:
    """A position: signed quantity and average fill price."""

    spec: ContractSpec
    quantity: float = 0.0
    avg_price: float = 0.0

    @property
    def avg_cost(self) -> float:
        """IB's averageCost for futures: average price x multiplier."""
        return self.avg_price * self.spec.multiplier_value


class Ledger:
    """Cash and positions of the one simulated account."""

    def __init__(self, account: str, cash: float, quotes: Quotes) -> None:
        self.account, self.quotes = account, quotes
        self.starting_cash = self.cash = cash
        self.holdings: dict[int, Holding] = {}
        self.realized = 0.0
        self.commissions = 0.0

    def apply_fill(self, spec: ContractSpec, signed_qty: float, price: float, commission: float) -> float | None:
        """Book one fill; returns the realized P&L it closes (None when it only opens or adds)."""
        h = self.holdings.setdefault(spec.con_id, Holding(spec))
        mult = spec.multiplier_value
        realized: float | None = None
        if h.quantity and (h.quantity > 0) != (signed_qty > 0):
            closing = min(abs(signed_qty), abs(h.quantity))
            realized = (price - h.avg_price) * closing * mult * (1 if h.quantity > 0 else -1)
            remainder = signed_qty + (closing if signed_qty < 0 else -closing)
            h.quantity += signed_qty
            if abs(remainder) > 1e-12:  # reversed through zero: the rest opens at this price
                h.avg_price = price
            elif abs(h.quantity) < 1e-12:
                h.quantity, h.avg_price = 0.0, 0.0
        else:
            total = h.quantity + signed_qty
            h.avg_price = (h.avg_price * abs(h.quantity) + price * abs(signed_qty)) / abs(total)
            h.quantity = total
        self.commissions += commission
        self.cash -= commission
        if realized is not None:
            self.realized += realized
            self.cash += realized
        return realized

    def mark(self, h: Holding) -> float:
        """The price ``h`` is marked at (its root's last trade)."""
        return self.quotes.book(h.spec.root).last

    def unrealized(self, h: Holding) -> float:
        """Open P&L of one holding."""
        return (self.mark(h) - h.avg_price) * h.quantity * h.spec.multiplier_value

    def values(self) -> dict[str, float]:
        """Account values by IB tag (USD)."""
        unrealized = sum(self.unrealized(h) for h in self.holdings.values())
        init = sum(abs(h.quantity) * MARGINS.get(h.spec.root, (0.0, 0.0))[0] for h in self.holdings.values())
        maint = sum(abs(h.quantity) * MARGINS.get(h.spec.root, (0.0, 0.0))[1] for h in self.holdings.values())
        net = self.cash + unrealized
        gross = sum(abs(h.quantity) * self.mark(h) * h.spec.multiplier_value for h in self.holdings.values())
        return {"NetLiquidation": net, "TotalCashValue": self.cash, "CashBalance": self.cash,
                "EquityWithLoanValue": net, "AvailableFunds": net - init, "ExcessLiquidity": net - maint,
                "BuyingPower": max(net - init, 0.0) * 4, "InitMarginReq": init, "MaintMarginReq": maint,
                "FullInitMarginReq": init, "FullMaintMarginReq": maint, "GrossPositionValue": gross,
                "UnrealizedPnL": unrealized, "RealizedPnL": self.realized}

    def daily_pnl(self) -> tuple[float, float, float]:
        """(daily, unrealized, realized) P&L since the gateway started."""
        unrealized = sum(self.unrealized(h) for h in self.holdings.values())
        return self.realized + unrealized - self.commissions, unrealized, self.realized


def position_fields(account: str, h: Holding) -> list[Field]:
    """position (61): exactly 16 fields."""
    return [61, 3, account, *h.spec.fields11(), h.quantity, h.avg_cost]


def portfolio_fields(ledger: Ledger, h: Holding) -> list[Field]:
    """updatePortfolio (7): exactly 20 fields (primaryExchange where the contract fields have exchange)."""
    s, mark = h.spec, ledger.mark(h)
    value = mark * h.quantity * s.multiplier_value
    return [7, 8, s.con_id, s.symbol, s.sec_type, s.last_trade, s.strike, s.right, s.multiplier, s.exchange,
            s.currency, s.local_symbol, s.trading_class, h.quantity, mark, round(value, 2), h.avg_cost,
            round(ledger.unrealized(h), 2), 0.0, ledger.account]


def account_value_messages(ledger: Ledger, time_text: str) -> list[list[Field]]:
    """updateAccountValue (6) per tag, updatePortfolio (7) per holding, updateAccountTime (8)."""
    out: list[list[Field]] = [[6, 2, "AccountCode", ledger.account, "", ledger.account],
                              [6, 2, "AccountType", "INDIVIDUAL", "", ledger.account]]
    out += [[6, 2, tag, f"{value:.2f}", "USD", ledger.account] for tag, value in ledger.values().items()]
    out += [portfolio_fields(ledger, h) for h in ledger.holdings.values()]
    out.append([8, 1, time_text])
    return out


def summary_messages(ledger: Ledger, req_id: int, tags: str) -> list[list[Field]]:
    """accountSummary (63) rows for the requested tags ($LEDGER tags map to the totals), then the end (64)."""
    values = ledger.values()
    wanted = {t.strip() for t in tags.split(",") if t.strip()}
    out: list[list[Field]] = [[63, 1, req_id, ledger.account, "AccountType", "INDIVIDUAL", ""]] \
        if "AccountType" in wanted else []
    for tag, value in values.items():
        if not wanted or tag in wanted or any(w.startswith("$LEDGER") for w in wanted):
            out.append([63, 1, req_id, ledger.account, tag, f"{value:.2f}", "USD"])
    out.append([64, 1, req_id])
    return out


def multi_messages(ledger: Ledger, req_id: int) -> list[list[Field]]:
    """accountUpdateMulti (73) per tag, then the end (74)."""
    out: list[list[Field]] = [[73, 1, req_id, ledger.account, "", tag, f"{value:.2f}", "USD"]
                              for tag, value in ledger.values().items()]
    out.append([74, 1, req_id])
    return out


def pnl_fields(ledger: Ledger, req_id: int) -> list[Field]:
    """pnl (94): reqId, daily, unrealized, realized."""
    daily, unrealized, realized = ledger.daily_pnl()
    return [94, req_id, round(daily, 2), round(unrealized, 2), round(realized, 2)]


def pnl_single_fields(ledger: Ledger, req_id: int, con_id: int) -> list[Field]:
    """pnlSingle (95): reqId, position, daily, unrealized, realized, value."""
    h = ledger.holdings.get(con_id)
    if h is None:
        return [95, req_id, 0, 0.0, 0.0, 0.0, 0.0]
    unrealized = ledger.unrealized(h)
    value = ledger.mark(h) * h.quantity * h.spec.multiplier_value
    return [95, req_id, h.quantity, round(unrealized, 2), round(unrealized, 2), 0.0, round(value, 2)]
