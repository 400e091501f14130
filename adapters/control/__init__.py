"""Remote control of a running session (Discord commands through the catastrophe latch)."""
