"""Torture: `mia run` against the simulated IB Gateway in its own process, SIGKILLed at seeded moments."""

from __future__ import annotations

import contextlib
import json
import os
import random
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .torture_harness import (
    TortureFigures,
    account_position,
    journal_fills,
    latched_on_screen,
    others_position,
    session_position,
    signed,
    system_figures,
)
from .torture_processes import GatewayProcess, MiaProcess, risk_stop, system_file, wait_until

ALPHA, BETA = 41, 42
KILLS = int(os.environ.get("MIA_TORTURE_KILLS", "8"))
SEED = int(os.environ.get("MIA_TORTURE_SEED", "13"))
# what happens to the gateway in each life of the first system, before it is killed (repeats past the end)
FAULTS = ("none", "delay_fills", "drop_before_ack", "restart_rollback", "restart_reuse_exec_ids", "drop_after_ack",
          "second_session", "none")


class Torture:
    """One run: the gateway, two systems, the kills and faults, then the ledger and the journals.

    Between kills the gateway restarts with order-id rollback (once reusing execution ids),
    drops a connection mid-order (before and after acknowledging it), delays fills, and a
    second system trades the same account under another client id. At the end the
    gateway's ledger is the truth MIA is checked against (``torture_harness``); each check
    is its own test below. Bounded for CI (``MIA_TORTURE_KILLS``, default 8); a long run:
    ``MIA_TORTURE_LONG=1 pytest -m slow tests/ib/test_torture.py``.
    """

    def __init__(self, home: Path, kills: int, seed: int) -> None:
        self.home, self.kills_wanted, self.rng = home, kills, random.Random(seed)
        self.gw = GatewayProcess(home, seed, lifetime=120.0 + 60.0 * kills)  # the gateway ends itself after that
        try:
            self.alpha = system_file(home, "alpha", self.gw.port, ALPHA, seed)
            self.beta = system_file(home, "beta", self.gw.port, BETA, seed + 1)
        except BaseException:
            self.gw.stop()
            raise
        self.kills = self.drops = 0
        self.exits: list[str] = []  # lives that ended by themselves (not killed)
        self.second: MiaProcess | None = None
        self.texts: dict[int, str] = {}
        self.latch_kept: bool | None = None

    # --- the gateway ----------------------------------------------------------------------
    def _orders_of(self, client_id: int) -> int:
        return sum(1 for o in self.gw.ledger()["orders"] if o["client_id"] == client_id)

    def _connected(self, client_id: int, mia: MiaProcess) -> bool:
        """Wait until ``mia`` is up (its market data subscribed at the gateway); False if it ended or never did."""
        def up() -> bool:
            if mia.process.poll() is not None:
                raise EOFError
            return client_id in self.gw.ledger()["subscribed"]

        try:
            return wait_until(f"client {client_id} to connect", up)
        except EOFError:
            self.exits.append(f"{mia.out.name}: exited with {mia.process.returncode}")
            return False

    def _fault(self, name: str, mia: MiaProcess) -> None:
        gw = self.gw
        if name == "delay_fills":
            gw.control("delay_fills", ms=300)
        elif name.startswith("drop_"):
            gw.control("drop_next_order", moment=name[len("drop_"):])
            self.drops += 1  # (not counted at the end if it never fired)
        elif name.startswith("restart_"):
            gw.control("restart", downtime=1.0, rollback=True, reuse_exec_ids=name.endswith("exec_ids"))
            self._connected(ALPHA, mia)  # it reconnects by itself
        elif name == "second_session" and self.second is None:
            self.second = MiaProcess(self.home, self.beta, "beta")
            self._connected(BETA, self.second)
        if name not in ("delay_fills", "drop_before_ack", "drop_after_ack"):
            gw.control("delay_fills", ms=0)

    # --- the first system's lives -----------------------------------------------------------
    def life(self, index: int) -> None:
        """Start the first system, hurt the gateway, kill the system at a seeded moment."""
        mia = MiaProcess(self.home, self.alpha, f"alpha-{index}")
        try:
            self._connected(ALPHA, mia)
            self._fault(FAULTS[index % len(FAULTS)], mia)
            if self.rng.random() < 0.5:  # mid-order: as soon as the gateway has its next order
                placed = self._orders_of(ALPHA)
                wait_until("an order", lambda: self._orders_of(ALPHA) > placed, limit=20.0, every=0.01)
            else:
                time.sleep(self.rng.uniform(0.3, 2.5))
        finally:
            mia.kill()
            self.kills += 1

    def last_lives(self) -> None:
        """Kill it once more holding a position it has journaled, latch it (`mia risk stop`), restart it."""
        if self.second is not None:
            self._wind_down(BETA, self.beta, self.second)
        mia = MiaProcess(self.home, self.alpha, "alpha-holding")
        try:
            self._connected(ALPHA, mia)
            wait_until("a journaled open position", self._holding_journaled, limit=30.0, every=0.02)
        finally:
            mia.kill()
            self.kills += 1
        risk_stop(self.home, self.alpha, "torture: latched while down")
        orders_before = len(self.gw.ledger()["orders"])
        final = MiaProcess(self.home, self.alpha, "alpha-final")
        try:
            self._connected(ALPHA, final)
            time.sleep(6.0)  # time to reconcile (and, latched, to flatten)
        finally:
            self.texts[ALPHA] = final.stop()
        self.latch_kept = latched_on_screen(self.texts[ALPHA]) and self._still_latched() and not self._entered(
            orders_before)

    def _wind_down(self, client_id: int, system: Path, mia: MiaProcess) -> None:
        """Stop a running system as its trader would: latch it (`mia risk stop`), let it cancel its orders and
        flatten, wait until the gateway shows it flat with nothing working and its journal holds every execution,
        then stop it (SIGTERM). What it still holds then is closed by a trade typed into TWS."""
        risk_stop(self.home, system, "torture: the second session ends")
        journal = self.home / f"{system.stem}.journal"

        def settled() -> bool:
            ledger = self.gw.ledger()
            mine = [e for e in ledger["executions"] if e["client_id"] == client_id]
            working = [o for o in ledger["orders"] if o["client_id"] == client_id
                       and o["status"] in ("Submitted", "PreSubmitted", "PendingSubmit", "PendingCancel")]
            booked = {str(f.get("fill_id")) for f in journal_fills(journal)}
            return not working and sum(signed(e["side"], e["shares"]) for e in mine) == 0 and {
                e["exec_id"] for e in mine} <= booked

        wait_until("the second session latched, flat and booked", settled, limit=30.0, every=0.1)
        self.texts[client_id] = mia.stop()
        self._close_for(client_id)

    def _still_latched(self) -> bool:
        """The latch file still says latched (where the system keeps one)."""
        from adapters.risk.store import read_latch

        state = read_latch(self.home / "alpha.risk.json")
        return state is None or state.latched

    def _entered(self, since: int) -> bool:
        """Whether the first system placed an entry (a bracket: random_entry's entries have a stop and target)
        among the gateway's orders after the first ``since``."""
        orders = self.gw.ledger()["orders"][since:]
        return any(o["client_id"] == ALPHA and str(o["order_ref"]).endswith((":sl", ":tp")) for o in orders)

    def _close_for(self, client_id: int) -> None:
        """Cancel a stopped system's working orders and close what its orders left open with a trade typed
        into TWS (the account then holds only what the first system's orders did)."""
        self.gw.control("cancel_orders", client_id=client_id)  # its brackets' children would fill later
        executions = [e for e in self.gw.ledger()["executions"] if e["client_id"] == client_id]
        held = sum(signed(e["side"], e["shares"]) for e in executions)
        if held:
            self.gw.control("manual_trade", local_symbol=executions[-1]["local_symbol"], quantity=-held)

    def _holding_journaled(self) -> bool:
        ledger = self.gw.ledger()
        mine = {e["exec_id"] for e in ledger["executions"] if e["client_id"] == ALPHA}
        held = sum(signed(e["side"], e["shares"]) for e in ledger["executions"] if e["client_id"] == ALPHA)
        booked = {str(f.get("fill_id")) for f in journal_fills(self.home / "alpha.journal")}
        return held != 0 and mine <= booked

    def run(self) -> TortureFigures:
        """The whole torture; returns its figures (printed)."""
        for index in range(self.kills_wanted):
            self.life(index)
        self.last_lives()
        ledger = self.gw.ledger()
        if ledger["faults"]["drop_next_order"]:  # set, but no order came before the end
            self.drops -= 1
        (self.home / "ledger.json").write_text(json.dumps(ledger, indent=1), encoding="utf-8")  # for a post-mortem
        return self.figures(ledger)

    def figures(self, ledger: dict[str, Any]) -> TortureFigures:
        """Each system's figures against the gateway's ledger."""
        systems = [system_figures(ledger, ALPHA, journal_fills(self.home / "alpha.journal"),
                                  session_position=session_position(self.texts.get(ALPHA, "")))]
        if BETA in self.texts:
            systems.append(system_figures(ledger, BETA, journal_fills(self.home / "beta.journal"),
                                          session_position=session_position(self.texts[BETA])))
        return TortureFigures(self.kills, int(ledger["restarts"]), self.drops, tuple(systems),
                              account_position(ledger), others_position(ledger), self.latch_kept, tuple(self.exits))

    def stop(self) -> None:
        """Stop whatever still runs (bounded)."""
        try:
            if self.second is not None:
                self.second.stop()
        finally:
            self.gw.stop()


