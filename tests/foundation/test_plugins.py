"""Plugin discovery: entry points of group ``mia`` loaded one at a time, failures reported, names unique."""

from __future__ import annotations

from importlib import metadata
from pathlib import Path
from types import SimpleNamespace

import pytest
from typer.testing import CliRunner

from adapters.bootstrap.cli import app
from adapters.bootstrap.errors import UnknownComponentError
from adapters.bootstrap.plugins import DISABLE_ENV, PluginHost, PluginInfo, disabled_from_env, discover
from ports.components import ComponentKind, ComponentSpec
from ports.hookspecs import hookimpl

from .conftest import MakeDistribution, write_distribution
from .fake_plugins import kit

K = ComponentKind
# Built-in entry points of the mia-trading distribution and what each must register at least.
BUILTINS: dict[str, set[tuple[ComponentKind, str]]] = {
    "replay": {(K.DATA_FEED, "bundled"), (K.DATA_FEED, "file"), (K.DATA_FEED, "synthetic")},
    "simulated": {(K.BROKER, "simulated")},
    "console": {(K.NOTIFIER, "console")},
    "sma_cross": {(K.STRATEGY, "sma_cross")},
    "basic_risk": {(K.RISK_POLICY, "max_position")},
}


def entry_points(*dists: metadata.Distribution) -> list[metadata.EntryPoint]:
    return [ep for dist in dists for ep in dist.entry_points.select(group="mia")]


def by_name(host: PluginHost) -> dict[str, PluginInfo]:
    return {info.name: info for info in host.plugins}


def test_a_plugin_failing_to_import_is_reported_while_the_others_load(make_distribution: MakeDistribution) -> None:
    broken = make_distribution("mia-broken-example", "9.9.9", {"broken": "broken"})
    good = make_distribution("mia-test-kit", "1.2.3", {"kit": "kit"})
    host = PluginHost()
    host.load_entry_points(entry_points=entry_points(broken, good))

    (failure,) = host.failures
    assert (failure.name, failure.distribution, failure.version) == ("broken", "mia-broken-example", "9.9.9")
    assert failure.error is not None
    assert "import failed: ModuleNotFoundError" in failure.error
    assert "mia_dependency_that_is_not_installed" in failure.error
    assert failure.components == ()

    spec, provider = host.component(K.STRATEGY, "kit_strategy")
    assert spec.name == "kit_strategy"
    assert provider.label == "kit (mia-test-kit 1.2.3)"
    assert len(by_name(host)["kit"].components) == len(K)
    with pytest.raises(
        UnknownComponentError, match=r"plugins that failed to load: broken \(mia-broken-example 9.9.9\)"
    ):
        host.component(K.BROKER, "ib")


@pytest.mark.parametrize(
    ("module", "typo", "meant"),
    [
        ("misspelt", "mia_regster_brokers", "mia_register_brokers"),
        ("misspelt_unmarked", "mia_register_stratgies", "mia_register_strategies"),
    ],
)
def test_a_misspelt_hook_is_an_error_with_a_did_you_mean(
    make_distribution: MakeDistribution, module: str, typo: str, meant: str
) -> None:
    dist = make_distribution("mia-typo", "0.3.0", {"typo": module})
    host = PluginHost()
    host.load_entry_points(entry_points=entry_points(dist))

    (failure,) = host.failures
    assert failure.label == "typo (mia-typo 0.3.0)"
    assert failure.error == f"unknown hook {typo!r} (did you mean {meant!r}?)"
    assert all(host.names(kind) == [] for kind in K)


def test_an_unknown_hook_without_a_near_name_is_still_an_error() -> None:
    host = PluginHost()
    plugin = SimpleNamespace(mia_frobnicate=hookimpl(lambda: []))
    info = host.add_plugin(plugin, PluginInfo(name="odd", distribution="mia-odd", version="1", module="odd"))
    assert info.error == "unknown hook 'mia_frobnicate'"


def test_a_hook_returning_something_else_than_specs_is_reported(make_distribution: MakeDistribution) -> None:
    dist = make_distribution("mia-bad-spec", "0.1", {"bad_spec": "bad_spec"})
    host = PluginHost()
    host.load_entry_points(entry_points=entry_points(dist))
    (failure,) = host.failures
    assert failure.error is not None
    assert "mia_register_notifiers returned {'name': 'not_a_spec'}, not a ComponentSpec" in failure.error


def test_a_hook_returning_the_wrong_kind_or_raising_is_reported() -> None:
    wrong_kind = kit.spec(K.STRATEGY, "misfiled", lambda c, ctx: None)

    class Misfiled:
        @hookimpl
        def mia_register_techniques(self) -> list[ComponentSpec]:
            return [wrong_kind]

    class Raising:
        @hookimpl
        def mia_register_analyzers(self) -> list[ComponentSpec]:
            raise RuntimeError("cannot reach the options vendor")

    host = PluginHost()
    host.add_plugin(Misfiled(), PluginInfo("misfiled", "mia-misfiled", "1", "x"))
    host.add_plugin(Raising(), PluginInfo("raising", "mia-raising", "1", "y"))
    errors = {info.name: info.error or "" for info in host.failures}
    assert "mia_register_techniques returned 'misfiled' of kind strategy" in errors["misfiled"]
    assert "mia_register_analyzers raised RuntimeError: cannot reach the options vendor" in errors["raising"]
    assert host.names(K.STRATEGY) == []


