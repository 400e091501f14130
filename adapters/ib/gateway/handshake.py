"""The TWS API handshake: ``API\\0`` + framed ``v<min>..<max>``, answered with the server version and time.

After the reply the client sends startApi (71) with its client id; the gateway then sends
managedAccounts (15), nextValidId (9) and the farm-status warnings 2104/2106/2158, which
is what ib_async waits for before ``connectAsync`` returns.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import re

from adapters.ib.gateway.codec import Field, ProtocolError, read_frame

API_PREFIX = b"API\0"
MIN_CLIENT_VERSION = 157  # ib_async 2.1 refuses anything older
VERSION_RANGE = re.compile(r"^v(\d+)(?:\.\.(\d+))?")
FARM_OK: tuple[tuple[int, str], ...] = (
    (2104, "Market data farm connection is OK:usfarm"),
    (2106, "HMDS data farm connection is OK:ushmds"),
    (2158, "Sec-def data farm connection is OK:secdefil"),
)


async def read_greeting(reader: asyncio.StreamReader, timeout: float) -> tuple[int, int, str]:
    """The client's version range and connect options; ProtocolError if it is not a TWS API client."""
    prefix = await asyncio.wait_for(reader.readexactly(len(API_PREFIX)), timeout)
    if prefix != API_PREFIX:
        raise ProtocolError(f"handshake: expected the 'API\\0' prefix, got {prefix!r}")
    payload = await asyncio.wait_for(read_frame(reader), timeout)
    text = payload.decode(errors="replace").rstrip("\0")
    match = VERSION_RANGE.match(text)
    if not match:
        raise ProtocolError(f"handshake: expected 'v<min>..<max>', got {text!r}")
    low = int(match.group(1))
    high = int(match.group(2) or low)
    return low, high, text[match.end():].strip()


def negotiate(client_min: int, client_max: int, server_version: int) -> int:
    """The version both sides speak: min(client max, ours); ProtocolError when the ranges do not meet."""
    version = min(client_max, server_version)
    if version < max(client_min, MIN_CLIENT_VERSION) or client_min > server_version:
        raise ProtocolError(
            f"handshake: client speaks v{client_min}..{client_max}, "
            f"this gateway v{MIN_CLIENT_VERSION}..{server_version}"
        )
    return version


def handshake_reply(version: int, now: dt.datetime) -> list[Field]:
    """The two-field reply: server version and connection time (``YYYYMMDD HH:MM:SS UTC``)."""
    return [version, now.astimezone(dt.UTC).strftime("%Y%m%d %H:%M:%S UTC")]


def start_api_client_id(fields: list[str]) -> int:
    """The client id of a startApi (71) message."""
    if len(fields) < 3 or fields[0] != "71":
        raise ProtocolError(f"handshake: expected startApi (71, version, clientId), got {fields[:3]!r}")
    try:
        return int(fields[2])
    except ValueError:
        raise ProtocolError(f"startApi: client id must be an integer, got {fields[2]!r}") from None


def startup_messages(accounts: list[str], next_order_id: int) -> list[list[Field]]:
    """managedAccounts, nextValidId and the farm-status warnings, in the order a real gateway sends them."""
    messages: list[list[Field]] = [[15, 1, ",".join(accounts)], [9, 1, next_order_id]]
    messages += [error_fields(-1, code, text) for code, text in FARM_OK]
    return messages


def error_fields(req_id: int, code: int, text: str, advanced: str = "") -> list[Field]:
    """errMsg (4) at version >= 166: version 2, id, code, text, advancedOrderRejectJson."""
    return [4, 2, req_id, code, text, advanced]
