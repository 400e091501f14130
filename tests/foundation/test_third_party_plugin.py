"""A third-party plugin, for real: docs/examples/mia-example-strategy installed next to MIA with pip.

The example is installed into a fresh virtual environment that sees the packages of
the environment running the tests (MIA and its dependencies), then MIA's CLI is run
by that environment's interpreter: discovery must find the plugin through its
distribution's entry point, exactly as for anyone who ``pip install``s a plugin. Its
system (docs/examples/example_breakout.yaml) uses the plugin's four components: a
technique, a strategy with brackets, an analyzer and a risk policy; the backtest's
report shows each of them at work. The components are also tested in process below.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import venv
from collections.abc import Iterator
from pathlib import Path

import attrs
import numpy as np
import pandas as pd
import pytest

from adapters.bootstrap.standalone import StandaloneBuildContext
from mia_core.instruments import ES
from mia_core.market import Bar
from mia_core.orders import Bracket, OrderIntent, OrderSide, Position
from mia_core.series import BarSeries
from mia_core.signals import Direction, RiskVerdict

REPO_ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = REPO_ROOT / "docs" / "examples" / "mia-example-strategy"
SYSTEM = REPO_ROOT / "docs" / "examples" / "example_breakout.yaml"
CLI = "from adapters.bootstrap.cli import main; main()"
DAY_NS = 86_400 * 1_000_000_000
COMPONENTS = [
    "analyzer: example_volume",
    "risk_policy: example_stop_distance",
    "strategy: example_breakout",
    "technique: example_channel",
]


def _setuptools_builds_wheels() -> bool:
    import setuptools

    major, minor = (int(part) for part in setuptools.__version__.split(".")[:2])
    return (major, minor) >= (70, 1) or importlib.util.find_spec("wheel") is not None


def _outer_site_dirs() -> list[str]:
    paths = sysconfig.get_paths()
    return list(dict.fromkeys([paths["purelib"], paths["platlib"]]))


class PluginEnv:
    """A virtual environment with the example plugin installed; runs MIA's CLI in it."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.python = root / ("Scripts/python.exe" if os.name == "nt" else "bin/python")

    def run(self, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
        """Run the environment's python in isolated mode, outside the repository (MIA comes from site-packages)."""
        env = dict(os.environ, COLUMNS="200")
        return subprocess.run(
            [str(self.python), "-I", *args],
            cwd=cwd or self.root.parent,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )

    def mia(self, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
        return self.run("-c", CLI, *args, cwd=cwd)


@pytest.fixture(scope="module")
def plugin_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PluginEnv]:
    assert _setuptools_builds_wheels(), (
        "installing the example needs setuptools>=70.1 (or the 'wheel' package) in the test environment"
    )
    work = tmp_path_factory.mktemp("third_party")
    source = work / "mia-example-strategy"
    shutil.copytree(EXAMPLE, source, ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__"))

    env = PluginEnv(work / "venv")
    venv.EnvBuilder(with_pip=False).create(env.root)
    # "Next to MIA": the new environment sees the site-packages of the one running the
    # tests (where mia-trading is installed, editable or not), after its own.
    inner_site = env.run("-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])").stdout.strip()
    lines = "".join(f"import site; site.addsitedir({d!r})\n" for d in _outer_site_dirs())
    (Path(inner_site) / "_mia_outer_environment.pth").write_text(lines)

    install = env.run("-m", "pip", "install", "--no-deps", "--no-build-isolation", "--no-index", "--quiet", str(source))
    assert install.returncode == 0, install.stdout + install.stderr
    yield env


def test_the_example_is_installed_as_its_own_distribution(plugin_env: PluginEnv) -> None:
    probe = plugin_env.run(
        "-c",
        "import importlib.metadata as m, mia_example_strategy as p; "
        "d = m.distribution('mia-example-strategy'); "
        "print(d.version, [e.value for e in d.entry_points.select(group='mia')], p.__file__)",
    )
    assert probe.returncode == 0, probe.stderr
    version, entry_points, location = probe.stdout.strip().split(" ", 2)
    assert version == "0.1.0"
    assert entry_points == "['mia_example_strategy.plugin']"
    assert Path(location).is_relative_to(plugin_env.root)  # from the new environment, not the source tree


def test_plugins_list_shows_the_plugin_with_its_distribution(plugin_env: PluginEnv) -> None:
    result = plugin_env.mia("plugins", "list")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    (start,) = [i for i, line in enumerate(lines) if line.startswith("│ example_breakout ")]
    rows = [[cell.strip() for cell in line.strip("│").split("│")] for line in lines[start : start + 4]]
    assert rows[0] == ["example_breakout", "mia-example-strategy", "0.1.0", COMPONENTS[0], "loaded"]
    assert [row[3] for row in rows] == COMPONENTS  # one component of each of four kinds, one per line
    assert "sma_cross" in result.stdout  # the built-ins are still there


def test_config_check_accepts_the_example_system(plugin_env: PluginEnv) -> None:
    result = plugin_env.mia("config", "check", str(SYSTEM))
    assert result.returncode == 0, result.stdout + result.stderr
    out = " ".join(result.stdout.split())
    for name in ("example_channel", "example_volume", "example_breakout", "example_stop_distance"):
        assert f"{name} ({name} from example_breakout (mia-example-strategy 0.1.0))" in out
    assert "lookback=20" in out and "reward_ratio=2.0" in out and "max_ticks=200" in out
    assert "is a valid backtest system" in out


def test_a_backtest_runs_the_four_third_party_components(plugin_env: PluginEnv, tmp_path: Path) -> None:
    report = tmp_path / "report"
    result = plugin_env.mia("backtest", str(SYSTEM), "--report", str(report), cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    trades_shown = re.search(r"Trades\s*│\s*([\d,]+)", result.stdout)
    assert trades_shown is not None, result.stdout
    assert (report / "report.html").is_file()

    trades = pd.read_csv(report / "trades.csv")
    assert len(trades) == int(trades_shown.group(1).replace(",", "")) > 0
    assert {"stop_loss", "take_profit"} <= set(trades["exit_reason"])  # the strategy's brackets were sent and hit

    decisions = pd.read_csv(report / "risk_decisions.csv")
    ours = decisions[decisions["policy"] == "example_stop_distance"]
    assert {"allow", "reject"} <= set(ours["verdict"])  # the risk policy's decisions are journaled
    assert ours[ours["verdict"] == "reject"]["reason"].str.fullmatch(r"stop \d+ ticks away \(max 200\)").all()
    entries = ours[ours["order_reason"].str.startswith("signal_entry")]["order_reason"]
    # the strategy's reason quotes the technique's channel and the analyzer's ratio it read for that bar
    assert entries.str.fullmatch(
        r"signal_entry: close [\d.]+ beyond channel [\d.]+-[\d.]+, volume ratio \d+\.\d\d"
    ).all()
    assert len(entries) > 0


# --- the components themselves, in process -----------------------------------------------


@pytest.fixture
def example(monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    monkeypatch.syspath_prepend(str(EXAMPLE))
    from mia_example_strategy import plugin

    yield plugin
    for name in [n for n in sys.modules if n.startswith("mia_example_strategy")]:
        del sys.modules[name]


def _build(plugin: object, hook: str, **settings: object) -> object:
    (spec,) = getattr(plugin, hook)()
    return spec.factory(spec.config_class(**settings), StandaloneBuildContext())


def _bundled_sp500() -> BarSeries:
    spec, _ = _feed_spec()
    feed = spec.factory(spec.config_class(dataset="sp500"), StandaloneBuildContext())
    return feed.history(ES)  # type: ignore[no-any-return]


def _feed_spec() -> tuple[object, object]:
    from adapters.bootstrap.plugins import discover
    from ports.components import ComponentKind

    return discover().component(ComponentKind.DATA_FEED, "bundled")  # type: ignore[return-value]


def test_the_channels_two_forms_agree_exactly_on_twenty_years_of_bars(example: object) -> None:
    series = _bundled_sp500()
    channel = _build(example, "mia_register_techniques", lookback=20)
    rows = [channel.update(bar) for bar in series.trusted()]  # type: ignore[attr-defined]
    at_once = channel.compute(series)  # type: ignore[attr-defined]
    for key in ("upper", "lower", "width"):
        one_by_one = np.array([row[key] for row in rows])
        np.testing.assert_array_equal(one_by_one, at_once[key])  # NaN where NaN, every other value equal
        assert np.isnan(one_by_one[:20]).all() and not np.isnan(one_by_one[20:]).any()
    assert at_once["upper"][20] == series.high[:20].max() and at_once["lower"][20] == series.low[:20].min()


@attrs.frozen
class _Context:
    now_ns: int
    instrument: object
    position: Position
    features: dict[str, float]
    analyses: dict[str, dict[str, float]] = attrs.Factory(dict)
    last_price: float | None = None


def _bar(close: float, i: int = 0) -> Bar:
    return Bar(
        ES,
        ts=1_700_000_000_000_000_000 + i * DAY_NS,
        open=close,
        high=close + 1,
        low=close - 1,
        close=close,
        volume=100,
    )


def test_the_strategy_sends_a_bracket_once_per_breakout(example: object) -> None:
    strategy = _build(example, "mia_register_strategies", reward_ratio=1.5, min_volume_ratio=1.0)
    channel = {"example_channel.upper": 100.0, "example_channel.lower": 97.5}
    loud = {"example_volume": {"ratio": 1.2}}

    def decide(close: float, analyses: dict[str, dict[str, float]]) -> object:
        context = _Context(0, ES, Position(ES), channel, analyses)
        return strategy.on_bar(_bar(close), context)  # type: ignore[attr-defined]

    assert decide(101.0, {"example_volume": {"ratio": 0.5}}) is None  # too quiet
    long = decide(101.0, loud)
    assert long.direction is Direction.LONG  # type: ignore[attr-defined]
    # risk 101 - 97.5 = 14 ticks; target 1.5 x 14 = 21 ticks above
    assert (long.stop_loss, long.take_profit) == (97.5, 106.25)  # type: ignore[attr-defined]
    assert decide(101.25, loud) is None  # already long: once per breakout
    short = decide(97.0, loud)
    assert (short.direction, short.stop_loss, short.take_profit) == (Direction.SHORT, 100.0, 92.5)  # type: ignore[attr-defined]
    nan = float("nan")
    warming = _Context(0, ES, Position(ES), {"example_channel.upper": nan, "example_channel.lower": nan})
    assert strategy.on_bar(_bar(101.0), warming) is None  # type: ignore[attr-defined]


def test_the_analyzer_compares_volume_with_the_previous_bars(example: object) -> None:
    analyzer = _build(example, "mia_register_analyzers", window=2)
    bars = [attrs.evolve(_bar(100.0, i), volume=v) for i, v in enumerate([100, 300, 400])]
    assert [analyzer.on_event(bar) for bar in bars[:2]] == [None, None]  # type: ignore[attr-defined]
    assert analyzer.on_event(bars[2]) == {"ratio": 2.0, "mean": 200.0}  # type: ignore[attr-defined]
    assert analyzer.latest() == {"ratio": 2.0, "mean": 200.0}  # type: ignore[attr-defined]


def test_the_risk_policy_caps_the_stop_distance_and_lets_exits_pass(example: object) -> None:
    policy = _build(example, "mia_register_risk_policies", max_ticks=8)
    flat = _Context(0, ES, Position(ES), {}, last_price=100.0)

    def entry(stop: float) -> OrderIntent:
        return OrderIntent(ES, OrderSide.BUY, 1, bracket=Bracket(stop_loss=stop))

    assert policy.evaluate(entry(98.0), flat).verdict is RiskVerdict.ALLOW  # type: ignore[attr-defined]
    far = policy.evaluate(entry(97.75), flat)  # type: ignore[attr-defined]
    assert (far.verdict, far.reason) == (RiskVerdict.REJECT, "stop 9 ticks away (max 8)")
    naked = policy.evaluate(OrderIntent(ES, OrderSide.BUY, 1), flat)  # type: ignore[attr-defined]
    assert naked.verdict is RiskVerdict.REJECT
    held = _Context(0, ES, Position(ES, 1, 99.0), {}, last_price=100.0)
    exit_ = policy.evaluate(OrderIntent(ES, OrderSide.SELL, 1), held)  # type: ignore[attr-defined]
    assert exit_.verdict is RiskVerdict.ALLOW


def test_the_settings_are_validated(example: object) -> None:
    from mia_example_strategy.technique import ChannelConfig

    with pytest.raises(ValueError, match="lookback"):
        ChannelConfig(lookback=0)
