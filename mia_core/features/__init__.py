"""Battle Navale's features and the elite techniques: pure, each in an incremental and a vectorised form."""
