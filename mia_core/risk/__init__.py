"""Risk: pure policies, position sizing and exits, the daily ledger and the catastrophe monitor."""
