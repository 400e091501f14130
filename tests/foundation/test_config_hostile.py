"""Hostile system files (issue 22): duplicate keys, environment values, alias bombs, bad types and encodings."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from adapters.bootstrap.cli import app
from adapters.bootstrap.config import load_plan, read_yaml
from adapters.bootstrap.errors import ConfigError
from adapters.bootstrap.plugins import PluginHost, discover
from adapters.bootstrap.yamlread import MAX_ALIASES, MAX_BYTES

BASE = "data_feed: {use: bundled}\nstrategy: {use: sma_cross, fast: 5, slow: 20}\n"
WEBHOOK = "https://discord.com/api/webhooks/123456/s3cr3t-t0ken"


@pytest.fixture(scope="module")
def host() -> PluginHost:
    return discover()


def write(tmp_path: Path, text: str | bytes) -> Path:
    path = tmp_path / "system.yaml"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(textwrap.dedent(text))
    return path


def refused(tmp_path: Path, host: PluginHost, text: str | bytes) -> ConfigError:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_plan(path, host)
    assert caught.value.source == str(path)
    return caught.value


def cli(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args), env={"COLUMNS": "300", **(env or {})})
    return result.exit_code, " ".join((result.stdout + result.stderr).split())


# --- 1. duplicate keys, at any depth --------------------------------------------------------------


def test_a_second_risk_policies_block_is_an_error_naming_both_lines(tmp_path: Path, host: PluginHost) -> None:
    text = BASE + "risk_policies:\n  - use: max_position\nmode: backtest\nrisk_policies:\n  - use: max_drawdown\n"
    error = refused(tmp_path, host, text)
    assert (error.path, error.line) == ("risk_policies", 6)
    assert error.message.startswith("duplicate key: 'risk_policies' is already set at line 3")
    assert str(error).endswith("(line 6)")


@pytest.mark.parametrize(
    ("text", "path", "first", "line"),
    [
        (BASE + "catastrophe:\n  enabled: true\n  max_drawdown_pct: 5\n  enabled: false\n",
         "catastrophe.enabled", 4, 6),
        (BASE + "risk_policies:\n  - use: max_drawdown\n    max_drawdown_pct: 5\n    max_drawdown_pct: 50\n",
         "risk_policies[0].max_drawdown_pct", 5, 6),
        (BASE + "backtest: {start: 2020-01-01, start: 2021-01-01}\n", "backtest.start", 3, 3),
    ],
)
def test_duplicate_keys_are_refused_at_any_depth(
    tmp_path: Path, host: PluginHost, text: str, path: str, first: int, line: int
) -> None:
    error = refused(tmp_path, host, text)
    assert (error.path, error.line) == (path, line)
    assert f"is already set at line {first}" in error.message


def test_a_merge_key_is_not_a_duplicate(tmp_path: Path, host: PluginHost) -> None:
    text = BASE + "risk_policies:\n  - &cap {use: max_position, max_contracts: 1}\n  - {<<: *cap, as: second}\n"
    plan = load_plan(write(tmp_path, text), host)
    assert [p.ref.instance_name for p in plan.many("risk_policies")] == ["max_position", "second"]


# --- 2. environment values are data --------------------------------------------------------------

ENV_SYSTEM = BASE + "journal: {path: ${MIA_T_JOURNAL:journal.jsonl}}\nbacktest: {close_at_end: ${MIA_T_CLOSE:false}}\n"


def test_an_environment_value_with_a_newline_cannot_inject_keys(
    tmp_path: Path, host: PluginHost, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MIA_T_JOURNAL", "j.jsonl\nmode: live\nlive_trading: true")
    plan = load_plan(write(tmp_path, ENV_SYSTEM), host)
    assert plan.settings.journal.path == "j.jsonl\nmode: live\nlive_trading: true"
    assert plan.settings.mode.value == "backtest"
    assert plan.settings.live_trading is False


def test_an_environment_value_with_a_hash_is_kept_whole(
    tmp_path: Path, host: PluginHost, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MIA_T_JOURNAL", "runs/a #1.jsonl")
    plan = load_plan(write(tmp_path, ENV_SYSTEM), host)
    assert plan.settings.journal.path == "runs/a #1.jsonl"


@pytest.mark.parametrize(("value", "parsed"), [("true", True), ("false", False), ("yes", True)])
def test_a_whole_unquoted_placeholder_takes_the_type_of_its_value(
    tmp_path: Path, host: PluginHost, monkeypatch: pytest.MonkeyPatch, value: str, parsed: bool
) -> None:
    monkeypatch.setenv("MIA_T_CLOSE", value)
    assert load_plan(write(tmp_path, ENV_SYSTEM), host).settings.backtest.close_at_end is parsed


def test_a_quoted_or_embedded_placeholder_is_a_string_and_comments_are_not_read(
    tmp_path: Path, host: PluginHost, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MIA_T_N", "7")
    monkeypatch.delenv("MIA_T_UNSET", raising=False)
    text = BASE + "# ${MIA_T_UNSET} is only mentioned here\njournal: {path: 'run-${MIA_T_N}.jsonl'}\n"
    assert load_plan(write(tmp_path, text), host).settings.journal.path == "run-7.jsonl"
    quoted = BASE.replace("fast: 5", "fast: '${MIA_T_N}'")
    assert refused(tmp_path, host, quoted).path == "strategy.fast"  # '7' quoted is text, not an integer


def test_a_default_may_hold_yaml_punctuation(tmp_path: Path, host: PluginHost, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MIA_T_JOURNAL", raising=False)
    text = BASE + "journal: {path: ${MIA_T_JOURNAL:a, b: [c] # d}}\n"
    assert load_plan(write(tmp_path, text), host).settings.journal.path == "a, b: [c] # d"


# --- 3. alias bombs and size limits --------------------------------------------------------------


def _bomb(levels: int) -> str:
    """``levels`` lists of ten, each made of the one before: 10**levels strings at ``plugins.disable``."""
    lists = ["&a0 [x, x, x, x, x, x, x, x, x, x]"]
    lists += [f"&a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, levels)]
    return f"plugins: {{disable: [{', '.join(lists)}]}}\n"


@pytest.mark.parametrize(
    ("levels", "message"),
    [
        (4, "got ['x', 'x', 'x', 'x', ...] (list); expected a string"),  # within the limits: the schema's error, cut
        (6, "more than 100,000 values once aliases are expanded (an alias bomb?)"),
        (9, "more than 100,000 values once aliases are expanded (an alias bomb?)"),  # 10**9 strings: never built
    ],
)
def test_an_alias_bomb_is_refused_early_with_a_short_message(
    tmp_path: Path, host: PluginHost, levels: int, message: str
) -> None:
    error = refused(tmp_path, host, BASE + _bomb(levels))
    assert error.message == message
    assert error.line == 3
    assert len(str(error)) < 250


def test_many_aliases_are_refused(tmp_path: Path, host: PluginHost) -> None:
    text = BASE + "plugins: {disable: [&n ib, " + ", ".join(["*n"] * (MAX_ALIASES + 1)) + "]}\n"
    error = refused(tmp_path, host, text)
    assert error.message == f"more than {MAX_ALIASES} aliases (*name); write the values out"


def test_a_self_containing_alias_is_refused(tmp_path: Path, host: PluginHost) -> None:
    error = refused(tmp_path, host, BASE + "backtest: &loop {start: *loop}\n")
    assert "refers to the mapping or list that contains it" in error.message


def test_an_oversized_or_too_deep_file_is_refused(tmp_path: Path, host: PluginHost) -> None:
    error = refused(tmp_path, host, BASE + "#" * MAX_BYTES + "\n")
    assert error.path == "(file)"
    assert error.message.endswith(f"bytes; a system file may hold at most {MAX_BYTES:,}")
    deep = refused(tmp_path, host, BASE + "backtest: " + "[" * 150 + "]" * 150 + "\n")
    assert "nested too deeply" in deep.message


# --- 4. wrong types, invalid dates, encodings: named, never a traceback -----------------------------


@pytest.mark.parametrize(
    ("disable", "path"),
    [("5", "plugins.disable"), ("ib", "plugins.disable"), ("[ib, 3]", "plugins.disable[1]"),
     ("{a: b}", "plugins.disable")],
)
def test_plugins_disable_of_the_wrong_type_is_a_config_error(tmp_path: Path, disable: str, path: str) -> None:
    source = write(tmp_path, BASE + f"plugins:\n  disable: {disable}\n")
    code, out = cli("config", "check", str(source))
    assert code == 2
    assert out.startswith(f"error: {source}: {path}: ")
    assert out.endswith("(line 4)")
    assert "Traceback" not in out


def test_an_invalid_date_names_the_key_and_line(tmp_path: Path, host: PluginHost) -> None:
    error = refused(tmp_path, host, BASE + "backtest:\n  start: 2024-02-30\n")
    assert (error.path, error.line) == ("backtest.start", 4)
    assert error.message == "'2024-02-30' is not a valid date: day is out of range for month"


def test_a_file_that_is_not_utf8_names_the_line(tmp_path: Path, host: PluginHost) -> None:
    error = refused(tmp_path, host, BASE.encode() + b"# caf\xe9 au lait\n")
    assert (error.path, error.line) == ("(file)", 3)
    assert error.message == "not UTF-8 text: byte 0xe9 at column 6; save it as UTF-8"


def test_a_list_at_the_top_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"\(top level\): expected a mapping of settings, got a list"):
        read_yaml(write(tmp_path, "- a\n- b\n"))


# --- 6. values from the environment are never echoed ---------------------------------------------


def test_a_type_error_on_an_environment_value_names_the_variable_not_the_value(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = write(tmp_path, BASE.replace("fast: 5", "fast: ${MIA_T_HOOK}"))
    code, out = cli("config", "check", str(source), env={"MIA_T_HOOK": WEBHOOK})
    assert code == 2
    assert WEBHOOK not in out and "s3cr3t" not in out
    assert "strategy.fast: got the value of $MIA_T_HOOK (str); expected an integer" in out


def test_the_resolved_system_does_not_print_environment_values(tmp_path: Path) -> None:
    source = write(tmp_path, BASE + "journal: {path: '${MIA_T_HOOK}'}\n")
    code, out = cli("config", "check", str(source), env={"MIA_T_HOOK": WEBHOOK})
    assert code == 0, out
    assert WEBHOOK not in out
    assert "path=<the value of $MIA_T_HOOK>" in out


def test_a_component_refusal_of_an_environment_value_does_not_print_it(
    tmp_path: Path, host: PluginHost, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MIA_T_MODE", WEBHOOK)
    error = refused(tmp_path, host, BASE + "mode: ${MIA_T_MODE}\n")
    assert error.path == "mode"
    assert WEBHOOK not in str(error)
    assert "the value of $MIA_T_MODE" in error.message


# --- 5. absurd but positive limits are refused with the allowed range --------------------------------


@pytest.mark.parametrize(
    ("text", "path", "message"),
    [
        ("catastrophe: {max_error_rate: 5}\n", "catastrophe.max_error_rate", "got 5.0; allowed range [0, 1]"),
        ("catastrophe: {max_drawdown_pct: 150}\n", "catastrophe.max_drawdown_pct", "got 150.0; allowed range (0, 100]"),
        ("risk_policies: [{use: max_drawdown, max_drawdown_pct: 150}]\n", "risk_policies[0].max_drawdown_pct",
         "got 150.0; allowed range (0, 100] (settings of risk_policy 'max_drawdown')"),
        ("risk_policies: [{use: max_risk_per_trade, max_risk_pct: 400}]\n", "risk_policies[0].max_risk_pct",
         "got 400.0; allowed range (0, 100] (settings of risk_policy 'max_risk_per_trade')"),
        ("position: {risk_per_trade_pct: 101}\n", "position.risk_per_trade_pct", "got 101.0; allowed range (0, 100]"),
    ],
)
def test_absurd_limits_are_refused_with_the_allowed_range(
    tmp_path: Path, host: PluginHost, text: str, path: str, message: str
) -> None:
    error = refused(tmp_path, host, BASE + text)
    assert (error.path, error.message, error.line) == (path, message, 3)


def test_an_out_of_range_environment_value_is_named_not_printed(
    tmp_path: Path, host: PluginHost, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MIA_T_RATE", "5")
    error = refused(tmp_path, host, BASE + "catastrophe: {max_error_rate: ${MIA_T_RATE}}\n")
    assert error.message == "got the value of $MIA_T_RATE; allowed range [0, 1]"
