"""`mia ib check` names one clear cause per failure, and never prints an account id IB echoes."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

import pytest

from adapters.ib.check import CheckReport, run_check
from adapters.ib.config import IbConnectionConfig
from adapters.ib.gateway import SimulatedGateway

ACCOUNT = "DU7654321"


def _check(prepare: Callable[[SimulatedGateway], None], client_id: int = 71) -> CheckReport:
    async def scenario() -> CheckReport:
        async with SimulatedGateway(port=0, account=ACCOUNT, prices={"ES": 6001.25}) as gw:
            prepare(gw)
            config = IbConnectionConfig(port=gw.port, client_id=client_id, connect_timeout=1.5, request_timeout=1.5)
            return await run_check(config, "ES", 2.0)

    return asyncio.run(scenario())


def test_a_request_ib_never_answers_is_named_not_an_empty_problem() -> None:
    report = _check(lambda gw: gw.faults.silent.add(9))  # reqContractDetails left unanswered
    assert not report.ok
    problem = report.problem
    assert problem.split(": ", 1)[1].strip(), problem  # the old text ended after "front month of ES: "
    assert "contract details" in problem and "1.5 s" in problem and "request_timeout" in problem


def test_an_empty_account_list_is_not_explained_as_the_api_being_disabled() -> None:
    def no_accounts(gw: SimulatedGateway) -> None:
        gw.faults.managed_accounts = []

    report = _check(no_accounts)
    assert not report.ok
    assert "no account" in report.problem and "server version 178" in report.problem
    assert "ActiveX" not in report.problem and "Trusted IPs" not in report.problem


def test_a_server_version_ib_async_cannot_speak_is_named() -> None:
    def old_gateway(gw: SimulatedGateway) -> None:
        gw.faults.handshake_version = 150

    report = _check(old_gateway)
    assert not report.ok
    assert "version 150" in report.problem and "157" in report.problem and "update" in report.problem
    assert "ActiveX" not in report.problem and "Trusted IPs" not in report.problem


def test_messages_in_an_old_error_layout_are_one_cause_not_decoder_tracebacks(
    caplog: pytest.LogCaptureFixture,
) -> None:
    def old_errors(gw: SimulatedGateway) -> None:
        gw.faults.legacy_error_layout = True

    with caplog.at_level(logging.INFO):
        report = _check(old_errors)
    assert not [r for r in caplog.records if r.exc_info or "Error handling fields" in r.getMessage()]
    assert not report.ok
    assert "could not be read" in report.problem and "error message" in report.problem
    assert "update TWS/IB Gateway" in report.problem


def test_an_account_id_ib_echoes_is_masked() -> None:
    def echo(gw: SimulatedGateway) -> None:
        gw.not_subscribed("ES")
        gw.faults.texts[354] = f"Requested market data is not subscribed for account {ACCOUNT}."

    report = _check(echo)
    assert "IB 354" in report.problem
    assert ACCOUNT not in report.problem and "DU*****21" in report.problem
    assert all(ACCOUNT not in text for _, text in report.steps)
