"""System YAML: interpolation, strict validation naming file/key/allowed values, live consent, composition."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from dependency_injector import providers
from typer.testing import CliRunner

from adapters.bootstrap.cli import app
from adapters.bootstrap.config import SystemPlan, load_plan, read_yaml
from adapters.bootstrap.container import build_container, build_system
from adapters.bootstrap.errors import ConfigError, PluginError
from adapters.bootstrap.plugins import PluginHost, PluginInfo
from adapters.clocks import WallClock
from mia_core.clock import ManualClock
from mia_core.instruments import ES, NQ
from mia_plugins.basic_risk.plugin import MaxPositionPolicy
from mia_plugins.sma_cross.strategy import SmaCrossStrategy
from ports import Analyzer, Broker, DataFeed, Notifier, RiskPolicy, SignalFilter, Strategy, Technique
from ports.components import ComponentKind, Mode
from ports.hookspecs import hookimpl

from .conftest import write_distribution
from .fake_plugins.kit import KitBroker, KitConfig, KitNotifier, KitStrategy, spec

BASE = """
data_feed: {use: bundled}
broker: {use: kit_broker}
strategy: {use: sma_cross, fast: 5, slow: 20}
"""


def write(tmp_path: Path, text: str, name: str = "system.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return path


def config_error(tmp_path: Path, host: PluginHost, text: str) -> ConfigError:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_plan(path, host)
    error = caught.value
    assert error.source == str(path)
    assert str(error).startswith(f"{path}: {error.path}: ")
    return error


# --- ${ENV:default} interpolation ------------------------------------------------------------

INTERPOLATED = """
instrument: ${MIA_TEST_SYMBOL:ES}
data_feed: {use: bundled, dataset: "${MIA_TEST_DATASET:sp500}"}
broker: {use: kit_broker, cash: ${MIA_TEST_CASH:25000}}
strategy: {use: sma_cross, fast: ${MIA_TEST_FAST:5}, slow: 20}
"""


def test_environment_defaults_apply_when_variables_are_unset(
    tmp_path: Path, host: PluginHost, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("MIA_TEST_SYMBOL", "MIA_TEST_DATASET", "MIA_TEST_CASH", "MIA_TEST_FAST"):
        monkeypatch.delenv(name, raising=False)
    plan = load_plan(write(tmp_path, INTERPOLATED), host)
    assert plan.instrument is ES
    assert plan.one("data_feed").config.dataset == "sp500"
    assert plan.one("broker").config.cash == 25_000.0
    assert plan.one("strategy").config.fast == 5  # substituted before parsing: an integer, not "5"


def test_environment_variables_replace_the_placeholders(
    tmp_path: Path, host: PluginHost, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MIA_TEST_SYMBOL", "NQ")
    monkeypatch.setenv("MIA_TEST_DATASET", "nasdaq")
    monkeypatch.setenv("MIA_TEST_CASH", "50000.5")
    monkeypatch.setenv("MIA_TEST_FAST", "7")
    plan = load_plan(write(tmp_path, INTERPOLATED), host)
    assert plan.instrument is NQ
    assert plan.one("data_feed").config.dataset == "nasdaq"
    assert plan.one("broker").config.cash == 50_000.5
    assert plan.one("strategy").config.fast == 7


def test_a_missing_environment_variable_without_default_is_an_error(
    tmp_path: Path, host: PluginHost, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MIA_TEST_UNSET", raising=False)
    error = config_error(tmp_path, host, BASE + "notifiers: [{use: kit_notifier, label: '${MIA_TEST_UNSET}'}]\n")
    assert error.path == "(environment)"
    assert "MIA_TEST_UNSET" in error.message
    assert "${NAME:default}" in error.message


# --- strict validation: file, key path, what is allowed -------------------------------------


def test_an_unknown_top_level_key_lists_the_allowed_ones(tmp_path: Path, host: PluginHost) -> None:
    error = config_error(tmp_path, host, BASE + "strateggy: {use: sma_cross}\n")
    assert error.path == "strateggy"
    assert error.message.startswith("unknown key; allowed: ")
    allowed = set(error.message.split("allowed: ", 1)[1].split(", "))
    assert {"mode", "instrument", "plugins", "data_feed", "strategy"} <= allowed


def test_an_unknown_nested_setting_lists_the_allowed_ones(tmp_path: Path, host: PluginHost) -> None:
    error = config_error(tmp_path, host, BASE + "backtest: {begin: 2010-01-01}\n")
    assert error.path == "backtest.begin"
    assert "unknown key; allowed: start, end" in error.message


def test_an_unknown_component_setting_lists_the_component_settings(tmp_path: Path, host: PluginHost) -> None:
    error = config_error(tmp_path, host, BASE.replace("fast: 5", "fastt: 5"))
    assert error.path == "strategy.fastt"
    assert error.message == "unknown key; allowed: fast, slow (settings of strategy 'sma_cross')"


def test_a_setting_in_a_list_entry_is_named_by_index(tmp_path: Path, host: PluginHost) -> None:
    error = config_error(
        tmp_path, host, BASE + "risk_policies: [{use: kit_risk}, {use: max_position, max_contract: 1}]\n"
    )
    assert error.path == "risk_policies[1].max_contract"
    assert "allowed: max_contracts" in error.message


@pytest.mark.parametrize(
    ("extra", "path", "allowed"),
    [
        ("mode: yolo", "mode", "got 'yolo'; allowed: one of 'backtest', 'paper', 'live'"),
        ("live_trading: maybe", "live_trading", "expected true/false"),
        ("instrument: 5", "instrument", "expected a string"),
        ("backtest: {start: next tuesday}", "backtest.start", "expected a date (YYYY-MM-DD) or null"),
        ("plugins: {disable: sma_cross}", "plugins.disable", "expected list of a string"),
        ("techniques: {use: kit_technique}", "techniques", "expected a list of technique entries"),
        ("notifiers: [{use: console, min_level: loud}]", "notifiers[0].min_level", "'info', 'warning', 'critical'"),
    ],
)
def test_a_wrong_type_names_the_key_and_the_expected_type(
    tmp_path: Path, host: PluginHost, extra: str, path: str, allowed: str
) -> None:
    error = config_error(tmp_path, host, BASE + extra + "\n")
    assert error.path == path
    assert allowed in error.message


@pytest.mark.parametrize(
    ("old", "new", "path", "expected"),
    [
        ("fast: 5", "fast: ten", "strategy.fast", "got 'ten' (str); expected an integer"),
        ("fast: 5", "fast: 5.5", "strategy.fast", "expected an integer"),
        ("{use: kit_broker}", "{use: kit_broker, cash: lots}", "broker.cash", "expected a number"),
        ("{use: bundled}", "{use: bundled, dataset: dow}", "data_feed.dataset", "one of 'sp500', 'nasdaq'"),
        ("strategy: {use: sma_cross, fast: 5, slow: 20}", "strategy: 42", "strategy", "expected a mapping"),
    ],
)
def test_a_wrong_component_setting_names_the_key_and_the_expected_type(
    tmp_path: Path, host: PluginHost, old: str, new: str, path: str, expected: str
) -> None:
    assert old in BASE
    error = config_error(tmp_path, host, BASE.replace(old, new))
    assert error.path == path
    assert expected in error.message


def test_a_component_rule_broken_by_the_settings_is_reported_at_the_component(tmp_path: Path, host: PluginHost) -> None:
    error = config_error(tmp_path, host, BASE.replace("slow: 20", "slow: 3"))
    assert error.path == "strategy"
    assert "slow (3) must be greater than fast (5)" in error.message


def test_an_unknown_component_name_lists_the_registered_ones(tmp_path: Path, host: PluginHost) -> None:
    error = config_error(tmp_path, host, BASE.replace("use: sma_cross", "use: sma_crosss"))
    assert error.path == "strategy.use"
    assert error.message.startswith("unknown strategy 'sma_crosss'; allowed: ")
    assert {"kit_strategy", "sma_cross"} <= set(error.message.split("allowed: ")[1].split("; ")[0].split(", "))

    error = config_error(tmp_path, host, BASE.replace("use: bundled", "use: sma_cross"))
    assert (error.path, error.message.split(";")[0]) == ("data_feed.use", "unknown data_feed 'sma_cross'")


@pytest.mark.parametrize(
    ("text", "path", "expected"),
    [
        ("data_feed: {use: bundled}\nbroker: {use: kit_broker}\n", "strategy", "required: name a strategy"),
        (BASE.replace("use: sma_cross, ", ""), "strategy.use", "required: the name of a registered strategy"),
        (BASE + "instrument: CL\n", "instrument", "'CL' is unknown; built in: ES, NQ"),
    ],
)
def test_a_missing_or_unknown_essential_is_named(
    tmp_path: Path, host: PluginHost, text: str, path: str, expected: str
) -> None:
    error = config_error(tmp_path, host, text)
    assert error.path == path
    assert expected in error.message


@pytest.mark.parametrize(
    ("text", "path", "expected"),
    [
        ("", "(top level)", "the file is empty"),
        ("# only a comment\n", "(top level)", "the file is empty"),
        ("- data_feed\n- strategy\n", "(top level)", "expected a mapping of settings"),
        ("strategy: [1\n", "(syntax)", "expected ',' or ']'"),
    ],
)
def test_a_file_that_is_not_a_mapping_is_named(tmp_path: Path, text: str, path: str, expected: str) -> None:
    source = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        read_yaml(source)
    assert (caught.value.source, caught.value.path) == (str(source), path)
    assert expected in caught.value.message
    with pytest.raises(ConfigError, match=r"\(file\): no such file"):
        read_yaml(tmp_path / "absent.yaml")


def test_two_instances_of_one_component_need_as(tmp_path: Path, host: PluginHost) -> None:
    twice = (
        BASE + "risk_policies:\n  - {use: max_position, max_contracts: 2}\n  - {use: max_position, max_contracts: 1}\n"
    )
    error = config_error(tmp_path, host, twice)
    assert error.path == "risk_policies[1]"
    assert error.message == "'max_position' is already used at risk_policies[0]; add 'as: <name>'"

    plan = load_plan(write(tmp_path, twice.replace("max_contracts: 1}", "max_contracts: 1, as: tight_cap}")), host)
    policies = plan.many("risk_policies")
    assert [p.ref.instance_name for p in policies] == ["max_position", "tight_cap"]
    assert [p.config.max_contracts for p in policies] == [2, 1]


def test_the_broker_defaults_to_the_simulated_exchange(tmp_path: Path, kit_host: PluginHost) -> None:
    class SimulatedStandIn:
        @hookimpl
        def mia_register_brokers(self) -> list[object]:
            return [spec(ComponentKind.BROKER, "simulated", lambda c, ctx: KitBroker(c, None))]

    kit_host.add_plugin(SimulatedStandIn(), PluginInfo("stand_in", "mia-stand-in", "1", "stand_in"))
    plan = load_plan(write(tmp_path, "data_feed: kit_feed\nstrategy: kit_strategy\n"), kit_host)
    broker = plan.one("broker")
    assert (broker.ref.path, broker.spec.name, broker.provider.name) == ("broker", "simulated", "stand_in")
    assert plan.one("data_feed").spec.name == "kit_feed"  # a bare name is short for {use: name}


# --- live trading needs two switches ------------------------------------------------------------


def plan_in_mode(
    tmp_path: Path, host: PluginHost, mode: str, live_trading: bool, catastrophe: bool = True
) -> SystemPlan:
    text = BASE + f"mode: {mode}\nlive_trading: {str(live_trading).lower()}\n"
    text += f"catastrophe: {{enabled: {str(catastrophe).lower()}}}\n"
    return load_plan(write(tmp_path, text), host)


def test_live_mode_needs_the_file_switch_and_the_command_line_switch(tmp_path: Path, host: PluginHost) -> None:
    with pytest.raises(ConfigError, match="live_trading: mode is 'live': set live_trading: true"):
        plan_in_mode(tmp_path, host, "live", False).require_live_consent(True)
    with pytest.raises(ConfigError, match="mode: mode is 'live': also pass --live"):
        plan_in_mode(tmp_path, host, "live", True).require_live_consent(False)
    plan_in_mode(tmp_path, host, "live", True).require_live_consent(True)
    plan_in_mode(tmp_path, host, "paper", True).require_live_consent(False)
    with pytest.raises(ConfigError, match="--live given but mode is 'backtest'"):
        plan_in_mode(tmp_path, host, "backtest", False).require_live_consent(True)


def test_live_mode_needs_the_catastrophe_monitor(tmp_path: Path, host: PluginHost) -> None:
    with pytest.raises(ConfigError, match=r"catastrophe\.enabled: mode is 'live': real money needs the catastrophe"):
        plan_in_mode(tmp_path, host, "live", True, catastrophe=False).require_live_consent(True)
    plan_in_mode(tmp_path, host, "paper", False, catastrophe=False).require_live_consent(False)


def test_live_mode_refuses_synthetic_option_chains(tmp_path: Path, host: PluginHost) -> None:
    text = BASE + "mode: live\nlive_trading: true\ncatastrophe: {enabled: true}\n"
    plan = load_plan(write(tmp_path, text + "options_snapshots: {enabled: true}\n"), host)
    with pytest.raises(ConfigError, match=r"options_snapshots\.source: mode is 'live': synthetic option chains"):
        plan.require_live_consent(True)
    ib = load_plan(write(tmp_path, text + "options_snapshots: {enabled: true, source: ib}\n"), host)
    ib.require_live_consent(True)


@pytest.fixture
def installed_kit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The test kit installed as a distribution, so the CLI's own discovery finds ``kit_broker``."""
    site = tmp_path / "site"
    write_distribution(site, "mia-test-kit", "1.2.3", {"kit": "kit"})
    monkeypatch.syspath_prepend(str(site))


