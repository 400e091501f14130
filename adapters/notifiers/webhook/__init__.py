"""A generic JSON webhook (Slack-style ``text``) for notifications."""
