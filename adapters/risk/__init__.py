"""Risk adapters: the latch/status file, the news calendar reader and the ``mia risk`` commands."""