def show(config: pytest.Config, figures: TortureFigures) -> None:
    """Print the figures on the terminal, past pytest's output capture."""
    capture = config.pluginmanager.get_plugin("capturemanager")
    with capture.global_and_fixture_disabled() if capture is not None else contextlib.nullcontext():
        print("\n" + figures.text(), flush=True)


@pytest.fixture(scope="module")
def figures(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Iterator[TortureFigures]:
    """One torture run shared by the checks below."""
    torture = Torture(tmp_path_factory.mktemp("torture"), KILLS, SEED)
    try:
        result = torture.run()
    finally:
        torture.stop()
    show(request.config, result)
    yield result


def test_the_torture_ran_killed_restarted_dropped_and_traded(figures: TortureFigures) -> None:
    faults = [FAULTS[i % len(FAULTS)] for i in range(KILLS)]
    assert figures.kills == KILLS + 1  # and the last, holding a position
    assert figures.gateway_restarts == sum(f.startswith("restart_") for f in faults)
    assert figures.drops == sum(f.startswith("drop_") for f in faults)  # each fired
    assert figures.exits == ()  # every MIA process lived until it was killed or stopped
    alpha = figures.systems[0]
    assert alpha.orders >= KILLS and alpha.executions >= 4  # it traded in most lives
    assert len(figures.systems) == ("second_session" in faults) + 1
    assert all(s.orders >= 1 for s in figures.systems)  # the second session traded too


def test_no_order_is_placed_twice(figures: TortureFigures) -> None:
    assert figures.duplicates == 0


def test_the_first_system_loses_no_fill(figures: TortureFigures) -> None:
    assert figures.systems[0].lost == 0


def test_the_second_session_loses_no_fill(figures: TortureFigures) -> None:
    assert [s.lost for s in figures.systems[1:]] == [0] * (len(figures.systems) - 1)


def test_no_fill_is_booked_twice(figures: TortureFigures) -> None:
    assert [s.double_booked for s in figures.systems] == [0] * len(figures.systems)


def test_no_session_books_another_sessions_fills(figures: TortureFigures) -> None:
    assert [s.adopted for s in figures.systems] == [0] * len(figures.systems)


def test_the_last_session_ends_holding_what_ib_holds(figures: TortureFigures) -> None:
    alpha = figures.systems[0]
    assert alpha.session_position == alpha.broker_position


def test_the_first_systems_journal_moves_cash_and_position_as_ib_did(figures: TortureFigures) -> None:
    alpha = figures.systems[0]
    assert (alpha.journal_cash_cents, alpha.journal_position) == (alpha.broker_cash_cents, alpha.broker_position)


def test_the_second_sessions_journal_moves_cash_and_position_as_ib_did(figures: TortureFigures) -> None:
    for s in figures.systems[1:]:
        assert (s.journal_cash_cents, s.journal_position) == (s.broker_cash_cents, s.broker_position)


def test_the_latch_survives_a_kill_and_restart(figures: TortureFigures) -> None:
    assert figures.latch_kept is True


@pytest.mark.slow
@pytest.mark.skipif("MIA_TORTURE_LONG" not in os.environ, reason="the long torture: set MIA_TORTURE_LONG=1")
def test_a_long_torture_finds_no_mismatch(tmp_path: Path, request: pytest.FixtureRequest) -> None:
    torture = Torture(tmp_path, int(os.environ.get("MIA_TORTURE_LONG_KILLS", "40")), SEED + 1)
    try:
        result = torture.run()
    finally:
        torture.stop()
    show(request.config, result)
    assert result.mismatches() == []