@pytest.mark.usefixtures("installed_kit")
@pytest.mark.parametrize(
    ("mode", "live_trading", "flag", "code", "said"),
    [
        ("live", "false", [], 2, "set live_trading: true"),
        ("live", "false", ["--live"], 2, "set live_trading: true"),
        ("live", "true", [], 2, "also pass --live"),
        ("live", "true", ["--live"], 0, "is a valid live system"),
        ("paper", "false", [], 0, "is a valid paper system"),
        ("backtest", "false", ["--live"], 2, "--live given but mode is 'backtest'"),
    ],
)
def test_config_check_enforces_live_consent(
    tmp_path: Path, mode: str, live_trading: str, flag: list[str], code: int, said: str
) -> None:
    path = write(tmp_path, BASE + f"mode: {mode}\nlive_trading: {live_trading}\ncatastrophe: {{enabled: true}}\n")
    result = CliRunner().invoke(app, ["config", "check", str(path), *flag], env={"COLUMNS": "220"})
    assert result.exit_code == code, result.output
    assert said in " ".join(result.output.split())


@pytest.mark.usefixtures("installed_kit")
def test_config_check_honours_the_file_plugin_list(tmp_path: Path) -> None:
    path = write(tmp_path, BASE + "plugins: {disable: [sma_cross]}\n")
    result = CliRunner().invoke(app, ["config", "check", str(path)], env={"COLUMNS": "220"})
    assert result.exit_code == 2
    assert f"{path}: strategy.use: unknown strategy 'sma_cross'" in " ".join(result.stderr.split())


