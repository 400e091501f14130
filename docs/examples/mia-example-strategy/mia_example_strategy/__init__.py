"""An example third-party MIA plugin: the ``example_breakout`` strategy."""
