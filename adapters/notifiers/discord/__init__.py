"""Discord: trades, alerts, the daily summary with its chart and the mentor, through a webhook."""
