"""``mia gex SNAPSHOT`` (levels, charts, Sierra export) and ``mia gex-collect`` (the 5-minute scheduler)."""

from __future__ import annotations

import asyncio
import contextlib
import math
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from adapters.options.files import FORMATS, read_any
from mia_core.errors import MiaError
from mia_core.gex.analysis import GexAnalysis, GexSettings, analyse
from mia_core.gex.chain import ChainArrays
from mia_core.gex.codec import iso_utc
from mia_core.gex.exposure import SignConvention, futures_contracts
from mia_core.gex.values import index_levels
from mia_core.instruments import instrument_for

console = Console()
err = Console(stderr=True)
BILLION = 1e9


def _fmt(value: float | None, spec: str = ",.2f") -> str:
    return "-" if value is None or math.isnan(value) else format(value, spec)


def levels_table(a: GexAnalysis, basis: float, futures: str, window_days: float) -> Table:
    """Key levels in index points and futures prices."""
    table = Table(title=f"{a.underlying} levels, expiries up to {window_days:g} days; {futures} = index {basis:+.2f}")
    for column in ("level", "index", futures):
        table.add_column(column, justify="right" if column != "level" else "left")
    table.add_row("spot", _fmt(a.spot), _fmt(a.spot + basis))
    for name, level in index_levels(a).items():
        table.add_row(name.replace("_", " "), _fmt(level), _fmt(None if level is None else level + basis))
    return table


def summary_table(
    a: GexAnalysis, bias: Mapping[str, float], basis: float, futures_multiplier: float, futures: str
) -> Table:
    """GEX totals, ratios and quality, with the score the ``dealers_bias`` analyzer published in ``bias``.

    ``bias`` holds the analyzer's values at the snapshot's time (``-`` for what it lacks).
    """
    fut = a.spot + basis
    components = (bias.get(name) for name in ("s_gex", "s_flip", "s_wall", "s_pcr", "s_vol"))
    r = a.report
    contracts = futures_contracts(a.gex_window, fut, futures_multiplier)
    rows = [
        ("rows (total / used / bad / far / missing IV / repaired)",
         f"{r.total} / {r.used} / {r.bad} / {r.far_strike} / {a.missing_iv} / {a.repaired_iv}"),
        ("rows set aside, why", r.explain().partition("set aside: ")[2] or "-"),
        ("GEX all expiries ($bn per 1%)", f"{a.gex_total / BILLION:+.3f}"),
        ("GEX window ($bn per 1%)", f"{a.gex_window / BILLION:+.3f}"),
        ("  of which 0DTE / ex-0DTE", f"{a.gex_0dte / BILLION:+.3f} / {a.gex_ex_0dte / BILLION:+.3f}"),
        (f"GEX window in {futures} contracts per 1%", f"{contracts:+,.0f}"),
        ("put/call ratio (OI / volume)", f"{_fmt(a.pcr_oi, '.2f')} / {_fmt(a.pcr_volume, '.2f')}"),
        ("ATM IV front / 30-day vol", f"{_fmt(a.atm_iv, '.4f')} / {_fmt(a.vol_30d, '.2f')}"),
        ("dealer sign calls / puts", f"{a.call_sign:+.2f} / {a.put_sign:+.2f}"),
        ("regime (gamma sign at spot)", f"{a.zero_gamma.regime_sign:+d}"),
        ("components gex/flip/wall/pcr/vol", " / ".join(_fmt(v, "+.2f") for v in components)),
        ("quality iv/parity/coverage/parse/sign/flip",
         " / ".join(f"{v:.2f}" for v in (a.quality.iv, a.quality.parity, a.quality.coverage, a.quality.parse,
                                         a.quality.sign, a.quality.flip))),
        ("raw score", _fmt(bias.get("raw_score"), "+.3f")),
        (f"score / confidence at {iso_utc(a.ts)[:19]}Z",
         f"{_fmt(bias.get('score'), '+.3f')} / {_fmt(bias.get('confidence'), '.2f')}"),
    ]  # fmt: skip
    table = Table(title=f"{a.underlying} at {iso_utc(a.ts)[:19]}Z, spot {a.spot:,.2f}")
    table.add_column("figure")
    table.add_column("value", justify="right")
    for name, value in rows:
        table.add_row(name, value)
    return table


