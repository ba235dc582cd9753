"""Fraction phrases ("over four-fifths (84%)", "nearly half (47%)") chosen by a rule.

The bulletins describe shares in words. Picking the words by hand is where prose drifts
from the tables, so the words come from a rule applied to the exact share, with the
anchors and qualifiers as framework data (``<companion_dir>/bulletin/phrases.yaml``):

1. the exact share ``yes / n`` in percent (never the rounded percentage);
2. outside ``[lowest, highest]`` there is no phrase, only the percentage;
3. the nearest anchor (a tie goes to the lower anchor);
4. ``d = share - anchor`` in percentage points; the first qualifier whose ``[min, max)``
   holds ``d`` gives the word in front of the anchor's words.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import yaml

from ..errors import InvalidArgument, UsageError
from ..framework import Framework

__all__ = ["PhraseBands", "default_phrases", "fraction_phrase", "load_phrases"]

_DEFAULT = Path(__file__).resolve().parents[1] / "framework" / "data" / "hmip-2018" / "bulletin"


@dataclass(frozen=True)
class PhraseBands:
    """Anchors ``(value in percent, words)`` and qualifiers ``(min, max, words)``."""

    lowest: float
    highest: float
    anchors: tuple[tuple[float, str], ...]
    qualifiers: tuple[tuple[float, float, str], ...]


def _read(path: Path) -> PhraseBands:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        anchors = tuple(sorted((float(a["value"]), str(a["words"])) for a in data["anchors"]))
        qualifiers = tuple(
            (float(q["min"]), float(q["max"]), str(q["words"])) for q in data["qualifiers"]
        )
        bands = PhraseBands(float(data["lowest"]), float(data["highest"]), anchors, qualifiers)
    except (OSError, KeyError, TypeError, ValueError, yaml.YAMLError) as exc:
        raise UsageError(f"{path}: not a valid phrase-band file ({exc})") from exc
    if not anchors or not qualifiers:
        raise UsageError(f"{path}: needs at least one anchor and one qualifier")
    return bands


def default_phrases() -> PhraseBands:
    """The shipped bands (those of ``hmip-2018``)."""
    return _read(_DEFAULT / "phrases.yaml")


def load_phrases(framework: Framework) -> PhraseBands:
    """The framework's bands, or the shipped ones when it has no ``phrases.yaml``."""
    path = framework.companion_dir / "bulletin" / "phrases.yaml"
    return _read(path) if path.is_file() else default_phrases()


def fraction_phrase(yes: int, n: int, bands: PhraseBands | None = None) -> str:
    """The words for the share ``yes / n``, without the percentage.

    Parameters
    ----------
    yes, n : int
        The counts behind the share (``0 <= yes <= n``, ``n > 0``).
    bands : PhraseBands, optional
        Default: the shipped bands.

    Returns
    -------
    str
        ``""`` when the share is outside ``[lowest, highest]`` (print the percentage only).

    Examples
    --------
    >>> fraction_phrase(2785, 3308)   # 84.2%
    'over four-fifths'
    >>> fraction_phrase(1548, 3308)   # 46.8%
    'nearly half'
    >>> fraction_phrase(1, 3)
    'a third'
    >>> fraction_phrase(6, 100)
    ''
    """
    if n <= 0 or yes < 0 or yes > n:
        raise InvalidArgument(f"a share needs 0 <= yes <= n and n > 0; got {yes} of {n}")
    bands = bands or default_phrases()
    share = Fraction(100 * yes, n)
    if share < Fraction(bands.lowest) or share > Fraction(bands.highest):
        return ""
    # Nearest anchor; exact arithmetic so that a tie is a tie (the lower anchor wins).
    value, words = min(bands.anchors, key=lambda a: (abs(share - Fraction(a[0])), a[0]))
    d = share - Fraction(value)
    for low, high, qualifier in bands.qualifiers:
        if Fraction(low) <= d < Fraction(high):
            return f"{qualifier} {words}".strip()
    return words
