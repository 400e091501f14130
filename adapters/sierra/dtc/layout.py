"""One DTC message layout: binary struct (with C++ padding, DBL_MAX-style sentinels) and its JSON field order."""

from __future__ import annotations

import re
import struct
from collections.abc import Mapping
from typing import Any

from adapters.sierra.errors import DtcProtocolError

DBL_MAX = 1.7976931348623157e308
FLT_MAX = struct.unpack("<f", b"\xff\xff\x7f\x7f")[0]
SENTINELS: dict[str, float | int] = {
    "d": DBL_MAX,
    "f": FLT_MAX,
    "I": 0xFFFFFFFF,
    "i": 0x7FFFFFFF,
    "q": 0x7FFFFFFFFFFFFFFF,
    "Q": 0xFFFFFFFFFFFFFFFF,
}
_TOKEN = re.compile(r"(\d*)([a-zA-Z?])")
_INTEGER_CODES = set("bBhHiIqQ")


class Layout:
    """A DTC message: type id, name, the binary struct format and the field names in binary order.

    ``fmt`` is a ``struct`` format that starts with the ``Size``/``Type`` header (``<HH``) and
    spells out every padding byte (``x``), so ``calcsize(fmt)`` is the C++ ``sizeof``.
    ``unset`` names the numeric fields whose default is "unset" (DBL_MAX, UINT_MAX, ... on the
    binary wire, absent in JSON); they decode to ``None``. ``compact`` marks the high-frequency
    types JSON-compact sends as ``{"Type": N, "F": [...]}``.
    """

    def __init__(
        self,
        type_id: int,
        name: str,
        fmt: str,
        fields: str,
        *,
        compact: bool = False,
        unset: str = "",
        defaults: Mapping[str, Any] | None = None,
    ) -> None:
        self.type_id, self.name, self.fmt, self.compact = type_id, name, fmt, compact
        self.fields: tuple[str, ...] = tuple(fields.split())
        codes: list[tuple[str, int]] = []
        for count, code in _TOKEN.findall(fmt[3:]):
            if code == "x":
                continue
            if code != "s" and count not in ("", "1"):
                raise ValueError(f"{name}: repeat counts are not used in layouts ({count}{code})")
            codes.append((code, int(count or 1)))
        if fmt[:3] != "<HH" or len(codes) != len(self.fields):
            raise ValueError(f"{name}: {len(codes)} values in {fmt!r} for {len(self.fields)} field names")
        self.codes = {f: c for f, (c, _) in zip(self.fields, codes, strict=True)}
        self.lengths = {f: n for f, (c, n) in zip(self.fields, codes, strict=True) if c == "s"}
        self.struct = struct.Struct(fmt)
        self.size = self.struct.size
        unset_names = set(unset.split())
        unknown = unset_names - set(self.fields)
        if unknown:
            raise ValueError(f"{name}: unset names unknown fields {sorted(unknown)}")
        self.defaults: dict[str, Any] = {}
        for f in self.fields:
            code = self.codes[f]
            self.defaults[f] = "" if code == "s" else None if f in unset_names else 0
        self.defaults.update(defaults or {})
        self._strings = [i for i, f in enumerate(self.fields) if self.codes[f] == "s"]
        kinds = [self.codes[f] for f in self.fields]
        self._sentinel = [(i, SENTINELS[k]) for i, k in enumerate(kinds) if k in SENTINELS]
        self._integers = {f for f in self.fields if self.codes[f] in _INTEGER_CODES}
        self._default_bytes = self.pack({})

    # --- binary -----------------------------------------------------------------------

    def pack(self, values: Mapping[str, Any]) -> bytes:
        """The binary message: header (Size = full struct size, Type) then every field, padded as in C++."""
        out: list[Any] = [self.size, self.type_id]
        for f in self.fields:
            v = values.get(f, self.defaults[f])
            code = self.codes[f]
            if code == "s":
                raw = (v or "").encode("latin-1", "replace")
                if len(raw) >= self.lengths[f]:
                    raise DtcProtocolError(
                        f"{self.name}.{f}: {v!r} is {len(raw)} bytes; the field holds at most {self.lengths[f] - 1}"
                    )
                out.append(raw)
            elif v is None:
                out.append(SENTINELS.get(code, 0))
            elif code in _INTEGER_CODES:
                out.append(int(v))
            else:
                out.append(float(v))
        try:
            return self.struct.pack(*out)
        except struct.error as exc:
            raise DtcProtocolError(f"{self.name}: cannot encode {dict(values)!r}: {exc}") from None

    def unpack(self, data: bytes | bytearray | memoryview) -> dict[str, Any]:
        """Decode one binary message (header included); a shorter one gets defaults, a longer tail is ignored."""
        if len(data) < self.size:
            buf = bytearray(self._default_bytes)
            buf[: len(data)] = data
            data = buf
        values = list(self.struct.unpack_from(data))[2:]
        for i in self._strings:
            raw: bytes = values[i]
            values[i] = raw.split(b"\0", 1)[0].decode("latin-1")
        for i, sentinel in self._sentinel:
            if values[i] == sentinel:
                values[i] = None
        return dict(zip(self.fields, values, strict=True))

    # --- JSON -------------------------------------------------------------------------

    def to_json_object(self, values: Mapping[str, Any], compact: bool) -> dict[str, Any]:
        """The JSON object (``"Type"`` first); unset fields omitted, or ``null`` inside a compact ``"F"`` array."""
        if compact and self.compact:
            return {"Type": self.type_id, "F": [values.get(f, self.defaults[f]) for f in self.fields]}
        obj: dict[str, Any] = {"Type": self.type_id}
        for f in self.fields:
            v = values.get(f, self.defaults[f])
            if v is not None:
                obj[f] = v
        return obj

    def from_json_object(self, obj: Mapping[str, Any]) -> dict[str, Any]:
        """Decode a plain or compact JSON object; missing or null fields take their defaults; types are checked."""
        compact = obj.get("F")
        if isinstance(compact, list):
            pairs: Mapping[str, Any] = dict(zip(self.fields, compact, strict=False))
        elif compact is not None:
            raise DtcProtocolError(f"{self.name}: 'F' must be an array, got {type(compact).__name__}")
        else:
            pairs = obj
        out: dict[str, Any] = {}
        for f in self.fields:
            v = pairs.get(f)
            if v is None:
                out[f] = self.defaults[f]
                continue
            code = self.codes[f]
            if code == "s":
                if not isinstance(v, str):
                    raise DtcProtocolError(f"{self.name}.{f}: expected a string, got {v!r}")
            elif isinstance(v, bool) or not isinstance(v, int | float):
                raise DtcProtocolError(f"{self.name}.{f}: expected a number, got {v!r}")
            elif f in self._integers:
                if v != int(v):
                    raise DtcProtocolError(f"{self.name}.{f}: expected a whole number, got {v!r}")
                v = int(v)
            out[f] = v
        return out
