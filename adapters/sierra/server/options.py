"""What the loopback DTC server offers and refuses (settings and fault switches)."""

from __future__ import annotations

import fnmatch

import attrs


@attrs.define
class ServerOptions:
    """Settings of :class:`~adapters.sierra.server.LoopbackDtcServer`; the fault switches may change any time.

    ``restricted``: shell patterns of symbols whose market data and history are refused, as
    Sierra Chart refuses CME data (``["ES*", "NQ*"]`` behaves like Sierra Chart does for CME
    futures). ``encodings``: EncodingEnum values accepted (others are answered with binary).
    ``trading``: False answers every order with "trading is not allowed" (Allow Trading = No).
    ``password``: when set, logons must carry it. Faults: ``refuse_logon`` (a reason),
    ``silent`` (stop sending anything, heartbeats included, while the socket stays open).
    """

    accounts: tuple[str, ...] = ("Sim1",)
    restricted: list[str] = attrs.Factory(list)
    encodings: tuple[int, ...] = (0, 2, 3)
    trading: bool = True
    password: str = ""
    cash: float = 100_000.0
    commission_per_contract: float = 2.25
    refuse_logon: str = ""
    silent: bool = False
    depth_levels: int = 10

    def is_restricted(self, symbol: str) -> bool:
        """True when market data and history for ``symbol`` are refused."""
        return any(fnmatch.fnmatchcase(symbol.upper(), p.upper()) for p in self.restricted)


RESTRICTED_TEXT = (
    "market data for {symbol} is not available through this DTC server (exchange licence: CME Group data is "
    "refused over DTC); read Sierra Chart's .scid/.depth files instead"
)
