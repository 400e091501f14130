"""An example third-party MIA plugin: a channel technique, a breakout strategy, a volume analyzer, a risk policy."""
