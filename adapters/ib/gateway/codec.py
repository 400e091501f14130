"""TWS API framing: 4-byte big-endian length + NUL-terminated text fields, and typed field reading.

Encoding follows what ib_async 2.1 decodes at server version 178: bools as ``1``/``0``,
ints with ``int()`` text, ``None`` as the empty field, floats with ``repr`` text.
"""

from __future__ import annotations

import asyncio
import math
import struct
from collections.abc import Iterable, Sequence

MAX_FRAME = 16 * 1024 * 1024
UNSET_DOUBLE_TEXT = "1.7976931348623157E308"
Field = str | int | float | bool | None


class ProtocolError(ValueError):
    """A client message the gateway cannot read: names the message and the field."""


def field_text(value: Field) -> str:
    """One field as wire text (bool -> 1/0, None -> '', finite float -> shortest repr)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        if math.isinf(value):
            return "Infinite" if value > 0 else "-Infinite"
        text = repr(value)
        return text[:-2] if text.endswith(".0") and abs(value) < 1e15 else text
    return str(value)


def encode(fields: Iterable[Field]) -> bytes:
    """One framed message: length prefix + each field NUL-terminated."""
    payload = "".join(field_text(f) + "\0" for f in fields).encode()
    return struct.pack(">I", len(payload)) + payload


def decode_payload(payload: bytes) -> list[str]:
    """The text fields of one frame's payload (the trailing empty element dropped)."""
    fields = payload.decode(errors="backslashreplace").split("\0")
    if fields and fields[-1] == "":
        fields.pop()
    return fields


async def read_frame(reader: asyncio.StreamReader) -> bytes:
    """The payload of the next frame; ProtocolError for an absurd length, IncompleteReadError at EOF."""
    header = await reader.readexactly(4)
    (length,) = struct.unpack(">I", header)
    if length > MAX_FRAME:
        raise ProtocolError(f"frame of {length} bytes exceeds the {MAX_FRAME}-byte limit")
    return await reader.readexactly(length)


class Fields:
    """Typed, position-checked reading of one client message's fields.

    ``name`` is the request's name, used in error messages: ``reqMktData field 3 (conId):
    expected an integer, got 'x'``.
    """

    def __init__(self, name: str, fields: Sequence[str], start: int = 1) -> None:
        self.name, self.fields, self.pos = name, list(fields), start

    def _next(self, what: str) -> str:
        if self.pos >= len(self.fields):
            raise ProtocolError(f"{self.name}: field {self.pos} ({what}) missing; got {len(self.fields)} fields")
        value = self.fields[self.pos]
        self.pos += 1
        return value

    def str(self, what: str) -> str:
        """The next field as text."""
        return self._next(what)

    def int(self, what: str, default: int = 0) -> int:
        """The next field as an int (empty -> ``default``)."""
        raw = self._next(what)
        if raw == "":
            return default
        try:
            return int(raw)
        except ValueError:
            where = f"{self.name}: field {self.pos - 1} ({what})"
            raise ProtocolError(f"{where} expected an integer, got {raw!r}") from None

    def float(self, what: str, default: float | None = None) -> float | None:
        """The next field as a float (empty -> ``default``)."""
        raw = self._next(what)
        if raw == "":
            return default
        try:
            value = float(raw)
        except ValueError:
            raise ProtocolError(f"{self.name}: field {self.pos - 1} ({what}) expected a number, got {raw!r}") from None
        if not math.isfinite(value) or value >= 1.7e308:
            return default
        return value

    def bool(self, what: str) -> bool:
        """The next field as a 0/1 flag (empty -> False)."""
        return self.int(what) != 0

    def skip(self, count: int = 1) -> None:
        """Skip ``count`` fields (they must exist)."""
        for _ in range(count):
            self._next("skipped")

    def optional_str(self) -> str:
        """The next field if present, else ''."""
        return self._next("optional") if self.pos < len(self.fields) else ""
