"""DTC codecs: JSON and compact forms, framing across any TCP cut, and hostile bytes refused with an offset."""

from __future__ import annotations

import json
import random

import pytest

from adapters.sierra.dtc import types as t
from adapters.sierra.dtc.codec import BinaryCodec, JsonCodec, codec_for
from adapters.sierra.errors import DtcProtocolError

TRADE = {"SymbolID": 1, "AtBidOrAsk": 0, "Price": 2058.75, "Volume": 12.0, "DateTime": 1456736458.0}
MESSAGES = [
    (t.MARKET_DATA_UPDATE_TRADE, TRADE),
    (t.MARKET_DATA_UPDATE_BID_ASK_COMPACT, {"BidPrice": 5905.0, "BidQuantity": 14.0, "AskPrice": 5905.25,
                                            "AskQuantity": 9.0, "DateTime": 1732406401, "SymbolID": 1}),
    (t.ORDER_UPDATE, {"ServerOrderID": "12345", "ClientOrderID": "py-1", "OrderStatus": 4, "Price1": 5900.0}),
    (t.HEARTBEAT, {"NumDroppedMessages": 0, "CurrentDateTime": 1732406400}),
    (t.LOGON_RESPONSE, {"Result": 1, "ResultText": "ok", "TradingIsSupported": 1}),
]


def test_spec_json_examples_decode() -> None:
    """The spec's own JSON and JSON-compact MARKET_DATA_UPDATE_TRADE examples."""
    codec = JsonCodec()
    plain = b'{"Type":107, "SymbolID":1, "AtBidOrAsk":0, "Price":2058.75, "Volume":12, "DateTime":1456736458}\0'
    compact = b'{"Type":107, "F":[1, 0, 2058.75, 12, 1456736458]}\0'
    (a, b) = codec.feed(plain + compact)
    assert a == b == (107, {**TRADE, "Volume": 12, "DateTime": 1456736458})


def test_compact_codec_writes_the_f_array_in_binary_order() -> None:
    raw = JsonCodec(compact=True).encode(t.MARKET_DATA_UPDATE_TRADE_COMPACT,
                                        {"Price": 5905.25, "Volume": 2, "DateTime": 1732406401, "SymbolID": 1,
                                         "AtBidOrAsk": 2})
    assert raw == b'{"Type":112,"F":[5905.25,2,1732406401,1,2]}\0'
    assert JsonCodec().encode(t.ORDER_UPDATE, {}).startswith(b'{"Type":301,')  # trading stays plain JSON


def test_heartbeat_compact_capture_decodes() -> None:
    assert JsonCodec(compact=True).feed(b'{"Type":3,"F":[0,1756300439]}\0') == [
        (3, {"NumDroppedMessages": 0, "CurrentDateTime": 1756300439})
    ]


@pytest.mark.parametrize("encoding", [t.BINARY, t.JSON, t.JSON_COMPACT])
def test_round_trip_survives_every_tcp_cut(encoding: int) -> None:
    """The same stream cut into 1-byte pieces, random pieces, or one coalesced read gives the same messages."""
    writer = codec_for(encoding)
    stream = b"".join(writer.encode(k, v) for k, v in MESSAGES)
    whole = codec_for(encoding).feed(stream)
    assert [k for k, _ in whole] == [k for k, _ in MESSAGES]
    assert whole[2][1]["ClientOrderID"] == "py-1" and whole[2][1]["Price2"] is None
    bytewise = codec_for(encoding)
    assert [m for i in range(len(stream)) for m in bytewise.feed(stream[i : i + 1])] == whole
    rng, pieces, at = random.Random(7), codec_for(encoding), 0
    got = []
    while at < len(stream):
        n = rng.randint(1, 300)
        got += pieces.feed(stream[at : at + n])
        at += n
    assert got == whole


def test_unknown_types_are_skipped_in_both_encodings() -> None:
    binary = BinaryCodec()
    unknown = (12).to_bytes(2, "little") + (9999).to_bytes(2, "little") + b"\x01" * 8
    hb = binary.encode(t.HEARTBEAT, {"CurrentDateTime": 5})
    assert [k for k, _ in binary.feed(unknown + hb)] == [t.HEARTBEAT] and binary.skipped == 1
    js = JsonCodec()
    assert [k for k, _ in js.feed(b'{"Type":9999,"X":1}\0{"Type":3}\0')] == [3] and js.skipped == 1


def test_size_below_header_is_refused_with_the_offset() -> None:
    codec = BinaryCodec()
    good = codec.encode(t.HEARTBEAT, {})
    with pytest.raises(DtcProtocolError, match="at byte 16 declares Size 2"):
        codec.feed(good + b"\x02\x00\x03\x00")


def test_lying_size_larger_than_the_struct_keeps_framing() -> None:
    """A Size larger than the struct: the tail is skipped, the next message still decodes."""
    codec = BinaryCodec()
    hb = bytearray(codec.encode(t.HEARTBEAT, {"CurrentDateTime": 9}))
    hb[0:2] = (40).to_bytes(2, "little")
    stream = bytes(hb) + b"\xee" * 24 + codec.encode(t.HEARTBEAT, {"CurrentDateTime": 10})
    assert [m["CurrentDateTime"] for _, m in codec.feed(stream)] == [9, 10]


def test_binary_buffer_is_bounded_by_the_16_bit_size() -> None:
    codec = BinaryCodec()
    codec.feed(b"\xff\xff\x03\x00" + b"\xff" * 70_000)  # a 65535-byte heartbeat, then a partial one
    assert len(codec._buffer) < 65_536


@pytest.mark.parametrize("raw, match", [
    (b'{"Type":3,\0', "invalid JSON at byte 0"),
    (b'[1,2]\0', "no integer Type"),
    (b'{"Type":"3"}\0', "no integer Type"),
    (b'{"Type":301,"ServerOrderID":5}\0', "ORDER_UPDATE.ServerOrderID: expected a string"),
    (b'{"Type":3,"CurrentDateTime":NaN}\0', "invalid JSON"),
    (b'{"Type":3,"F":{"a":1}}\0', "'F' must be an array"),
])
def test_invalid_json_is_refused_with_the_offset(raw: bytes, match: str) -> None:
    with pytest.raises(DtcProtocolError, match=match):
        JsonCodec().feed(raw)


def test_json_message_without_end_is_bounded() -> None:
    codec = JsonCodec(max_message=1000)
    codec.feed(b'{"Type":3,' + b" " * 900)
    with pytest.raises(DtcProtocolError, match="no message end"):
        codec.feed(b" " * 200)


def test_json_null_and_missing_mean_unset() -> None:
    (_, update), = JsonCodec().feed(json.dumps({"Type": 301, "Price1": None}).encode() + b"\0")
    assert update["Price1"] is None and update["Price2"] is None and update["ServerOrderID"] == ""