@pytest.mark.usefixtures("installed_kit")
def test_config_check_prints_the_resolved_system(tmp_path: Path) -> None:
    path = write(tmp_path, BASE + "mode: paper\n")  # a backtest would need the simulated broker
    result = CliRunner().invoke(app, ["config", "check", str(path)], env={"COLUMNS": "220"})
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "sma_cross (sma_cross from sma_cross (mia-trading" in out
    assert "fast=5, slow=20" in out
    assert "kit_broker (kit_broker from kit (mia-test-kit 1.2.3))" in out


def test_init_writes_a_file_that_config_check_accepts(tmp_path: Path) -> None:
    path = tmp_path / "mia.yaml"
    runner = CliRunner()
    result = runner.invoke(app, ["init", str(path)])
    assert result.exit_code == 0, result.output
    assert path.read_text().startswith("# Battle Navale as the mission specifies it")  # issue 14: the intraday system
    assert (tmp_path / "news_calendar.csv").read_text().startswith("# News calendar")

    check = runner.invoke(app, ["config", "check", str(path)], env={"COLUMNS": "220"})
    assert check.exit_code == 0, check.output
    assert "is a valid backtest system" in check.stdout

    again = runner.invoke(app, ["init", str(path)])
    assert again.exit_code == 2
    assert "exists; pass --force" in again.stderr
    assert runner.invoke(app, ["init", str(path), "--force"]).exit_code == 0

    small = tmp_path / "small.yaml"
    assert runner.invoke(app, ["init", str(small), "--sma-cross"]).exit_code == 0
    assert small.read_text().startswith("# MIA system configuration")


