"""The framework an inspection was recorded under (loaded once per process)."""

from __future__ import annotations

from functools import lru_cache

from ..framework import Framework, load_framework


@lru_cache(maxsize=16)
def framework_by_id(framework_id: str) -> Framework:
    return load_framework(framework_id)


def framework_for(inspection) -> Framework:
    return framework_by_id(inspection.framework_id)
