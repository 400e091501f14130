"""Errors a plugin author meets, each naming the plugin: hook results, exits, clashes, ports, disable lists."""

from __future__ import annotations

import sys
import textwrap
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path

import pytest
from typer.testing import CliRunner

from adapters.bootstrap.cli import app
from adapters.bootstrap.config import load_plan
from adapters.bootstrap.container import build_system
from adapters.bootstrap.errors import ConfigError, DuplicateComponentError, PluginError
from adapters.bootstrap.plugins import DISABLE_ENV, PluginHost, PluginInfo
from ports.components import ComponentKind, ComponentSpec
from ports.hookspecs import hookimpl

from .conftest import FAKES, MakeDistribution, write_distribution
from .fake_plugins.kit import KitStrategy, spec
from .test_plugins import _table

K = ComponentKind
KIT_SYSTEM = "mode: paper\ndata_feed: kit_feed\nbroker: kit_broker\n"  # paper: a backtest needs the simulated broker


def load(*dists: metadata.Distribution, disabled: tuple[str, ...] = ()) -> PluginHost:
    host = PluginHost()
    host.load_entry_points(disabled, entry_points=[ep for d in dists for ep in d.entry_points.select(group="mia")])
    return host


def failure(host: PluginHost, name: str) -> PluginInfo:
    (info,) = [p for p in host.plugins if p.name == name]
    assert info.error is not None, f"{info.label} loaded"
    return info


def cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args), env={"COLUMNS": "250"})
    return result.exit_code, " ".join(result.stdout.split()), " ".join(result.stderr.split())


def plugin_rows() -> dict[str, list[str]]:
    result = CliRunner().invoke(app, ["plugins", "list"], env={"COLUMNS": "250"})
    assert result.exit_code == 0, result.output
    return _table(result.stdout)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "system.yaml"
    path.write_text(textwrap.dedent(text))
    return path


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A directory on sys.path where fake distributions look installed to the CLI's own discovery."""
    path = tmp_path / "site"
    write_distribution(path, "mia-test-kit", "1.2.3", {"kit": "kit"})
    monkeypatch.syspath_prepend(str(path))
    return path


# --- a. what a registration hook returns ---------------------------------------------------------


@pytest.mark.parametrize(
    ("module", "said"),
    [
        ("forgot_return", "mia_register_strategies returned None"),
        ("single_spec", "mia_register_strategies returned a single ComponentSpec ('lonely')"),
        ("spec_as_text", "mia_register_techniques returned a str ('my_technique')"),
    ],
)
def test_a_hook_must_return_a_list_of_specs_and_the_error_names_plugin_and_hook(
    make_distribution: MakeDistribution, module: str, said: str
) -> None:
    host = load(make_distribution("mia-sloppy", "0.4.1", {"sloppy": module}))
    info = failure(host, "sloppy")
    assert info.label == "sloppy (mia-sloppy 0.4.1)"
    assert info.error is not None
    assert said in info.error
    assert f"(entry point sloppy = {FAKES}.{module})" in info.error
    assert "must return a list of ComponentSpec" in info.error
    assert all(host.names(kind) == [] for kind in K)


def test_a_hook_returning_none_shows_in_plugins_list_and_where_the_component_is_used(
    site: Path, tmp_path: Path
) -> None:
    write_distribution(site, "mia-sloppy", "0.4.1", {"sloppy": "forgot_return"})
    code, _, errors = cli("plugins", "list")
    assert code == 0
    assert "plugin sloppy (mia-sloppy 0.4.1) failed: mia_register_strategies returned None" in errors

    path = write(tmp_path, KIT_SYSTEM + "strategy: forgotten\n")
    code, _, errors = cli("config", "check", str(path))
    assert code == 2
    assert f"{path}: strategy.use: unknown strategy 'forgotten'" in errors
    assert "plugins that failed to load: sloppy (mia-sloppy 0.4.1): mia_register_strategies returned None" in errors


# --- b. sys.exit() and BaseException at import -----------------------------------------------------


@pytest.mark.parametrize(
    ("module", "said"),
    [
        ("exits", "import failed: SystemExit: licence key not found"),
        ("base_raise", "import failed: Abort: refusing to load on this host"),
        ("exits_in_hook", "mia_register_notifiers raised SystemExit: 3"),
    ],
)
def test_a_plugin_exiting_or_raising_base_exception_is_recorded_and_the_others_load(
    make_distribution: MakeDistribution, module: str, said: str
) -> None:
    rogue = make_distribution("mia-rogue", "6.6.6", {"rogue": module})
    good = make_distribution("mia-test-kit", "1.2.3", {"kit": "kit"})
    host = load(rogue, good)
    info = failure(host, "rogue")
    assert (info.distribution, info.version) == ("mia-rogue", "6.6.6")
    assert info.error is not None and said in info.error
    assert host.component(K.STRATEGY, "kit_strategy")[1].label == "kit (mia-test-kit 1.2.3)"


