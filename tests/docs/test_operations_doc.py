"""docs/operations.md: its metrics table is what /metrics exports, the Grafana dashboard and the unit are usable."""

from __future__ import annotations

import json
import re

from adapters.monitor.metrics import COUNTERS, GAUGES

from .markdown import DOCS, sections

EXTRA = {"mia_working_orders", "mia_latched", "mia_link_up", "mia_health_state", "mia_ml_figure"}


def exported() -> set[str]:
    return {n for n, _, _ in GAUGES} | {f"{n}_total" for n, _, _ in COUNTERS} | EXTRA


def test_the_metrics_table_lists_exactly_the_exported_metrics() -> None:
    page = (DOCS / "operations.md").read_text()
    table = next(s for s in sections(page) if s.heading == "Metrics and health").rows()
    documented = {cells[0].strip("`") for key, cells in table.items() if key.startswith("`")}
    assert documented == exported()


def test_the_grafana_dashboard_queries_only_exported_metrics() -> None:
    board = json.loads((DOCS / "examples" / "grafana-mia.json").read_text())
    used = {name for panel in board["panels"] for target in panel["targets"]
            for name in re.findall(r"mia_[a-z0-9_]+", target["expr"])}
    assert used and used <= exported(), used - exported()
    assert len({panel["id"] for panel in board["panels"]}) == len(board["panels"])


def test_the_unit_starts_with_the_preflight_and_stops_with_sigterm() -> None:
    unit = (DOCS / "examples" / "mia.service").read_text()
    assert re.search(r"^ExecStart=\S+/mia start \S+\.yaml", unit, re.M)
    assert "KillSignal=SIGTERM" in unit and "EnvironmentFile=" in unit
    assert "--live" not in unit  # a unit from the docs never trades real money by default
