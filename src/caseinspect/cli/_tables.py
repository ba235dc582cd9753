"""CLI commands (see the package docstring for conventions)."""

COMMANDS: list = []
