"""A third-party plugin, for real: docs/examples/mia-example-strategy installed next to MIA with pip.

The example is installed into a fresh virtual environment that sees the packages of
the environment running the tests (MIA and its dependencies), then MIA's CLI is run
by that environment's interpreter: discovery must find the plugin through its
distribution's entry point, exactly as for anyone who ``pip install``s a plugin.
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

import pytest

from mia_core.instruments import ES
from mia_core.market import Bar
from mia_core.signals import Direction, Signal

REPO_ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = REPO_ROOT / "docs" / "examples" / "mia-example-strategy"
SYSTEM = REPO_ROOT / "docs" / "examples" / "example_breakout.yaml"
CLI = "from adapters.bootstrap.cli import main; main()"
DAY_NS = 86_400 * 1_000_000_000


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
    (row,) = [line for line in result.stdout.splitlines() if line.startswith("│ example_breakout ")]
    cells = [cell.strip() for cell in row.strip("│").split("│")]
    assert cells == ["example_breakout", "mia-example-strategy", "0.1.0", "strategy: example_breakout", "loaded"]
    assert "sma_cross" in result.stdout  # the built-ins are still there


def test_config_check_accepts_the_example_system(plugin_env: PluginEnv) -> None:
    result = plugin_env.mia("config", "check", str(SYSTEM))
    assert result.returncode == 0, result.stdout + result.stderr
    out = " ".join(result.stdout.split())
    assert "example_breakout (example_breakout from example_breakout (mia-example-strategy 0.1.0))" in out
    assert "lookback=20" in out
    assert "is a valid backtest system" in out


def test_a_backtest_runs_the_third_party_strategy(plugin_env: PluginEnv, tmp_path: Path) -> None:
    result = plugin_env.mia("backtest", str(SYSTEM), "--report", str(tmp_path / "report"), cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    trades = re.search(r"Trades\s*│\s*([\d,]+)", result.stdout)
    assert trades is not None, result.stdout
    assert int(trades.group(1).replace(",", "")) > 0  # the breakout strategy traded
    assert (tmp_path / "report" / "report.html").is_file()


# --- the strategy itself, in process -----------------------------------------------------


@pytest.fixture
def example(monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    monkeypatch.syspath_prepend(str(EXAMPLE))
    from mia_example_strategy import strategy

    yield strategy
    for name in [n for n in sys.modules if n.startswith("mia_example_strategy")]:
        del sys.modules[name]


def _bars(closes: list[float]) -> list[Bar]:
    return [
        Bar(ES, ts=1_700_000_000_000_000_000 + i * DAY_NS, open=c, high=c + 1, low=c - 1, close=c, volume=100)
        for i, c in enumerate(closes)
    ]


def test_the_breakout_signals_once_per_break_with_an_optional_stop(example: object) -> None:
    strategy_module = example
    config = strategy_module.BreakoutConfig(lookback=3, stop_ticks=8)  # type: ignore[attr-defined]
    strategy = strategy_module.BreakoutStrategy(config, tick_size=ES.tick_size)  # type: ignore[attr-defined]
    closes = [100.0, 100.0, 100.0, 100.5, 101.5, 103.0, 102.0, 98.5, 97.0]
    signals: list[Signal | None] = [strategy.on_bar(bar, None) for bar in _bars(closes)]

    fired = {i: s for i, s in enumerate(signals) if s is not None}
    # bar 5: 103 > 102.5, the highest high of bars 2-4; bar 7: 98.5 < 100.5, the lowest low of
    # bars 4-6; bar 8 breaks lower again but the strategy is already short.
    assert sorted(fired) == [5, 7]
    assert (fired[5].direction, fired[5].stop_loss) == (Direction.LONG, 101.0)
    assert (fired[7].direction, fired[7].stop_loss) == (Direction.SHORT, 100.5)
    assert fired[5].source == "example_breakout"

    strategy.reset()
    assert [strategy.on_bar(bar, None) for bar in _bars(closes[:4])] == [None] * 4


def test_the_breakout_settings_are_validated(example: object) -> None:
    with pytest.raises(ValueError, match="lookback"):
        example.BreakoutConfig(lookback=1)  # type: ignore[attr-defined]
