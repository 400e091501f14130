"""Byte-exact DTC layouts: every message MIA uses, checked against the offsets written out from the reference."""

from __future__ import annotations

import re
import struct
from pathlib import Path

import pytest

from adapters.sierra.dtc.messages import LAYOUTS

TABLE = Path(__file__).with_name("dtc_layouts.txt")
SAME_AS = {6: (6, 7), 114: (114, 115, 120)}
ALIASES = {"OpenInterest_or_NumTrades(union)": "NumTrades"}
_FORMATS = {"u8": "B", "i8": "b", "u16": "H", "i16": "h", "u32": "I", "i32": "i", "u64": "Q", "i64": "q",
            "f32": "f", "f64": "d"}


def reference() -> dict[int, tuple[int, list[tuple[int, str, str]]]]:
    """type id -> (size, [(offset, field, struct code or 'Ns')]) from the written-out table."""
    out: dict[int, tuple[int, list[tuple[int, str, str]]]] = {}
    for line in TABLE.read_text().splitlines():
        if not line or line.startswith("#"):
            continue
        head, body = line.split(" | ")
        type_id, size = map(int, head.split())
        fields = []
        for item in body.split("; "):
            offset, name, kind = item.split(":", 2)
            strings = re.match(r"char\[(\d+)\]", kind)
            inner = re.search(r"\((\w+)\)", kind)
            code = f"{strings.group(1)}s" if strings else _FORMATS[inner.group(1) if inner else kind.split()[0]]
            fields.append((int(offset), ALIASES.get(name, name), code))
        for same in SAME_AS.get(type_id, (type_id,)):
            out[same] = (size, fields)
    return out


REFERENCE = reference()


def marker(index: int, code: str) -> object:
    if code.endswith("s"):
        return f"v{index}"[: int(code[:-1]) - 1]
    if code in "fd":
        return float(index) + 0.5
    return index + 1


@pytest.mark.parametrize("type_id", sorted(LAYOUTS))
def test_layout_is_byte_exact_against_the_reference(type_id: int) -> None:
    """Each field is written at the reference offset, with zero padding and the reference size."""
    layout = LAYOUTS[type_id]
    size, fields = REFERENCE[type_id]
    assert layout.size == size
    assert list(layout.fields) == [name for _, name, _ in fields]
    values = {name: marker(i, code) for i, (_, name, code) in enumerate(fields)}
    expected = bytearray(size)
    struct.pack_into("<HH", expected, 0, size, type_id)
    for offset, name, code in fields:
        value = values[name]
        struct.pack_into("<" + code, expected, offset, value.encode() if isinstance(value, str) else value)
    assert layout.pack(values) == bytes(expected)
    assert layout.unpack(bytes(expected)) == values


def test_every_layout_mia_uses_is_in_the_reference() -> None:
    assert set(LAYOUTS) <= set(REFERENCE)


def test_encoding_request_matches_the_documented_bytes() -> None:
    """The spec's wire example: a binary ENCODING_REQUEST for JSON, and Sierra Chart's answer."""
    assert LAYOUTS[6].pack({"Encoding": 2}).hex() == "1000060008000000020000004454430" + "0"
    assert LAYOUTS[7].pack({"Encoding": 2}) == bytes.fromhex("10000700080000000200000044544300")


def test_unset_numbers_travel_as_sentinels_and_decode_to_none() -> None:
    layout = LAYOUTS[301]
    raw = layout.pack({"ServerOrderID": "7"})
    assert struct.unpack_from("<d", raw, 240)[0] == 1.7976931348623157e308  # Price1 unset = DBL_MAX
    decoded = layout.unpack(raw)
    assert decoded["Price1"] is None and decoded["ServerOrderID"] == "7"


def test_short_message_takes_defaults_and_long_tail_is_ignored() -> None:
    """Version tolerance: an older, shorter struct decodes with defaults; a newer, longer one drops the tail."""
    layout = LAYOUTS[1]
    full = layout.pack({"ClientName": "x", "MarketDataTransmissionInterval": 9, "HeartbeatIntervalInSeconds": 5})
    short = layout.unpack(full[:280])
    assert short["ClientName"] == "x" and short["MarketDataTransmissionInterval"] == 0
    assert layout.unpack(full + b"\x01" * 20)["MarketDataTransmissionInterval"] == 9


def test_too_long_string_is_refused_naming_the_field() -> None:
    from adapters.sierra.errors import DtcProtocolError

    with pytest.raises(DtcProtocolError, match=r"CANCEL_ORDER\.ClientOrderID"):
        LAYOUTS[203].pack({"ClientOrderID": "x" * 32})
