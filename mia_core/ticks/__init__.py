"""Trade ticks: the tape, bars built from it (time, tick, volume, range) and a tick-driven backtest."""
