"""Settings of the ``sierra`` broker and data feed (YAML keys); the password comes from the environment."""

from __future__ import annotations

import os
from typing import Literal

import attrs

from mia_core.validation import within

PORT = within(1, 65535, note="Sierra Chart: Listening Port (often 11099), Historical Data Port (default 11098)")
TIMEOUT = within(0, 3600, low_open=True)


@attrs.frozen
class SierraConnectionConfig:
    """Where Sierra Chart's DTC Protocol Server listens and how MIA talks to it.

    ``symbol`` is the exact Sierra Chart symbol (File >> Find Symbol, e.g. ``ESZ26-CME`` or
    ``F.US.EPZ26``); empty means the instrument's root. The password is read from the
    environment variable named by ``password_env`` (only when Sierra Chart's "Require
    Authentication" is on); it is never in YAML and never logged. ``heartbeat`` is the
    interval both sides send HEARTBEAT; after ``heartbeat_timeout`` intervals without any
    byte from the server the connection is dropped and opened again, with backoff from
    ``reconnect_initial_delay`` doubling up to ``reconnect_max_delay`` seconds.
    """

    host: str = "127.0.0.1"
    port: int = attrs.field(default=11099, validator=PORT)
    historical_port: int = attrs.field(default=11098, validator=PORT)
    encoding: Literal["binary", "json", "json-compact"] = "binary"
    username: str = ""
    password_env: str = "MIA_SIERRA_PASSWORD"
    trade_account: str = ""
    symbol: str = ""
    exchange: str = ""
    heartbeat: int = attrs.field(default=10, validator=within(1, 300))
    heartbeat_timeout: float = attrs.field(default=3.0, validator=within(1.5, 20))
    connect_timeout: float = attrs.field(default=10.0, validator=TIMEOUT)
    request_timeout: float = attrs.field(default=20.0, validator=TIMEOUT)
    reconnect_initial_delay: float = attrs.field(default=1.0, validator=TIMEOUT)
    reconnect_max_delay: float = attrs.field(default=60.0, validator=TIMEOUT)
    client_name: str = "MIA"

    @property
    def key(self) -> str:
        """One shared connection per host and port."""
        return f"sierra:{self.host}:{self.port}"

    @property
    def password(self) -> str:
        """The password from the environment ('' when unset)."""
        return os.environ.get(self.password_env, "") if self.password_env else ""

    def dtc_symbol(self, root: str) -> str:
        """The symbol sent to Sierra Chart for instrument ``root``."""
        return self.symbol or root


@attrs.frozen
class SierraBrokerConfig(SierraConnectionConfig):
    """Settings of the ``sierra`` broker: the connection (orders go to ``trade_account``, e.g. ``Sim1``)."""


@attrs.frozen
class SierraFeedConfig(SierraConnectionConfig):
    """Settings of the ``sierra_feed`` data feed.

    Sierra Chart refuses CME data over DTC; the refusal is expected and explained, and the
    feed then reads the intraday files named by ``scid_path`` (and ``depth_dir``) instead,
    when the files part of the adapter is installed. ``depth_levels`` > 0 asks for depth.
    ``bar_seconds`` is the length of the bars the stream builds from the trades.
    ``history_seconds`` is the bar size asked of the historical port.
    """

    bar_seconds: int = attrs.field(default=60, validator=within(1, 86400))
    depth_levels: int = attrs.field(default=0, validator=within(0, 100))
    history_seconds: int = attrs.field(default=60, validator=within(0, 86400))
    scid_path: str = ""
    depth_dir: str = ""
