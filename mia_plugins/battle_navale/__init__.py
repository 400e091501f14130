"""Battle Navale: seven bar features, their confluence, the regime detector, setups, selector and the strategy."""
