"""What ``mia journal`` shows: trades, orders, one trade's story and export frames, from plain journal entries."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from adapters.journal.jsonl import to_plain
from adapters.journal.schema import key_columns
from mia_core.journal import JournalEntry
from mia_core.timeutil import cme_trading_day, ns_to_datetime

if TYPE_CHECKING:
    import pandas as pd

Plain = dict[str, Any]


def plain_entries(entries: Iterable[JournalEntry]) -> list[Plain]:
    """Entries as plain data with their place (``seq``, from 1) and key columns."""
    rows = []
    for seq, entry in enumerate(entries, 1):
        payload = to_plain(entry.payload)
        client_order_id, order_id, exec_id = key_columns(payload)
        rows.append({"seq": seq, "ts": entry.ts, "kind": entry.kind, "client_order_id": client_order_id,
                     "order_id": order_id, "exec_id": exec_id, "payload": payload})
    return rows


def when(ts: int) -> str:
    """A UTC time for a table."""
    return f"{ns_to_datetime(ts):%Y-%m-%d %H:%M:%S}"


def last_day(entries: list[Plain], kinds: tuple[str, ...]) -> date | None:
    """The last CME trading day with an entry of ``kinds`` (None if none)."""
    stamps = [e["ts"] for e in entries if e["kind"] in kinds]
    return cme_trading_day(max(stamps)) if stamps else None


def trades(entries: list[Plain]) -> list[Plain]:
    """Every round trip, numbered in journal order (``trade #N``), with the setup of the last signal before it."""
    rows: list[Plain] = []
    signals: list[tuple[int, str]] = []
    for entry in entries:
        if entry["kind"] == "signal":
            signal = entry["payload"]["event"]["signal"]
            signals.append((int(signal["ts"]), str(signal.get("source", ""))))
        elif entry["kind"] == "round_trip":
            trip = entry["payload"]["trip"]
            setup = next((source for ts, source in reversed(signals) if ts <= int(trip["entry_ts"])), "")
            rows.append({"trade": len(rows) + 1, **trip, "setup": setup})
    return rows


def trades_on(entries: list[Plain], day: date | None) -> list[Plain]:
    """The trades that closed on ``day`` (all when None)."""
    return [t for t in trades(entries) if day is None or cme_trading_day(int(t["exit_ts"])) == day]


def orders(entries: list[Plain]) -> list[Plain]:
    """One row per order (its latest state, ``first_ts`` when first seen), in the order first seen."""
    latest: dict[str, Plain] = {}
    first: dict[str, int] = {}
    for entry in entries:
        if entry["kind"] != "order":
            continue
        event = entry["payload"]["event"]
        order = event["order"]
        oid = str(order["order_id"])
        first.setdefault(oid, int(entry["ts"]))
        intent = order["intent"]
        latest[oid] = {
            "order_id": oid, "first_ts": first[oid], "ts": int(entry["ts"]),
            "client_order_id": entry["client_order_id"],
            "side": intent["side"], "type": intent["order_type"], "quantity": intent["quantity"],
            "price": intent.get("limit_price") or intent.get("stop_price"), "status": order["status"],
            "filled": order.get("filled_quantity", 0), "average": order.get("average_fill_price"),
            "parent_id": order.get("parent_id") or "", "reason": intent.get("reason", ""),
        }
    return list(latest.values())


def story(entries: list[Plain], key: str) -> list[Plain]:
    """One trade's story in order: its signal, the risk decisions, intents, orders (with bracket legs) and fills.

    ``key`` is a trade number (``12`` or ``#12``, as ``mia journal trades`` shows) or a
    client order id. An unknown key is a KeyError naming it.
    """
    number = key.lstrip("#")
    if number.isdigit():
        return _trade_story(entries, int(number))
    ids = {e["order_id"] for e in entries if e["client_order_id"] == key and e["order_id"]}
    if not ids and not any(e["client_order_id"] == key for e in entries):
        raise KeyError(f"no trade #{key} and no order with client order id {key!r} in this journal")
    ids |= {e["order_id"] for e in entries if e["kind"] == "order" and
            str(e["payload"]["event"]["order"].get("parent_id") or "") in ids}
    return [e for e in entries if e["client_order_id"] == key or (e["order_id"] and e["order_id"] in ids)]


def _trade_story(entries: list[Plain], number: int) -> list[Plain]:
    all_trades = trades(entries)
    if not 1 <= number <= len(all_trades):
        raise KeyError(f"no trade #{number}: this journal holds {len(all_trades)} trades")
    trip = all_trades[number - 1]
    entry_ts, exit_ts, side = int(trip["entry_ts"]), int(trip["exit_ts"]), trip["side"]
    fills = [e for e in entries if e["kind"] == "fill" and (
        (e["ts"] == entry_ts and e["payload"]["event"]["fill"]["side"] == side)
        or (e["ts"] == exit_ts and e["payload"]["event"]["fill"]["side"] != side))]
    ids = {e["order_id"] for e in fills}
    ids |= {e["order_id"] for e in entries if e["kind"] == "order" and
            str(e["payload"]["event"]["order"].get("parent_id") or "") in ids}
    clients = {e["client_order_id"] for e in entries if e["order_id"] in ids and e["client_order_id"]}
    signals = [e for e in entries if e["kind"] == "signal" and e["ts"] <= entry_ts]
    start = signals[-1]["ts"] if signals else entry_ts
    chosen = [e for e in entries if (e["order_id"] and e["order_id"] in ids) or e["client_order_id"] in clients
              or (e["kind"] == "risk" and start <= e["ts"] <= entry_ts)]
    round_trip = [e for e in entries if e["kind"] == "round_trip" and e["payload"]["trip"] == _trip_only(trip)]
    return sorted(signals[-1:] + chosen + round_trip[:1], key=lambda e: e["seq"])


def _trip_only(trade: Plain) -> Plain:
    return {k: v for k, v in trade.items() if k not in ("trade", "setup")}


def describe(entry: Plain) -> str:
    """One line telling what an entry says."""
    kind, payload = entry["kind"], entry["payload"]
    event: Mapping[str, Any] = payload.get("event") or {}
    if kind == "signal":
        s = event["signal"]
        grade = f"({s.get('grade', '')})"
        return f"signal {s.get('source', '')} direction {s.get('direction')} {grade} {s.get('reason', '')}"
    if kind == "risk":
        verdicts = ", ".join(f"{d['policy']} {d['verdict']}" + (f" ({d['reason']})" if d.get("reason") else "")
                             for d in event.get("decisions", ()))
        return f"risk on {event['intent']['side']} {event['intent']['quantity']}: {verdicts}"
    if kind == "order":
        o = event["order"]
        i = o["intent"]
        price = i.get("limit_price") or i.get("stop_price") or ""
        return (f"order {o['order_id']} {i['side']} {i['quantity']} {i['order_type']} {price} {o['status']}"
                f" filled {o.get('filled_quantity', 0)} ({i.get('reason', '')})").replace("  ", " ")
    if kind == "fill":
        f = event["fill"]
        return f"fill {f.get('fill_id', '')} of order {f['order_id']}: {f['side']} {f['quantity']} @ {f['price']}"
    if kind == "round_trip":
        t = payload["trip"]
        return (f"round trip {t['side']} {t['quantity']} {t['entry_price']} -> {t['exit_price']} "
                f"net ${t['net_cents'] / 100:,.2f} ({t.get('exit_reason', '')})")
    if kind == "order_intent":
        return f"order intent {entry['client_order_id']}"
    return f"{kind} {json.dumps(payload, default=str)[:160]}"


def export_frame(entries: list[Plain], kind: str | None) -> pd.DataFrame:
    """A table of entries: key columns and the payload as JSON; with ``kind``, its payload's fields as columns."""
    import pandas as pd
    chosen = [e for e in entries if kind is None or e["kind"] == kind]
    base = pd.DataFrame({
        "seq": [e["seq"] for e in chosen], "ts": [e["ts"] for e in chosen],
        "time_utc": [ns_to_datetime(e["ts"]).isoformat() for e in chosen], "kind": [e["kind"] for e in chosen],
        "client_order_id": [e["client_order_id"] for e in chosen], "order_id": [e["order_id"] for e in chosen],
        "exec_id": [e["exec_id"] for e in chosen],
    })
    if kind is None or not chosen:
        return base.assign(payload=[json.dumps(e["payload"], default=str) for e in chosen])
    fields = pd.json_normalize([e["payload"] for e in chosen])
    fields = fields.map(lambda v: json.dumps(v) if isinstance(v, list | dict) else v)
    return pd.concat([base, fields.set_axis(range(len(fields)))], axis=1)
