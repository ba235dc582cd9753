"""ogrs."""
