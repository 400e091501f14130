"""E-mail notifications over SMTP."""