# --- composition with dependency-injector ---------------------------------------------------------

FULL = """
data_feed: bundled
broker: {use: kit_broker, endpoint: "127.0.0.1:7497"}
techniques: [kit_technique]
strategy: {use: sma_cross, fast: 5, slow: 20}
analyzers: [kit_analyzer]
signal_filters: [kit_filter]
risk_policies: [{use: max_position, max_contracts: 1}, kit_risk]
notifiers: [console, {use: kit_notifier, label: first}, {use: kit_notifier, as: second, label: second}]
"""


def test_build_system_produces_objects_satisfying_the_ports(tmp_path: Path, host: PluginHost) -> None:
    system = build_system(load_plan(write(tmp_path, FULL), host))
    assert isinstance(system.data_feed, DataFeed)
    assert isinstance(system.broker, Broker)
    assert isinstance(system.strategy, Strategy) and isinstance(system.strategy, SmaCrossStrategy)
    assert all(isinstance(t, Technique) for t in system.techniques) and len(system.techniques) == 1
    assert all(isinstance(a, Analyzer) for a in system.analyzers) and len(system.analyzers) == 1
    assert all(isinstance(f, SignalFilter) for f in system.signal_filters) and len(system.signal_filters) == 1
    assert all(isinstance(r, RiskPolicy) for r in system.risk_policies)
    assert all(isinstance(n, Notifier) for n in system.notifiers)
    assert [type(r).__name__ for r in system.risk_policies] == ["MaxPositionPolicy", "KitRisk"]  # YAML order
    assert [getattr(n, "label", "console") for n in system.notifiers] == ["console", "first", "second"]
    assert isinstance(system.clock, ManualClock)  # backtests run on a manual clock
    assert system.strategy.config.fast == 5
    assert len(system.data_feed.history(ES)) > 4000  # the bundled S&P 500 daily history


