"""`mia ib check` against the simulated gateway: what a working setup prints and what each failure says."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable

from ib_async import IB, Future
from typer.testing import CliRunner

from adapters.bootstrap.cli import app
from adapters.ib.check import CheckReport, run_check
from adapters.ib.config import IbConnectionConfig
from adapters.ib.contracts import months_of, resolve_front
from adapters.ib.gateway import SimulatedGateway
from mia_core.rolls import RollMethod, RollRule


def _check(prepare: Callable[[SimulatedGateway], None] = lambda gw: None, client_id: int = 51) -> CheckReport:
    async def scenario() -> CheckReport:
        async with SimulatedGateway(port=0, account="DU1234567", prices={"ES": 6001.25}) as gw:
            prepare(gw)
            config = IbConnectionConfig(port=gw.port, client_id=client_id, connect_timeout=3, request_timeout=5)
            return await run_check(config, "ES", 3.0)

    return asyncio.run(scenario())


def test_a_working_gateway_shows_the_masked_account_the_front_month_and_a_quote() -> None:
    report = _check()
    assert report.ok, report.problem
    steps = dict(report.steps)
    assert "DU*****67" in steps["account"] and "DU1234567" not in steps["account"]
    assert steps["front month"].startswith("ES") and "conId" in steps["front month"]
    assert "6001.25" in steps["quote"]


def test_missing_market_data_subscription_is_explained() -> None:
    report = _check(lambda gw: gw.not_subscribed("ES"))
    assert not report.ok and "IB 354" in report.problem and "Market Data Subscriptions" in report.problem
    assert [name for name, _ in report.steps] == ["connection", "account", "front month"]


def test_a_client_id_in_use_is_explained() -> None:
    report = _check(lambda gw: gw.refuse_client_id(52), client_id=52)
    assert not report.ok and report.problem.startswith("IB 326: client id already in use")


def test_the_command_prints_the_check_and_succeeds() -> None:
    async def serve_and_run() -> tuple[int, str]:
        async with SimulatedGateway(port=0) as gw:
            args = ["ib", "check", "--port", str(gw.port), "--client-id", "53", "--timeout", "3"]
            result = await asyncio.to_thread(CliRunner().invoke, app, args)
            return result.exit_code, result.output

    code, output = asyncio.run(serve_and_run())
    assert code == 0, output
    assert "front month" in output and "IB connection works" in output


def test_an_open_interest_rule_picks_the_month_ib_reports_more_open_interest_for() -> None:
    async def scenario() -> tuple[str, str]:
        async with SimulatedGateway(port=0) as gw:
            ib = IB()
            await ib.connectAsync("127.0.0.1", gw.port, clientId=54, timeout=5)
            try:
                today = dt.datetime.now(dt.UTC).date()
                chosen = await resolve_front(ib, "ES", today, RollRule(RollMethod.OPEN_INTEREST))
                details = await ib.reqContractDetailsAsync(Future("ES", exchange="CME", currency="USD"))
                near, following = sorted(months_of(details), key=lambda m: m[0].expiry)[:2]
                interest = []
                for _, contract in (near, following):  # read independently of the rule's own code path
                    ticker = ib.reqMktData(contract, "588", False, False)
                    for _ in range(100):
                        if ticker.futuresOpenInterest == ticker.futuresOpenInterest:
                            break
                        await asyncio.sleep(0.02)
                    interest.append(ticker.futuresOpenInterest)
                    ib.cancelMktData(contract)
                expected = following if interest[1] > interest[0] else near
                return chosen.localSymbol, expected[1].localSymbol
            finally:
                ib.disconnect()

    chosen, expected = asyncio.run(scenario())
    assert chosen == expected
