"""The replay plugin registers bundled, file and synthetic feeds whose settings come from YAML."""

from __future__ import annotations

import asyncio
import logging
import types
import typing
from pathlib import Path
from typing import Any

import attrs
import pandas as pd
import pytest
import yaml

from adapters.bootstrap.structure import StructureError, structure_attrs
from adapters.replay import plugin
from adapters.replay.feed import SeriesDataFeed
from adapters.replay.file import ColumnMap, DataFileError, FileFeedConfig
from adapters.replay.plugin import BundledFeedConfig
from mia_core.instruments import ES
from mia_core.market import Bar
from ports.components import ComponentKind
from ports.data_feed import DataFeed

DOCS = Path(__file__).resolve().parents[2] / "docs" / "data.md"
PLAIN = (str, int, float, bool, type(None))


def specs() -> dict[str, Any]:
    return {spec.name: spec for spec in plugin.mia_register_data_feeds()}


def _plain(tp: Any) -> bool:
    origin = typing.get_origin(tp)
    if origin is typing.Literal:
        return True
    if origin in (typing.Union, types.UnionType):
        return all(_plain(arg) for arg in typing.get_args(tp))
    return tp in PLAIN or (attrs.has(tp) and all(_plain(t) for t in typing.get_type_hints(tp).values()))


def test_four_feeds_registered_with_plain_frozen_settings() -> None:
    registered = specs()
    assert set(registered) == {"bundled", "file", "ticks", "synthetic"}
    for spec in registered.values():
        assert spec.kind is ComponentKind.DATA_FEED
        assert attrs.has(spec.config_class) and _plain(spec.config_class), spec.name
        instance = structure_attrs(spec.config_class, {"path": "x.csv"} if spec.name in ("file", "ticks") else {}, "f")
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            setattr(instance, attrs.fields(spec.config_class)[0].name, 1)


def test_file_settings_from_yaml_with_nested_column_map() -> None:
    settings = yaml.safe_load("path: es.csv\ncolumns: {ts: Time, close: Last, trade_count: null}\ntimezone: UTC\n")
    config = structure_attrs(FileFeedConfig, settings, "data_feed")
    assert config.columns == ColumnMap(ts="Time", close="Last", trade_count=None)
    for bad, where in [({"columns": {"price": "P"}}, "data_feed.columns.price"),
                       ({"timezone": "Mars/Olympus"}, "data_feed.timezone"),
                       ({"timestamp_is": "open"}, "data_feed.bar_seconds"),
                       ({"close_time": "4pm"}, "data_feed.close_time")]:
        with pytest.raises(StructureError) as caught:
            structure_attrs(FileFeedConfig, {"path": "es.csv", **bad}, "data_feed")
        assert caught.value.path == where


def test_feeds_satisfy_the_port_and_stream_bars(context: Any, tmp_path: Path, make_frame: Any) -> None:
    path = tmp_path / "es.csv"
    make_frame(5).to_csv(path, index=False)
    registered = specs()
    feeds = [
        registered["bundled"].factory(plugin.BundledFeedConfig(dataset="nasdaq"), context),
        registered["file"].factory(FileFeedConfig(path=str(path)), context),
        registered["synthetic"].factory(plugin.SyntheticFeedConfig(bars=50), context),
    ]
    for feed in feeds:
        assert isinstance(feed, DataFeed) and isinstance(feed, SeriesDataFeed)
        history = feed.history(context.instrument)
        assert len(history) > 0 and history.instrument is context.instrument

    async def first_bar(feed: SeriesDataFeed) -> Bar:
        async for event in feed.stream(context.instrument):
            assert isinstance(event, Bar)
            return event
        raise AssertionError("empty stream")

    assert asyncio.run(first_bar(feeds[1])).trade_count == 30
    assert asyncio.run(first_bar(feeds[2])).trade_count is not None


def test_file_factory_fails_early_for_a_missing_file(context: Any) -> None:
    with pytest.raises(DataFileError, match="no such file"):
        specs()["file"].factory(FileFeedConfig(path="does/not/exist.csv"), context)


def test_feed_keeps_and_logs_the_quality_report(
    context: Any, tmp_path: Path, make_frame: Any, caplog: pytest.LogCaptureFixture
) -> None:
    frame: pd.DataFrame = make_frame(5)
    frame.loc[2, "close"] = 5000.6
    path = tmp_path / "es.csv"
    frame.to_csv(path, index=False)
    feed = specs()["file"].factory(FileFeedConfig(path=str(path), on_bad_data="repair"), context)
    with caplog.at_level(logging.DEBUG, logger="mia.data"):
        report = feed.report(context.instrument)
    assert report is not None and report.count("off_grid") == 1
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "\n" not in warnings[0]  # one line on every run; the details at DEBUG
    assert "off_grid 1 (rounded to the nearest tick)" in warnings[0] and "--data-report" in warnings[0]
    details = [r.getMessage() for r in caplog.records if r.levelno == logging.DEBUG]
    assert any("off_grid: 1 row(s)" in d and "line 4" in d for d in details)


def test_gaps_alone_are_one_line_not_a_listing(context: Any, caplog: pytest.LogCaptureFixture) -> None:
    feed = specs()["bundled"].factory(BundledFeedConfig(), context)
    with caplog.at_level(logging.INFO, logger="mia.data"):
        feed.report(ES)
    lines = [r.getMessage() for r in caplog.records if r.levelno >= logging.INFO]
    assert len(lines) == 1 and "3 gaps" in lines[0] and "line 680" not in lines[0]


def test_docs_examples_are_valid_settings() -> None:
    text = DOCS.read_text()
    blocks = [b.split("```", 1)[0] for b in text.split("```yaml\n")[1:]]
    found = set()
    for block in blocks:
        feed = yaml.safe_load(block)["data_feed"]
        name = feed.pop("use")
        structure_attrs(specs()[name].config_class, feed, "data_feed")
        found.add(name)
    assert found == {"bundled", "file", "ticks", "synthetic"}


def test_yaml_systems_compose_with_each_feed(tmp_path: Path, make_frame: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from adapters.bootstrap.config import load_plan
    from adapters.bootstrap.container import build_system
    from adapters.bootstrap.plugins import discover

    make_frame(5).to_csv(tmp_path / "es.csv", index=False)
    monkeypatch.chdir(tmp_path)
    host = discover()
    for feed in ("use: bundled\n  dataset: sp500", "use: file\n  path: es.csv", "use: synthetic\n  bars: 100"):
        path = tmp_path / "system.yaml"
        path.write_text(f"instrument: ES\ndata_feed:\n  {feed}\nstrategy:\n  use: sma_cross\n")
        system = build_system(load_plan(path, host))
        try:
            assert len(system.data_feed.history(system.plan.instrument)) > 0
        finally:
            system.close()
