"""Settings of the ``ib`` broker and data feed (YAML keys); the account id comes from the environment."""

from __future__ import annotations

import os
from typing import Literal

import attrs

from mia_core.rolls import RollMethod, RollRule
from mia_core.validation import within

PAPER_PORTS = {"tws": 7497, "gateway": 4002}
LIVE_PORTS = {"tws": 7496, "gateway": 4001}


PORT = within(1, 65535, note="TWS 7497 paper / 7496 live, IB Gateway 4002 paper / 4001 live")
CLIENT_ID = within(0, 32767, note="unique per connection to one TWS / IB Gateway")
TIMEOUT = within(0, 3600, low_open=True)  # seconds a connection attempt, a request or a wait may take
DELAY = within(0, 86400)  # seconds, up to a day


@attrs.frozen
class IbConnectionConfig:
    """Where TWS or IB Gateway listens, and how MIA keeps the connection.

    Components with the same ``host``, ``port`` and ``client_id`` share one connection.
    The account id is read from the environment variable named by ``account_env``
    (never from YAML, never logged); empty means the single account TWS manages.
    """

    host: str = "127.0.0.1"
    port: int = attrs.field(default=4002, validator=PORT)
    client_id: int = attrs.field(default=1, validator=CLIENT_ID)
    account_env: str = "MIA_IB_ACCOUNT"
    connect_timeout: float = attrs.field(default=10.0, validator=TIMEOUT)
    request_timeout: float = attrs.field(default=30.0, validator=TIMEOUT)
    reconnect_initial_delay: float = attrs.field(default=1.0, validator=TIMEOUT)
    reconnect_max_delay: float = attrs.field(default=60.0, validator=TIMEOUT)
    disconnect_alert_after: float = attrs.field(default=60.0, validator=DELAY)
    market_data_type: Literal["realtime", "frozen", "delayed", "delayed_frozen"] = "realtime"
    symbol: str = ""
    roll_method: Literal["days_before_expiry", "volume", "open_interest"] = "days_before_expiry"
    roll_days_before_expiry: int = attrs.field(default=8, validator=within(0, 90))

    @property
    def key(self) -> str:
        """The shared-connection key: one connection per host, port and client id."""
        return f"ib:{self.host}:{self.port}:{self.client_id}"

    @property
    def account(self) -> str:
        """The account id from the environment ('' when unset)."""
        return os.environ.get(self.account_env, "").strip() if self.account_env else ""

    @property
    def roll_rule(self) -> RollRule:
        """The front-month roll rule (the same one continuous history is stitched by)."""
        return RollRule(RollMethod(self.roll_method), self.roll_days_before_expiry)

    @property
    def market_data_type_code(self) -> int:
        """IB's reqMarketDataType code."""
        return {"realtime": 1, "frozen": 2, "delayed": 3, "delayed_frozen": 4}[self.market_data_type]


@attrs.frozen
class IbBrokerConfig(IbConnectionConfig):
    """Settings of the ``ib`` broker: the connection, plus how fills and restarts are reconciled.

    ``journal_path`` names the session's JSON-lines journal (the same file as
    ``journal.path``): on connect the broker reads the fills recorded there so that
    executions IB reports again after a restart are not booked twice.
    ``order_tag`` names the system in every order's ``orderRef``
    (``mia:<order_tag>@<client_id>/<client ref>``): orders and executions of other
    sessions on the same account (another tag or client id) are never adopted.
    """

    journal_path: str = ""
    commission_wait: float = attrs.field(default=2.0, validator=within(0, 600))
    order_tag: str = attrs.field(default="mia", validator=attrs.validators.matches_re(r"[A-Za-z0-9_.-]{1,24}"))

    @property
    def owner(self) -> str:
        """The session's mark in ``orderRef``: ``<order_tag>@<client_id>``."""
        return f"{self.order_tag}@{self.client_id}"


@attrs.frozen
class IbFeedConfig(IbConnectionConfig):
    """Settings of the ``ib`` data feed: the connection, plus what to stream and how bars are made.

    ``bars: realtime`` builds bars of ``bar_seconds`` from IB's 5-second real-time bars;
    ``bars: trades`` builds them from the trade prints. ``depth_rows`` > 0 streams
    market depth (DepthUpdate) for order book imbalance. ``continuous`` history
    stitches each month's bars while it was the front, by the roll rule. After ``heartbeat`` seconds
    without data the stream yields a TimerFired, so the engine's clock-driven checks
    (the catastrophe monitor's connection timeout) run during an outage too.
    ``history_retries`` is how many times a history chunk refused for pacing (IB 162) or
    not answered within ``request_timeout`` is asked again, within the pacing rules.
    """

    bars: Literal["realtime", "trades"] = "realtime"
    bar_seconds: int = attrs.field(default=60, validator=within(1, 86400))
    quotes: bool = True
    trades: bool = True
    depth_rows: int = attrs.field(default=0, validator=within(0, 100))
    what_to_show: Literal["TRADES", "MIDPOINT", "BID", "ASK"] = "TRADES"
    history_bar_size: str = "1 min"
    use_rth: bool = False
    continuous: bool = True
    heartbeat: float = attrs.field(default=5.0, validator=TIMEOUT)
    history_retries: int = attrs.field(default=3, validator=within(0, 20))

    def __attrs_post_init__(self) -> None:
        if self.bars == "realtime" and self.bar_seconds % 5:
            raise ValueError(
                f"bar_seconds = {self.bar_seconds}: with bars: realtime it must be a multiple of 5 (IB real-time bars "
                "are 5 s); bars: trades allows any whole number of seconds"
            )
