"""Every DTC message layout MIA reads or writes, by type id."""

from __future__ import annotations

from adapters.sierra.dtc import msg_history, msg_market, msg_session, msg_trading
from adapters.sierra.dtc.layout import Layout

LAYOUTS: dict[int, Layout] = {
    layout.type_id: layout
    for module in (msg_session, msg_market, msg_trading, msg_history)
    for layout in module.LAYOUTS
}


def layout_for(type_id: int) -> Layout | None:
    """The layout of ``type_id``, or None for a type MIA does not use (the message is skipped)."""
    return LAYOUTS.get(type_id)
