"""The ``trading_window`` signal filter: entries only between two dates (warm-up bars before a test fold)."""
