"""Tests of the tape, bars from ticks and the tick-driven backtest."""
