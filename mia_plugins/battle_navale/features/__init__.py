"""Battle Navale's seven bar features, each a technique in two forms (bar by bar and arrays) that agree exactly."""
