"""Alert rules: conditions on the account and the machine, raised once, escalated, cleared."""