def test_paper_and_live_systems_run_on_the_wall_clock(tmp_path: Path, host: PluginHost) -> None:
    plan = load_plan(write(tmp_path, FULL + "mode: paper\n"), host)
    assert plan.settings.mode is Mode.PAPER
    assert isinstance(build_system(plan).clock, WallClock)


def test_components_share_one_connection_per_key_and_it_is_closed(tmp_path: Path, host: PluginHost) -> None:
    system = build_system(load_plan(write(tmp_path, FULL), host))
    first, second = (n for n in system.notifiers if isinstance(n, KitNotifier))
    assert first.connection is second.connection
    assert isinstance(system.broker, KitBroker)
    assert system.broker.connection is not first.connection  # another key, another connection
    system.close()
    assert first.connection.closed and system.broker.connection.closed


def test_tests_can_swap_a_component_by_overriding_its_provider(tmp_path: Path, host: PluginHost) -> None:
    plan = load_plan(write(tmp_path, FULL), host)
    container = build_container(plan, clock=ManualClock(start_ns=42))
    stand_in = KitStrategy(KitConfig(label="stand-in"))
    only_policy = MaxPositionPolicy.__new__(MaxPositionPolicy)

    with container.strategy.override(providers.Object(stand_in)):
        container.risk_policies.override(providers.List(providers.Object(only_policy)))
        system = build_system(plan, container=container)
    assert system.strategy is stand_in
    assert system.risk_policies == (only_policy,)
    assert system.clock.now_ns() == 42

    container.risk_policies.reset_override()
    rebuilt = build_system(plan, container=build_container(plan))
    assert isinstance(rebuilt.strategy, SmaCrossStrategy)
    assert len(rebuilt.risk_policies) == 2


def test_a_factory_that_fails_or_builds_the_wrong_thing_names_the_component(
    tmp_path: Path, kit_host: PluginHost
) -> None:
    def explode(config: KitConfig, context: object) -> object:
        raise OSError("no route to gateway")

    class Faulty:
        @hookimpl
        def mia_register_strategies(self) -> list[object]:
            return [
                spec(ComponentKind.STRATEGY, "exploding", explode),
                spec(ComponentKind.STRATEGY, "shapeless", lambda c, ctx: object()),
            ]

    kit_host.add_plugin(Faulty(), PluginInfo("faulty", "mia-faulty", "0.1", "faulty"))
    base = "data_feed: kit_feed\nbroker: kit_broker\n"
    with pytest.raises(PluginError) as caught:
        build_system(load_plan(write(tmp_path, base + "strategy: exploding\n"), kit_host))
    assert str(caught.value) == (
        "strategy: building strategy 'exploding' from faulty (mia-faulty 0.1) failed: OSError: no route to gateway"
    )
    with pytest.raises(PluginError, match="built object, which does not satisfy the Strategy port"):
        build_system(load_plan(write(tmp_path, base + "strategy: shapeless\n"), kit_host))
