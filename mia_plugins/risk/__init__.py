"""Built-in risk policies: daily limits, account limits, time windows and signal quality."""