def test_plugins_list_survives_a_plugin_that_exits_at_import(site: Path) -> None:
    write_distribution(site, "mia-rogue", "6.6.6", {"rogue": "exits"})
    rows = plugin_rows()
    assert rows["rogue"][1:] == ["mia-rogue", "6.6.6", "", "failed"]
    assert rows["kit"][4] == "loaded"
    code, _, errors = cli("plugins", "list")
    assert code == 0
    assert "plugin rogue (mia-rogue 6.6.6) failed: import failed: SystemExit: licence key not found" in errors


def test_ctrl_c_while_a_plugin_imports_still_interrupts(make_distribution: MakeDistribution) -> None:
    dist = make_distribution("mia-slow", "1.0", {"slow": "interrupts"})
    with pytest.raises(KeyboardInterrupt):
        load(dist)


# --- c. two plugins registering one name ----------------------------------------------------------


def test_a_clash_leaves_the_rest_working_and_fails_only_where_the_name_is_used(
    make_distribution: MakeDistribution,
) -> None:
    first = make_distribution("mia-twin-a", "1.0", {"twin_a": "twin_a"})
    second = make_distribution("mia-twin-b", "2.0", {"twin_b": "twin_b"})
    kit = make_distribution("mia-test-kit", "1.2.3", {"kit": "kit"})
    host = load(first, second, kit)

    assert host.failures == []
    (clash,) = host.clashes
    assert (clash.kind, clash.name) == (K.STRATEGY, "twin")
    assert [p.label for p in clash.providers] == ["twin_a (mia-twin-a 1.0)", "twin_b (mia-twin-b 2.0)"]
    assert host.component(K.STRATEGY, "kit_strategy")[0].name == "kit_strategy"
    with pytest.raises(DuplicateComponentError) as caught:
        host.component(K.STRATEGY, "twin")
    message = str(caught.value)
    assert "strategy 'twin' is registered by twin_a (mia-twin-a 1.0) and by twin_b (mia-twin-b 2.0)" in message
    assert "plugins.disable" in message and DISABLE_ENV in message


def test_plugins_list_shows_a_clash_and_a_system_using_it_names_both_providers(site: Path, tmp_path: Path) -> None:
    write_distribution(site, "mia-twin-a", "1.0", {"twin_a": "twin_a"})
    write_distribution(site, "mia-twin-b", "2.0", {"twin_b": "twin_b"})
    rows = plugin_rows()
    assert rows["twin_a"][1:] == ["mia-twin-a", "1.0", "strategy: twin", "clash"]
    assert rows["twin_b"][1:] == ["mia-twin-b", "2.0", "strategy: twin", "clash"]
    assert rows["kit"][4] == "loaded"
    code, _, errors = cli("plugins", "list")
    assert code == 0
    assert "strategy 'twin' is registered by twin_a (mia-twin-a 1.0) and by twin_b (mia-twin-b 2.0)" in errors

    fine = write(tmp_path, KIT_SYSTEM + "strategy: kit_strategy\n")
    assert cli("config", "check", str(fine))[0] == 0

    clashing = write(tmp_path, KIT_SYSTEM + "strategy: twin\n")
    code, _, errors = cli("config", "check", str(clashing))
    assert code == 2
    assert f"{clashing}: strategy.use: strategy 'twin' is registered by twin_a (mia-twin-a 1.0)" in errors
    assert "add one of them to plugins.disable" in errors

    resolved = write(tmp_path, KIT_SYSTEM + "strategy: twin\nplugins: {disable: [twin_b]}\n")
    code, out, _ = cli("config", "check", str(resolved))
    assert code == 0, out
    assert "twin (twin from twin_a (mia-twin-a 1.0))" in out


# --- d. an unknown name in plugins.disable ----------------------------------------------------------


def test_an_unknown_name_in_plugins_disable_is_an_error_with_a_suggestion(site: Path, tmp_path: Path) -> None:
    path = write(tmp_path, KIT_SYSTEM + "strategy: kit_strategy\nplugins: {disable: [sma_cross, dealer_bias]}\n")
    code, _, errors = cli("config", "check", str(path))
    assert code == 2
    assert f"{path}: plugins.disable[1]: no installed plugin is named 'dealer_bias'" in errors
    assert "did you mean 'dealers_bias'?" in errors
    installed = errors.split("installed (entry-point or distribution names): ")[1].split(", ")
    assert {"kit", "mia-test-kit", "sma_cross", "mia-trading"} <= set(installed)


def test_plugins_disable_accepts_entry_point_and_distribution_names(site: Path, tmp_path: Path) -> None:
    path = write(tmp_path, KIT_SYSTEM + "strategy: kit_strategy\nplugins: {disable: [sma_cross, mia-test-kit]}\n")
    code, _, errors = cli("config", "check", str(path))
    assert code == 2  # the kit is disabled, so kit_feed is unknown: but the names were accepted
    assert "unknown data_feed 'kit_feed'" in errors
    assert "no installed plugin" not in errors


