"""Errors of the Sierra Chart adapter: each names what failed, where, and what to do."""

from __future__ import annotations

from mia_core.errors import MiaError


class DtcProtocolError(MiaError):
    """The peer sent bytes that are not valid DTC (a lying size, an oversized or malformed message)."""


class DtcConnectionError(MiaError, ConnectionError):
    """The DTC server could not be reached, refused the logon, or stopped answering."""


class DtcRefusal(MiaError):
    """The server answered a request with a reject message (market data, history, accounts)."""

    def __init__(self, what: str, text: str) -> None:
        super().__init__(f"{what}: {text}")
        self.what = what
        self.text = text
