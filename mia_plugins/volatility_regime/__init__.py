"""The ``volatility_regime`` elite technique: short against long ATR, low / normal / high volatility."""
