"""The session's figures in Prometheus' text format (prometheus-client), read from the board at each scrape."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector

# (metric name, help, where in the board's picture)
GAUGES: tuple[tuple[str, str, tuple[str, str]], ...] = (
    ("mia_process_cpu_percent", "CPU use of the MIA process, percent of one core", ("system", "cpu_pct")),
    ("mia_process_resident_megabytes", "Resident memory of the MIA process, MB", ("system", "rss_mb")),
    ("mia_disk_free_percent", "Free space on the journal's disk, percent", ("system", "disk_free_pct")),
    ("mia_event_loop_lag_milliseconds", "Latest event-loop lag sample, ms", ("system", "loop_lag_ms")),
    ("mia_event_loop_lag_p99_milliseconds", "99th percentile of recent event-loop lag, ms",
     ("system", "loop_lag_p99_ms")),
    ("mia_broker_latency_milliseconds", "Broker round-trip latency, ms", ("system", "broker_latency_ms")),
    ("mia_order_error_ratio", "Rejected share of the recent orders the broker answered", ("system", "error_rate")),
    ("mia_market_events_per_second", "Market events handled per second of uptime", ("system", "events_per_s")),
    ("mia_position_contracts", "Position held, contracts (negative short)", ("trading", "position")),
    ("mia_equity_dollars", "Account equity as the engine books it, dollars", ("trading", "equity")),
    ("mia_day_pnl_dollars", "Today's P&L (realized and open, after costs), dollars", ("trading", "day_pnl")),
    ("mia_unrealized_pnl_dollars", "Open P&L, dollars", ("trading", "unrealized")),
    ("mia_daily_loss_limit_dollars", "The daily loss limit, dollars", ("trading", "daily_loss_limit")),
    ("mia_profit_target_dollars", "The daily profit target, dollars", ("trading", "profit_target")),
    ("mia_entries_today", "Entries taken today", ("trading", "entries_today")),
    ("mia_win_rate_ratio", "Winning share of round trips", ("trading", "win_rate")),
    ("mia_profit_factor_ratio", "Gross wins over gross losses", ("trading", "profit_factor")),
    ("mia_drawdown_percent", "Drawdown from the equity peak, percent", ("trading", "drawdown_pct")),
    ("mia_sharpe_ratio", "Annualised Sharpe ratio of the session's daily equity", ("trading", "sharpe")),
)
# (counter name without _total, help, where): counts that only grow while the session runs
COUNTERS: tuple[tuple[str, str, tuple[str, str]], ...] = (
    ("mia_market_events", "Market events handled since the session started", ("system", "events")),
    ("mia_journal_entries", "Journal entries recorded since the session started", ("system", "messages")),
    ("mia_component_errors", "Component failures the session survived", ("system", "component_errors")),
    ("mia_round_trips", "Round trips closed this session", ("trading", "round_trips")),
    ("mia_rule_blocks", "Entries the risk rules blocked", ("trading", "rule_blocks")),
)
HEALTH = {"ready": 0, "degraded": 1, "down": 2}


class BoardCollector(Collector):
    """Yields one gauge per figure; a figure not known yet (None) is left out rather than shown as zero."""

    def __init__(self, picture: Callable[[], dict[str, Any]]) -> None:
        self.picture = picture

    def collect(self) -> Iterator[GaugeMetricFamily | CounterMetricFamily]:
        """The figures now."""
        picture = self.picture()
        for name, text, (section, key) in GAUGES:
            value = picture[section].get(key)
            if value is not None:
                yield GaugeMetricFamily(name, text, value=float(value))
        for name, text, (section, key) in COUNTERS:
            yield CounterMetricFamily(name, text, value=float(picture[section][key]))
        trading = picture["trading"]
        yield GaugeMetricFamily("mia_working_orders", "Orders working at the broker",
                                value=len(trading["working_orders"]))
        yield GaugeMetricFamily("mia_latched", "1 while the catastrophe latch is set",
                                value=float(picture["latch"]["latched"]))
        links = GaugeMetricFamily("mia_link_up", "1 while a link is up", labels=["link"])
        for link in picture["system"]["lost_links"]:
            links.add_metric([link], 0.0)
        yield links
        yield GaugeMetricFamily("mia_health_state", "0 ready, 1 degraded, 2 down",
                                value=HEALTH[picture["health"]["status"]])
        ml = GaugeMetricFamily("mia_ml_figure", "Figures the ML filter reports (confidence, drift)", labels=["figure"])
        for key, value in picture["ml"].items():
            ml.add_metric([str(key)], float(value))
        yield ml


def metrics_text(picture: Callable[[], dict[str, Any]]) -> bytes:
    """The exposition text of one scrape."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(BoardCollector(picture))
    return generate_latest(registry)
