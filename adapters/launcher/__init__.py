"""``mia start``: the pre-flight checklist, then the session (simulation, paper or live; IBKR or Sierra Chart)."""
