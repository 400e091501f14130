"""Plugin modules for discovery tests, named by real entry points built in the tests."""
