"""Generic calculations plugins share: rolling windows and ATR, order flow, sessions, Chicago time, a technique base."""