def expiry_table(a: GexAnalysis, rows: int = 12) -> Table:
    """GEX by expiry (settlement instant), nearest first, with the parity forward."""
    table = Table(title=f"{a.underlying} GEX by expiry ($bn per 1% move, first {rows})")
    for column in ("settles (UTC)", "days", "GEX", "forward", "parity"):
        table.add_column(column, justify="right")
    g = a.groups
    for i in range(min(rows, g.size)):
        parity = "-" if not g.forwards.from_parity[i] else f"{g.forwards.parity_error[i] * 100:.2f}%"
        table.add_row(
            iso_utc(int(g.settle_ns[i]))[:16], f"{g.t[i] * 365:.2f}", f"{a.gex_by_group[i] / BILLION:+.3f}",
            f"{g.forwards.forward[i]:,.2f}", parity,
        )  # fmt: skip
    return table


def gex_command(
    snapshot: Annotated[Path, typer.Argument(help="quotedata.csv, a long-format CSV/Parquet, or a stored .json")],
    fmt: Annotated[str, typer.Option("--format", help=f"One of {', '.join(FORMATS)}.")] = "auto",
    out: Annotated[Path, typer.Option("--out", help="Directory for the charts and the Sierra export.")] = Path(
        "gex_out"
    ),
    underlying: Annotated[str | None, typer.Option("--underlying", help="SPX or NDX (else from the file).")] = None,
    ts: Annotated[str | None, typer.Option("--ts", help="Snapshot time, ISO with zone (else from the file).")] = None,
    spot: Annotated[float | None, typer.Option("--spot", help="Index level (else from the file).")] = None,
    basis: Annotated[float, typer.Option("--basis", help="Futures minus index, points.")] = 0.0,
    futures: Annotated[str | None, typer.Option("--futures", help="ES or NQ (default: NQ for NDX, else ES).")] = None,
    sign: Annotated[SignConvention, typer.Option("--sign", help="Dealer sign convention.")] = SignConvention.NAIVE,
    window_days: Annotated[float, typer.Option("--window-days", help="Expiry window of levels/score.")] = 45.0,
    rate: Annotated[float, typer.Option("--rate", help="Risk-free rate r, a fraction (0.045 = 4.5 %).")] = 0.045,
    dividend_yield: Annotated[
        float, typer.Option("--dividend-yield", help="Index dividend yield q, a fraction (0.013 = 1.3 %).")
    ] = 0.013,
) -> None:
    """Print the GEX levels of a chain snapshot; write a GEX-by-strike chart (PNG, HTML) and the Sierra levels."""
    from adapters.options.chart import write_html, write_png
    from adapters.options.dealers_bias import bias_values
    from adapters.options.sierra_export import write_sierra_levels

    try:
        moment = datetime.fromisoformat(ts.replace("Z", "+00:00")) if ts else None
        if moment is not None and moment.tzinfo is None:
            raise MiaError(f"--ts {ts}: give a time zone (e.g. 2025-01-06T20:57:00-05:00)")
        result = read_any(snapshot, fmt=fmt, underlying=underlying, ts=moment, spot=spot)
        futures = futures or ("NQ" if result.snapshot.underlying == "NDX" else "ES")
        instrument = instrument_for(futures)
        gex_settings = GexSettings(rate=rate, dividend_yield=dividend_yield, sign_convention=sign,
                                   window_days=window_days)
        a = analyse(ChainArrays.from_snapshot(result.snapshot), gex_settings)
    except MiaError as exc:
        err.print(f"[bold red]error:[/] {exc}", highlight=False)
        raise typer.Exit(2) from exc
    for line in result.rejected[:10]:
        err.print(f"[yellow]rejected[/] {line}", highlight=False)
    if len(result.rejected) > 10:
        err.print(f"[yellow]... {len(result.rejected) - 10} more rejected rows[/]")
    if a.report.used == 0:
        err.print(f"[bold red]error:[/] {snapshot}: no usable option rows ({a.report.explain()})", highlight=False)
        raise typer.Exit(2)
    try:
        settings = {"sign_convention": sign.value, "window_days": window_days, "rate": rate,
                    "dividend_yield": dividend_yield}
        bias: Mapping[str, float] = bias_values(result.snapshot, instrument, settings)
    except MiaError as exc:  # the levels are the core's: show them without the plugin's score
        err.print(f"[yellow]no score:[/] {exc}", highlight=False)
        bias = {}
    console.print(summary_table(a, bias, basis, instrument.multiplier, futures.upper()))
    console.print(expiry_table(a))
    console.print(levels_table(a, basis, futures.upper(), window_days))
    out.mkdir(parents=True, exist_ok=True)
    stem = snapshot.stem
    paths = [
        write_png(a, out / f"{stem}_gex.png"),
        write_html(a, out / f"{stem}_gex.html"),
        write_sierra_levels(a, out / f"{stem}_sierra_levels.csv", basis=basis, tick=instrument.tick_size),
    ]
    for path in paths:
        console.print(f"wrote {path}", highlight=False)


