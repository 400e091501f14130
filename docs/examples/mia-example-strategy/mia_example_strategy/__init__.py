"""An example third-party MIA plugin: a channel technique, a breakout strategy with brackets, a volume analyzer and a stop-distance risk policy."""
