"""Replay data feeds: bundled real history, CSV/Parquet files, synthetic intraday bars."""