def test_disabling_one_twin_by_distribution_name_resolves_the_clash(make_distribution: MakeDistribution) -> None:
    first = make_distribution("mia-twin-a", "1.0", {"twin_a": "twin_a"})
    second = make_distribution("mia-twin-b", "2.0", {"twin_b": "twin_b"})
    host = PluginHost()
    host.load_entry_points(["mia-twin-b"], entry_points=entry_points(first, second))
    assert host.component(K.STRATEGY, "twin")[0].summary == "first twin"
    assert by_name(host)["twin_b"].disabled


def test_plugins_disabled_by_the_config_list_are_not_imported(make_distribution: MakeDistribution) -> None:
    broken = make_distribution("mia-broken-example", "9.9.9", {"broken": "broken"})
    good = make_distribution("mia-test-kit", "1.2.3", {"kit": "kit"})
    host = PluginHost()
    host.load_entry_points(["broken", "kit"], entry_points=entry_points(broken, good))

    assert host.failures == []  # the broken one was never imported
    plugins = by_name(host)
    assert plugins["broken"].disabled and plugins["kit"].disabled
    assert plugins["kit"].components == ()
    assert host.names(K.STRATEGY) == []


def test_plugins_disabled_by_the_environment(
    make_distribution: MakeDistribution, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = make_distribution("mia-broken-example", "9.9.9", {"broken": "broken"})
    good = make_distribution("mia-test-kit", "1.2.3", {"kit": "kit"})
    monkeypatch.setenv(DISABLE_ENV, " mia-broken-example , ,other")
    assert disabled_from_env() == {"mia-broken-example", "other"}

    host = PluginHost()
    host.load_entry_points(entry_points=entry_points(broken, good))
    assert host.failures == []
    assert by_name(host)["broken"].disabled
    assert not by_name(host)["kit"].disabled
    assert host.names(K.STRATEGY) == ["kit_strategy"]


def test_the_environment_disables_built_ins_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(DISABLE_ENV, "sma_cross")
    host = discover()
    assert by_name(host)["sma_cross"].disabled
    assert "sma_cross" not in host.names(K.STRATEGY)


def test_every_built_in_entry_point_loads_from_our_own_distribution() -> None:
    dist = metadata.distribution("mia-trading")
    declared = {ep.name for ep in dist.entry_points.select(group="mia")}
    assert set(BUILTINS) <= declared

    plugins = by_name(discover())
    for name in sorted(declared):
        info = plugins[name]
        assert info.error is None, f"{info.label}: {info.error}"
        assert not info.disabled
        assert (info.distribution, info.version) == ("mia-trading", dist.version)
        assert info.components, f"built-in plugin {name} registers nothing"
        assert BUILTINS.get(name, set()) <= {(spec.kind, spec.name) for spec in info.components}


def _table(output: str) -> dict[str, list[str]]:
    """Rows of a rich table keyed by the first cell; wrapped cells joined with newlines."""
    rows: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in output.splitlines():
        if not line.startswith("│"):
            continue
        cells = [cell.strip() for cell in line.strip("│").split("│")]
        if cells[0]:
            current = rows.setdefault(cells[0], cells)
        elif current is not None:
            for i, cell in enumerate(cells[1:], start=1):
                if cell:
                    current[i] += "\n" + cell
    return rows


def test_plugins_list_shows_distribution_version_and_components_by_kind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = tmp_path / "site"
    write_distribution(site, "mia-test-kit", "1.2.3", {"kit": "kit"})
    write_distribution(site, "mia-broken-example", "9.9.9", {"broken": "broken"})
    write_distribution(site, "mia-typo", "0.3.0", {"typo": "misspelt"})
    monkeypatch.syspath_prepend(str(site))

    result = CliRunner().invoke(app, ["plugins", "list"], env={"COLUMNS": "220"})
    assert result.exit_code == 0, result.output
    rows = _table(result.stdout)

    _, distribution, version, components, status = rows["kit"]
    assert (distribution, version, status) == ("mia-test-kit", "1.2.3", "loaded")
    assert set(components.splitlines()) == {
        "analyzer: kit_analyzer",
        "broker: kit_broker",
        "data_feed: kit_feed",
        "notifier: kit_notifier",
        "risk_policy: kit_risk",
        "signal_filter: kit_filter",
        "strategy: kit_strategy",
        "technique: kit_technique",
    }
    assert rows["sma_cross"][1:4] == ["mia-trading", metadata.version("mia-trading"), "strategy: sma_cross"]
    assert rows["broken"][1:] == ["mia-broken-example", "9.9.9", "", "failed"]
    assert rows["typo"][4] == "failed"

    errors = " ".join(result.stderr.split())
    assert "plugin broken (mia-broken-example 9.9.9) failed: import failed: ModuleNotFoundError" in errors
    assert "plugin typo (mia-typo 0.3.0) failed: unknown hook 'mia_regster_brokers'" in errors
    assert "did you mean 'mia_register_brokers'?" in errors
