"""Backtest outputs: terminal summary, CSV files and the HTML report."""
