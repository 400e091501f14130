"""Start-up checks shared by `mia config check`, `mia run` and `mia backtest`."""

from __future__ import annotations

from adapters.bootstrap.config import SystemPlan
from adapters.bootstrap.errors import ConfigError, PluginError
from ports.components import Mode

_IB_KEYS = ("host", "port", "client_id")


def check_plan(plan: SystemPlan, live_flag: bool) -> None:
    """What the file must satisfy beyond each component's own settings; raises ConfigError.

    Live consent (``require_live_consent``), and settings that several parts of the
    system must agree on: the options-snapshot IB connection may not reuse the client
    id of the broker's or feed's connection (IB refuses a second connection with one
    client id), and an ``ib`` broker's ``journal_path`` must be the session's
    ``journal.path`` when both are set (else fills are booked twice after a restart).
    """
    plan.require_live_consent(live_flag)
    settings = plan.settings
    snapshots = settings.options_snapshots
    for section in ("broker", "data_feed"):
        planned = plan.one(section)
        config = planned.config
        if snapshots.enabled and snapshots.source == "ib" and all(hasattr(config, k) for k in _IB_KEYS):
            mine = (snapshots.ib_host, snapshots.ib_port, snapshots.ib_client_id)
            if mine == tuple(getattr(config, k) for k in _IB_KEYS):
                raise ConfigError(
                    plan.source,
                    "options_snapshots.ib_client_id",
                    f"{snapshots.ib_client_id} is also the client id of {section} {planned.ref.use!r} on "
                    f"{snapshots.ib_host}:{snapshots.ib_port}; IB allows one connection per client id: choose another",
                )
    broker = plan.one("broker").config
    journal_path = getattr(broker, "journal_path", "")
    if journal_path and settings.journal.path and journal_path != settings.journal.path:
        raise ConfigError(
            plan.source,
            "broker.journal_path",
            f"{journal_path!r} differs from journal.path {settings.journal.path!r}; the broker reads the session's "
            "journal to skip fills already booked: name the same file",
        )


def check_startable(plan: SystemPlan, live_flag: bool = False) -> None:
    """``check_plan``, then build every component and the engine as the run would, and release them.

    No broker is connected (connections open in ``Broker.connect``), no risk state is
    written: a system that passes here starts, as ``mia run`` / ``mia backtest``.
    """
    from adapters.bootstrap.backtest import backtest_engine, session_engine
    from adapters.bootstrap.container import build_system

    check_plan(plan, live_flag)
    system = build_system(plan)
    try:
        if plan.settings.mode is Mode.BACKTEST:
            backtest_engine(system)
        else:
            session_engine(system, persist_risk=False)
    except (ConfigError, PluginError):
        raise
    except ValueError as exc:  # the engine refuses the assembled components (e.g. names that publish alike)
        raise ConfigError(plan.source, "(system)", str(exc)) from exc
    finally:
        system.close()
