"""The published annex tables shipped with caseinspect (OGL v3.0; see README.md here)."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from ..errors import InvalidArgument

__all__ = ["published_path", "PUBLISHED_FILES"]

PUBLISHED_FILES = {
    "2018-19": "bulletin_2020_03_annex_c.csv",
    "2016-17": "bulletin_2018_01_tables.csv",
}


def published_path(round_id: str) -> Path:
    """Path of the published tables for a round (``"2018-19"`` or ``"2016-17"``)."""
    try:
        name = PUBLISHED_FILES[round_id]
    except KeyError:
        raise InvalidArgument(
            f"no published tables for round {round_id!r}; known: {sorted(PUBLISHED_FILES)}"
        ) from None
    return Path(str(files(__name__).joinpath(name)))
