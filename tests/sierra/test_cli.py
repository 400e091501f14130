"""``mia sierra check`` against the loopback server: each step shown, refusals and failures explained."""

from __future__ import annotations

from typer.testing import CliRunner

from adapters.bootstrap.cli import app
from adapters.sierra.driver import ServerThread

runner = CliRunner()


def check(thread: ServerThread, *extra: str) -> tuple[int, str]:
    result = runner.invoke(app, ["sierra", "check", "--port", str(thread.server.port), "--symbol", "ESZ26",
                                 "--timeout", "20", *extra])
    return result.exit_code, result.output


def test_check_lists_accounts_positions_balance_and_market_data(server: ServerThread) -> None:
    server.do(lambda: server.server.trade("ESZ26", 5000.0))
    code, out = check(server)
    assert code == 0, out
    for text in ("trade accounts", "Sim1", "positions", "flat", "balance", "100000.0 USD", "market data",
                 "DTC connection works"):
        assert text in out


def test_check_explains_refused_cme_data_as_a_note(server: ServerThread) -> None:
    server.server.options.restricted.append("ES*")
    code, out = check(server, "--encoding", "json")
    assert code == 0, out
    assert "does not relay CME data" in " ".join(out.split()) and ".scid" in out


def test_check_explains_trading_not_allowed(server: ServerThread) -> None:
    server.server.options.trading = False
    code, out = check(server, "--encoding", "json-compact")
    assert code == 0 and "Allow Trading" in " ".join(out.split())


def test_check_explains_a_disabled_dtc_server() -> None:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = runner.invoke(app, ["sierra", "check", "--port", str(port), "--timeout", "5"])
    assert result.exit_code == 1 and "Enable DTC Protocol Server" in " ".join(result.output.split())


def test_check_refuses_an_unknown_encoding() -> None:
    result = runner.invoke(app, ["sierra", "check", "--encoding", "xml"])
    assert result.exit_code == 2
