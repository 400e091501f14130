"""What the trader is told about a period: the daily summary and the mentor, from journal entries."""