# --- e. a component that does not satisfy its port ----------------------------------------------


def test_a_component_missing_port_members_names_them(make_distribution: MakeDistribution, tmp_path: Path) -> None:
    host = load(
        make_distribution("mia-test-kit", "1.2.3", {"kit": "kit"}),
        make_distribution("mia-half", "0.2", {"half": "half_strategy"}),
    )
    plan = load_plan(write(tmp_path, KIT_SYSTEM + "strategy: half\n"), host)
    with pytest.raises(PluginError) as caught:
        build_system(plan)
    assert str(caught.value) == (
        "strategy: 'half' from half (mia-half 0.2) built HalfStrategy, which does not satisfy the Strategy port: "
        "missing reset; not callable: on_bar"
    )


# --- f. mia config check builds every component ---------------------------------------------------


def test_config_check_builds_the_components_and_names_a_failing_factory(site: Path, tmp_path: Path) -> None:
    write_distribution(site, "mia-faulty", "0.1", {"faulty": "faulty_factory"})
    path = write(tmp_path, KIT_SYSTEM + "strategy: exploding\n")
    code, out, errors = cli("config", "check", str(path))
    assert code == 2, out
    assert errors == (
        "error: strategy: building strategy 'exploding' from faulty (mia-faulty 0.1) failed: "
        "FileNotFoundError: model weights not found: weights.bin"
    )


def test_config_check_refuses_a_backtest_that_would_not_start(site: Path, tmp_path: Path) -> None:
    path = write(tmp_path, "data_feed: kit_feed\nbroker: kit_broker\nstrategy: kit_strategy\n")  # mode: backtest
    code, _, errors = cli("config", "check", str(path))
    assert code == 2
    assert f"{path}: broker.use: a backtest runs on the 'simulated' broker, not 'kit_broker'" in errors


def test_config_check_builds_the_ib_components_without_connecting(site: Path, tmp_path: Path) -> None:
    import socket

    with socket.socket() as gateway:  # a TWS stand-in: nothing may connect to it
        gateway.bind(("127.0.0.1", 0))
        gateway.listen(1)
        gateway.setblocking(False)
        port = gateway.getsockname()[1]
        path = write(
            tmp_path,
            f"""
            mode: paper
            data_feed: {{use: ib_feed, port: {port}, client_id: 7}}
            broker: {{use: ib, port: {port}, client_id: 7}}
            strategy: kit_strategy
            """,
        )
        code, out, errors = cli("config", "check", str(path))
        assert code == 0, errors
        assert "is a valid paper system" in out
        with pytest.raises(BlockingIOError):
            gateway.accept()


def test_config_check_error_is_a_config_error_for_programmatic_use(tmp_path: Path, kit_host: PluginHost) -> None:
    path = write(tmp_path, KIT_SYSTEM + "strategy: kit_strategy\nplugins: {disable: [kti]}\n")
    with pytest.raises(ConfigError) as caught:
        load_plan(path, kit_host)
    assert caught.value.path == "plugins.disable[0]"
    assert "did you mean 'kit'?" in str(caught.value)


# --- the edges of the hook and factory contracts ---------------------------------------------------


def test_any_iterable_of_specs_is_accepted_and_one_plugin_may_not_repeat_a_name() -> None:
    class Generous:
        @hookimpl
        def mia_register_strategies(self) -> Iterator[ComponentSpec]:
            yield spec(K.STRATEGY, "from_generator", lambda c, ctx: KitStrategy(c))

        @hookimpl
        def mia_register_notifiers(self) -> tuple[ComponentSpec, ...]:
            return ()

    class Repeating:
        @hookimpl
        def mia_register_strategies(self) -> list[ComponentSpec]:
            return [spec(K.STRATEGY, "again", lambda c, ctx: KitStrategy(c))] * 2

    host = PluginHost()
    host.add_plugin(Generous(), PluginInfo("generous", "mia-generous", "1", "generous"))
    host.add_plugin(Repeating(), PluginInfo("repeating", "mia-repeating", "1", "repeating"))
    assert host.names(K.STRATEGY) == ["from_generator"]
    (info,) = host.failures
    assert info.error == "strategy 'again' is registered twice by this plugin"


def test_a_factory_calling_sys_exit_is_a_failed_build_naming_the_component(
    tmp_path: Path, kit_host: PluginHost
) -> None:
    class Quitting:
        @hookimpl
        def mia_register_strategies(self) -> list[ComponentSpec]:
            return [spec(K.STRATEGY, "quitting", lambda c, ctx: sys.exit("no GPU"))]

    kit_host.add_plugin(Quitting(), PluginInfo("quitting", "mia-quitting", "0.1", "quitting"))
    with pytest.raises(PluginError) as caught:
        build_system(load_plan(write(tmp_path, KIT_SYSTEM + "strategy: quitting\n"), kit_host))
    assert str(caught.value) == (
        "strategy: building strategy 'quitting' from quitting (mia-quitting 0.1) failed: SystemExit: no GPU"
    )
