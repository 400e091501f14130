"""Basic risk policies (position caps); the full set lives with the risk issue."""