def collect_command(
    store: Annotated[Path, typer.Argument(help="Directory the snapshots are stored in (the analyzer's snapshot_dir).")],
    source: Annotated[
        str, typer.Option("--source", help="synthetic, or directory (newest file of --inbox).")
    ] = "synthetic",
    inbox: Annotated[
        Path | None, typer.Option("--inbox", help="For --source directory: where chain files land.")
    ] = None,
    underlying: Annotated[str, typer.Option("--underlying")] = "SPX",
    interval: Annotated[float, typer.Option("--interval", help="Seconds between snapshots.")] = 300.0,
    count: Annotated[int | None, typer.Option("--count", help="Stop after this many rounds.")] = None,
    host: Annotated[str, typer.Option("--host", help="For --source ib: TWS / IB Gateway host.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="For --source ib: API port (4002: Gateway paper).")] = 4002,
    client_id: Annotated[int, typer.Option("--client-id", help="For --source ib: API client id.")] = 17,
) -> None:
    """Take and store a chain snapshot every --interval seconds (5 minutes) until stopped (Ctrl-C)."""
    from adapters.bootstrap.schema import OptionsSnapshotsConfig
    from adapters.options.scheduler import SnapshotScheduler
    from adapters.options.session import make_source
    from adapters.options.store import SnapshotStore

    if source not in ("synthetic", "directory", "ib") or (source == "directory" and inbox is None):
        err.print("[bold red]error:[/] --source synthetic, ib, or directory with --inbox DIR")
        raise typer.Exit(2)
    settings = OptionsSnapshotsConfig(
        source=source,  # type: ignore[arg-type]  # checked just above
        inbox=None if inbox is None else str(inbox),
        ib_host=host,
        ib_port=port,
        ib_client_id=client_id,
    )
    chosen, closing = make_source(settings)
    scheduler = SnapshotScheduler(
        chosen,
        SnapshotStore(store),
        (underlying,),
        interval_seconds=interval,
        on_snapshot=lambda s: console.print(f"stored {s.underlying} at {iso_utc(s.ts)[:19]}Z spot {s.spot:,.2f}"),
    )
    try:
        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(scheduler.run(max_rounds=count))
    finally:
        if closing is not None:
            closing()
    console.print(f"{scheduler.taken} snapshots stored, {scheduler.failed} failed {scheduler.last_error}")
