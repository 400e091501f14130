"""Battle Navale's seven bar features as technique components (the eighth, dealer's bias, is an analyzer)."""
