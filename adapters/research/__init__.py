"""Research tools: walk-forward evaluation of a composed system on the bundled real history."""
