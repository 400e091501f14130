"""docs/adapters/ib.md stays true: its YAML is a valid system, its ports and codes match the code."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from adapters.bootstrap.config import plan_system, read_yaml
from adapters.bootstrap.plugins import discover
from adapters.ib.config import IbBrokerConfig
from adapters.ib.errors import CODES
from adapters.ib.pacing import PacingLimits

PAGE = Path(__file__).resolve().parents[2] / "docs" / "adapters" / "ib.md"
FENCE = re.compile(r"(?P<before>[^\n]*)\n```yaml\n(?P<body>.*?)\n```", re.S)


def yaml_blocks(text: str) -> list[str]:
    """Fenced yaml blocks not preceded by the not-a-system marker."""
    return [m["body"] for m in FENCE.finditer(text) if "not-a-system" not in m["before"]]


def test_every_yaml_block_is_a_valid_ib_system(tmp_path: Path) -> None:
    blocks = yaml_blocks(PAGE.read_text())
    assert blocks
    for block in blocks:
        source = tmp_path / "system.yaml"
        source.write_text(block)
        plan = plan_system(read_yaml(source), discover(), source=str(source))
        assert plan.one("broker").spec.name == "ib" and plan.one("data_feed").spec.name == "ib_feed"


def test_the_page_states_what_the_code_does() -> None:
    text = PAGE.read_text()
    for port in ("7497", "7496", "4002", "4001"):
        assert port in text
    assert f"`{IbBrokerConfig().account_env}`" in text or IbBrokerConfig().account_env in text
    for code in (1100, 1101, 1102, 2104, 2106, 2158, 162, 326, 354, 10197):
        assert str(code) in text and code in CODES
    limits = PacingLimits()
    assert f"within {limits.identical_window_s} s" in text and f"at most {limits.per_contract_max} per contract" in text
    assert f"at most {limits.total_max} in 10 minutes" in text


def test_the_gateway_fault_section_names_real_flags_and_operations_and_its_example_runs(
    capsys: pytest.CaptureFixture[str],
) -> None:
    import typer.main

    from adapters.ib.cli import ib_app
    from adapters.ib.driver import GatewayThread
    from adapters.ib.gateway.control import OPS, ControlServer

    text = PAGE.read_text()
    section = text[text.index("### Moving prices and the account's faults"):]
    gateway = typer.main.get_command(ib_app).commands["gateway"]  # type: ignore[attr-defined]
    options = {o for p in gateway.params for o in p.opts}
    for line in re.findall(r"^mia ib gateway .*$", section, re.M):
        assert set(re.findall(r"--[a-z-]+", line)) <= options, line
    for op in re.findall(r"\| `(\w+)`(?: \(| with|  *\|)", section):
        assert op in OPS, op
    assert set(OPS) <= set(re.findall(r"`(\w+)`", section))
    example = section.split("<!-- control-example -->\n```python\n")[1].split("```")[0]
    thread = GatewayThread()
    server = ControlServer(thread.gateway)
    try:
        thread.call(server.start())
        exec(compile(example.replace("4003", str(server.port)), "ib.md", "exec"), {})
    finally:
        thread.call(server.stop())
        thread.stop()
    assert capsys.readouterr().out.startswith("0 0 {}")
