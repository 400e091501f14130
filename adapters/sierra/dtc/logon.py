"""Opening a DTC session: TCP connect, the binary encoding request, logon; each failure explained."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import time
from typing import Any

from adapters.sierra.config import SierraConnectionConfig
from adapters.sierra.dtc import types as t
from adapters.sierra.dtc.codec import ENCODINGS, BinaryCodec, Codec, Message, codec_for
from adapters.sierra.errors import DtcConnectionError, DtcProtocolError

log = logging.getLogger("mia.sierra")
LOGON_FLAGS = 0  # SC's flag-less market data set (112/117/122/106); MIA decodes the newer ones too


class DtcSession:
    """One logged-on DTC connection: its streams, codec and the server's logon answer."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, codec: Codec,
                 logon: dict[str, Any], pending: list[Message]) -> None:
        self.reader, self.writer, self.codec, self.logon = reader, writer, codec, logon
        self.pending = pending  # messages that arrived with the logon response

    def send(self, type_id: int, values: dict[str, Any]) -> None:
        """Write one message (buffered by asyncio)."""
        self.writer.write(self.codec.encode(type_id, values))

    def close(self) -> None:
        """Close the socket (no LOGOFF)."""
        with contextlib.suppress(Exception):
            self.writer.close()


async def open_session(
    config: SierraConnectionConfig, *, port: int | None = None, heartbeat: int | None = None
) -> DtcSession:
    """Connect, negotiate the encoding and log on; raise :class:`DtcConnectionError` saying what to do."""
    port = port or config.port
    where = f"{config.host}:{port}"
    try:
        reader, writer = await asyncio.wait_for(asyncio.open_connection(config.host, port), config.connect_timeout)
    except (OSError, TimeoutError) as exc:
        raise DtcConnectionError(
            f"cannot reach a DTC server at {where} ({exc or 'timed out'}): in Sierra Chart set Global Settings >> "
            "Sierra Chart Server Settings >> DTC Protocol Server >> Enable DTC Protocol Server = Yes, and check the "
            "Listening Port (historical data: Historical Data Port)"
        ) from None
    with contextlib.suppress(OSError):
        writer.get_extra_info("socket").setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        codec = await _negotiate(reader, writer, config, where)
        writer.write(codec.encode(t.LOGON_REQUEST, {
            "Username": config.username,
            "Password": config.password,
            "HeartbeatIntervalInSeconds": config.heartbeat if heartbeat is None else heartbeat,
            "ClientName": config.client_name,
            "Integer_1": LOGON_FLAGS,
            "TradeAccount": config.trade_account,
        }))
        logon, pending = await _until(reader, codec, {t.LOGON_RESPONSE}, config.request_timeout, where, "logon")
    except BaseException:
        writer.close()
        raise
    if logon["Result"] != t.LOGON_SUCCESS:
        writer.close()
        text = logon["ResultText"] or "no reason given"
        raise DtcConnectionError(
            f"the DTC server at {where} refused the logon: {text}. If Sierra Chart's 'Require Authentication' is on, "
            f"set username in the YAML and the password in ${config.password_env}"
        )
    return DtcSession(reader, writer, codec, logon, pending)


async def _negotiate(reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                     config: SierraConnectionConfig, where: str) -> Codec:
    wanted = ENCODINGS[config.encoding]
    writer.write(BinaryCodec().encode(t.ENCODING_REQUEST, {"Encoding": wanted}))
    try:
        head = await asyncio.wait_for(reader.readexactly(16), config.request_timeout)
    except TimeoutError:
        raise DtcConnectionError(
            f"the server at {where} did not answer the DTC encoding request within {config.request_timeout:.0f} s: "
            "is this the DTC port? Set the DTC server's Encoding to Automatic"
        ) from None
    except (asyncio.IncompleteReadError, OSError) as exc:
        raise DtcConnectionError(
            f"the server at {where} closed the connection during the encoding request ({exc}): Sierra Chart "
            "rejects connections from other machines unless Allowed Incoming IPs permits them (see its Message Log)"
        ) from None
    if head[:1] == b"{":
        raise DtcConnectionError(
            f"the DTC server at {where} answered in JSON: its Encoding setting is fixed; set it to Automatic, or "
            "set encoding: json (or json-compact) to match"
        )
    (answer,) = BinaryCodec().feed(head) or [(0, {})]
    if answer[0] != t.ENCODING_RESPONSE:
        raise DtcConnectionError(f"the server at {where} answered the encoding request with message type "
                                 f"{answer[0]}, not ENCODING_RESPONSE: is this a DTC server?")
    got = answer[1]["Encoding"]
    if got != wanted:
        log.warning("the DTC server at %s uses %s, not the %s asked for", where,
                    t.ENCODING_NAMES.get(got, got), config.encoding)
    try:
        return codec_for(got)
    except DtcProtocolError as exc:
        raise DtcConnectionError(f"the DTC server at {where} insists on {exc}; set its Encoding to Automatic") from None


async def _until(reader: asyncio.StreamReader, codec: Codec, types: set[int], limit: float,
                 where: str, what: str) -> tuple[dict[str, Any], list[Message]]:
    deadline = time.monotonic() + limit
    while True:
        left = deadline - time.monotonic()
        try:
            data = await asyncio.wait_for(reader.read(65536), max(left, 0.001))
        except TimeoutError:
            raise DtcConnectionError(f"no {what} answer from the DTC server at {where} within {limit:.0f} s") from None
        if not data:
            raise DtcConnectionError(f"the DTC server at {where} closed the connection during {what}")
        messages = codec.feed(data)
        for i, (type_id, values) in enumerate(messages):
            if type_id in types:
                return values, messages[i + 1:]
