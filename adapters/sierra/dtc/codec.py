"""DTC codecs with framing: binary (Size-prefixed structs) and JSON / JSON-compact (NUL-terminated objects).

A codec turns messages into bytes and a byte stream (cut anywhere by TCP) back into messages.
Unknown message types are skipped (counted in ``skipped``); bytes that cannot be DTC raise
:class:`~adapters.sierra.errors.DtcProtocolError` naming the offset in the stream, after which
the connection must be dropped. Buffered bytes never exceed ``max_message`` (65,535 for binary,
whose Size field is 16-bit; configurable for JSON).
"""

from __future__ import annotations

import json
import math
import struct
from collections.abc import Mapping
from typing import Any, Protocol

from adapters.sierra.dtc import types as t
from adapters.sierra.dtc.messages import LAYOUTS
from adapters.sierra.errors import DtcProtocolError

Message = tuple[int, dict[str, Any]]
JSON_MAX_MESSAGE = 256 * 1024
_HEADER = struct.Struct("<HH")


class Codec(Protocol):
    """Encodes messages and decodes a byte stream of one DTC encoding."""

    encoding: int
    skipped: int

    def encode(self, type_id: int, values: Mapping[str, Any]) -> bytes:
        """The bytes of one message on the wire."""
        ...

    def feed(self, data: bytes) -> list[Message]:
        """Add received bytes; return the complete messages now available, oldest first."""
        ...


class BinaryCodec:
    """Binary encoding: ``uint16 Size`` (whole message) + ``uint16 Type`` + the fixed struct."""

    encoding = t.BINARY

    def __init__(self) -> None:
        self._buffer = bytearray()
        self._consumed = 0  # bytes of the stream decoded so far (for error offsets)
        self.skipped = 0

    def encode(self, type_id: int, values: Mapping[str, Any]) -> bytes:
        """Pack ``values`` with the layout of ``type_id``."""
        return LAYOUTS[type_id].pack(values)

    def feed(self, data: bytes) -> list[Message]:
        """Cut complete messages from the stream; a Size below 4 is a protocol error."""
        buffer = self._buffer
        buffer += data
        out: list[Message] = []
        start = 0
        end = len(buffer)
        layouts = LAYOUTS
        while end - start >= 4:
            size, type_id = _HEADER.unpack_from(buffer, start)
            if size < 4:
                raise DtcProtocolError(
                    f"DTC binary stream: message at byte {self._consumed + start} declares Size {size} "
                    f"(type {type_id}); a message is at least its 4-byte header"
                )
            if end - start < size:
                break
            layout = layouts.get(type_id)
            if layout is None:
                self.skipped += 1
            else:
                out.append((type_id, layout.unpack(memoryview(buffer)[start : start + size])))
            start += size
        if start:
            del buffer[:start]
            self._consumed += start
        return out


def _no_constants(name: str) -> float:
    raise ValueError(f"{name} is not a DTC number")


class JsonCodec:
    """JSON (``compact=False``) or JSON-compact: one object per message, each terminated by a NUL byte."""

    def __init__(self, compact: bool = False, max_message: int = JSON_MAX_MESSAGE) -> None:
        self.compact = compact
        self.encoding = t.JSON_COMPACT if compact else t.JSON
        self.max_message = max_message
        self._buffer = bytearray()
        self._consumed = 0
        self.skipped = 0
        self._decoder = json.JSONDecoder(parse_constant=_no_constants)

    def encode(self, type_id: int, values: Mapping[str, Any]) -> bytes:
        """``{"Type": N, ...}`` (or ``{"Type": N, "F": [...]}``) followed by NUL."""
        layout = LAYOUTS[type_id]
        obj = layout.to_json_object(values, self.compact)
        for k, v in obj.items():
            if isinstance(v, float) and not math.isfinite(v):
                raise DtcProtocolError(f"{layout.name}.{k}: {v!r} cannot be sent as JSON")
        return json.dumps(obj, separators=(",", ":")).encode("latin-1") + b"\0"

    def feed(self, data: bytes) -> list[Message]:
        """Split on NUL; invalid JSON, a missing Type or an over-long message is a protocol error."""
        buffer = self._buffer
        buffer += data
        out: list[Message] = []
        start = 0
        while True:
            nul = buffer.find(b"\0", start)
            if nul < 0:
                break
            if nul > start:  # consecutive NULs carry nothing
                out_msg = self._decode(bytes(buffer[start:nul]), self._consumed + start)
                if out_msg is not None:
                    out.append(out_msg)
            start = nul + 1
        if start:
            del buffer[:start]
            self._consumed += start
        if len(buffer) > self.max_message:
            raise DtcProtocolError(
                f"DTC JSON stream: no message end (NUL) within {self.max_message:,} bytes from byte "
                f"{self._consumed}; the peer is not sending DTC JSON"
            )
        return out

    def _decode(self, raw: bytes, offset: int) -> Message | None:
        if len(raw) > self.max_message:
            raise DtcProtocolError(f"DTC JSON stream: message at byte {offset} is {len(raw):,} bytes (limit "
                                   f"{self.max_message:,})")
        try:
            obj = self._decoder.decode(raw.decode("latin-1"))
        except ValueError as exc:
            raise DtcProtocolError(f"DTC JSON stream: invalid JSON at byte {offset}: {exc}: {raw[:80]!r}") from None
        type_id = obj.get("Type") if isinstance(obj, dict) else None
        if not isinstance(type_id, int) or isinstance(type_id, bool):
            raise DtcProtocolError(f"DTC JSON stream: message at byte {offset} has no integer Type: {raw[:80]!r}")
        layout = LAYOUTS.get(type_id)
        if layout is None:
            self.skipped += 1
            return None
        try:
            return type_id, layout.from_json_object(obj)
        except DtcProtocolError as exc:
            raise DtcProtocolError(f"DTC JSON stream: message at byte {offset}: {exc}") from None


def codec_for(encoding: int) -> Codec:
    """A fresh codec for an EncodingEnum value MIA speaks (binary, JSON, JSON-compact)."""
    if encoding == t.BINARY:
        return BinaryCodec()
    if encoding in (t.JSON, t.JSON_COMPACT):
        return JsonCodec(compact=encoding == t.JSON_COMPACT)
    name = t.ENCODING_NAMES.get(encoding, str(encoding))
    raise DtcProtocolError(f"DTC encoding {name} is not supported by MIA; use binary, json or json-compact")


ENCODINGS = {"binary": t.BINARY, "json": t.JSON, "json-compact": t.JSON_COMPACT}
