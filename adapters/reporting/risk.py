"""Risk in the backtest report: every decision from the journal, and which rule blocked what, how often."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from mia_core.journal import JournalEntry
from mia_core.signals import RiskVerdict

DECISION_COLUMNS = ["time", "policy", "verdict", "side", "asked", "allowed", "order_reason", "reason"]
SUMMARY_COLUMNS = ["policy", "allow", "resize", "reject", "example"]


def risk_decisions_frame(journal: Iterable[JournalEntry]) -> pd.DataFrame:
    """One row per policy decision (journal ``risk`` entries), plus one per catastrophe trip."""
    rows: list[dict[str, object]] = []
    for entry in journal:
        if entry.kind == "risk":
            checked = entry.payload["event"]
            intent = checked.intent
            for decision in checked.decisions:
                rows.append({
                    "time": entry.ts, "policy": decision.policy, "verdict": decision.verdict.value,
                    "side": intent.side.value, "asked": intent.quantity, "allowed": decision.quantity,
                    "order_reason": intent.reason, "reason": decision.reason,
                })
        elif entry.kind == "catastrophe":
            event = entry.payload["event"]
            rows.append({
                "time": entry.ts, "policy": "catastrophe", "verdict": "trip", "side": "", "asked": 0, "allowed": 0,
                "order_reason": "", "reason": f"{event.trigger}: {event.detail}",
            })
    frame = pd.DataFrame(rows, columns=DECISION_COLUMNS)
    frame["time"] = pd.to_datetime(frame["time"].astype("int64"), utc=True)
    return frame


def risk_summary_frame(decisions: pd.DataFrame) -> pd.DataFrame:
    """Per policy: how many intents it allowed, resized and rejected, with the first blocking reason."""
    rows = []
    for policy, group in decisions.groupby("policy", sort=False):
        verdicts = group["verdict"]
        blocking = group[verdicts != RiskVerdict.ALLOW.value]
        rows.append({
            "policy": policy,
            "allow": int((verdicts == RiskVerdict.ALLOW.value).sum()),
            "resize": int((verdicts == RiskVerdict.RESIZE.value).sum()),
            "reject": int((verdicts == RiskVerdict.REJECT.value).sum() + (verdicts == "trip").sum()),
            "example": blocking["reason"].iloc[0] if len(blocking) else "",
        })
    return pd.DataFrame(rows, columns=SUMMARY_COLUMNS)


def risk_line(summary: pd.DataFrame) -> str:
    """One line for the terminal: rejections and resizes by rule (or that risk blocked nothing)."""
    if summary.empty:
        return "risk: no risk policies judged any order"
    blocked = summary[(summary["reject"] > 0) | (summary["resize"] > 0)]
    if blocked.empty:
        return f"risk: {int(summary['allow'].max())} order(s) judged, nothing blocked"
    parts = [
        f"{row.policy} {row.reject} rejected" + (f", {row.resize} resized" if row.resize else "")
        for row in blocked.itertuples()
    ]
    return "risk: " + "; ".join(parts)
