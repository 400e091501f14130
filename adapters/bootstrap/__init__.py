"""The composition root: plugin discovery, YAML configuration, the CLI."""
