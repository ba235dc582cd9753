"""Writes. One function per write: atomic, taking the acting user, writing its audit row in
the same transaction. Views and commands call these and nothing else to change data."""
