"""The OGRS3 coefficients, read from ``ogrs3.yaml`` into a frozen value.

The numbers are published model parameters, so they live in a data file with their
provenance rather than in code; this module only checks the file's shape.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..errors import InvalidArgument, Problem, ValidationError

__all__ = ["Ogrs3Band", "Ogrs3Coefficients", "load_coefficients"]

_DEFAULT_PATH = Path(__file__).with_name("ogrs3.yaml")


@dataclass(frozen=True)
class Ogrs3Band:
    """A likelihood-of-reoffending band: ``name`` from ``min_pct`` (two-year %, inclusive)."""

    name: str
    min_pct: float


@dataclass(frozen=True)
class Ogrs3Coefficients:
    """The parameters of the OGRS3 logistic model.

    Attributes
    ----------
    intercept_one_year, intercept_two_year : float
        Constants added to the linear predictor for the one- and two-year probabilities.
    copas : float
        Weight of the Copas rate ``ln((K + 1) / (10 + career length in years))``.
    first_sanction, repeat_sanction : float
        Weight when there is no previous sanction (K = 0) and when there is one or more.
    age_bands : tuple of int
        Inclusive lower bound of each age band, ascending; the last band is open-ended.
    age_gender : dict
        ``{"male": (...), "female": (...)}``, one weight per age band.
    offence : dict
        Offence category (as used on the command line) to weight.
    bands : tuple of Ogrs3Band
        Bands on the two-year percentage, ascending by ``min_pct``.
    source : str
        Bibliographic source of the model.
    previous_sanctions_cap : int
        The most previous sanctions the reference calculation counts (50): a longer
        record scores as if it had this many.
    earliest_birth_year, max_previous_sanctions : int
        Plausibility limits: a birth year before ``earliest_birth_year`` or more than
        ``max_previous_sanctions`` previous sanctions is refused as a likely typing error.
    """

    intercept_one_year: float
    intercept_two_year: float
    copas: float
    first_sanction: float
    repeat_sanction: float
    age_bands: tuple[int, ...]
    age_gender: dict[str, tuple[float, ...]]
    offence: dict[str, float]
    bands: tuple[Ogrs3Band, ...]
    source: str
    previous_sanctions_cap: int = 50
    earliest_birth_year: int = 1900
    max_previous_sanctions: int = 200

    @property
    def offence_categories(self) -> tuple[str, ...]:
        """The offence categories, in file order."""
        return tuple(self.offence)

    def age_band_label(self, age: int) -> str:
        """The label of the age band holding ``age`` (e.g. ``"18-20"``, ``"50+"``)."""
        i = self._age_band_index(age)
        lo = self.age_bands[i]
        if i + 1 == len(self.age_bands):
            return f"{lo}+"
        return f"{lo}-{self.age_bands[i + 1] - 1}"

    def age_gender_weight(self, sex: str, age: int) -> float:
        """The age-gender weight for ``sex`` at ``age`` completed years (``age >= 10``)."""
        return self.age_gender[sex][self._age_band_index(age)]

    def _age_band_index(self, age: int) -> int:
        if age < self.age_bands[0]:
            raise InvalidArgument(
                f"age {age} is below the youngest OGRS3 band ({self.age_bands[0]})"
            )
        index = 0
        for i, lower in enumerate(self.age_bands):
            if age >= lower:
                index = i
        return index


def load_coefficients(path: str | Path | None = None) -> Ogrs3Coefficients:
    """Read OGRS3 coefficients from a YAML file (default: the shipped ``ogrs3.yaml``).

    Parameters
    ----------
    path : str or Path, optional
        A coefficients file with the layout of the shipped one.

    Returns
    -------
    Ogrs3Coefficients

    Raises
    ------
    ValidationError
        If the file is missing a key or a value has the wrong shape; every problem is listed.

    Examples
    --------
    >>> c = load_coefficients()
    >>> c.offence["soliciting"]
    0.760608858
    >>> c.age_band_label(47), c.age_band_label(60)
    ('40-49', '50+')
    """
    if path is None:
        return _load_default()
    return _load(Path(path))


@functools.cache
def _load_default() -> Ogrs3Coefficients:
    return _load(_DEFAULT_PATH)


def _load(path: Path) -> Ogrs3Coefficients:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ValidationError(
            [
                Problem(
                    str(path), None, None, None, "unreadable-file", f"cannot read the file: {exc}"
                )
            ]
        ) from exc
    problems: list[Problem] = []

    def get(key: str, kind: type | tuple[type, ...]) -> Any:
        node: Any = raw
        for part in key.split("."):
            if not isinstance(node, dict) or part not in node:
                problems.append(
                    Problem(str(path), None, key, None, "missing-key", "key is missing")
                )
                return None
            node = node[part]
        if not isinstance(node, kind) or isinstance(node, bool):
            problems.append(
                Problem(
                    str(path), None, key, repr(node), "wrong-type", f"expected {_kind_name(kind)}"
                )
            )
            return None
        return node

    number = (int, float)
    one = get("intercept.one_year", number)
    two = get("intercept.two_year", number)
    copas = get("copas", number)
    first = get("sanction_history.first", number)
    repeat = get("sanction_history.repeat", number)
    bands_lower = get("age_bands", list)
    age_gender = get("age_gender", dict)
    offence = get("offence", dict)
    bands = get("bands", list)
    source = get("source", str)
    cap = get("previous_sanctions_cap", int)
    earliest = get("plausibility.earliest_birth_year", int)
    most = get("plausibility.max_previous_sanctions", int)

    if bands_lower is not None:
        ok = all(isinstance(b, int) and not isinstance(b, bool) for b in bands_lower)
        if not ok or not bands_lower or sorted(set(bands_lower)) != bands_lower:
            problems.append(
                Problem(
                    str(path),
                    None,
                    "age_bands",
                    repr(bands_lower),
                    "bad-age-bands",
                    "age bands must be ascending whole numbers",
                )
            )
    if age_gender is not None and bands_lower is not None:
        for sex in ("male", "female"):
            weights = age_gender.get(sex)
            if (
                not isinstance(weights, list)
                or len(weights) != len(bands_lower)
                or not all(_is_number(w) for w in weights)
            ):
                problems.append(
                    Problem(
                        str(path),
                        None,
                        f"age_gender.{sex}",
                        repr(weights),
                        "bad-weights",
                        f"need {len(bands_lower)} numbers, one per age band",
                    )
                )
    if offence is not None:
        for name, weight in offence.items():
            if not _is_number(weight):
                problems.append(
                    Problem(
                        str(path),
                        None,
                        f"offence.{name}",
                        repr(weight),
                        "wrong-type",
                        "expected a number",
                    )
                )
    parsed_bands: list[Ogrs3Band] = []
    if bands is not None:
        for i, band in enumerate(bands):
            if not (
                isinstance(band, dict)
                and isinstance(band.get("name"), str)
                and _is_number(band.get("min_pct"))
            ):
                problems.append(
                    Problem(
                        str(path),
                        None,
                        f"bands[{i}]",
                        repr(band),
                        "bad-band",
                        "each band needs a name and a numeric min_pct",
                    )
                )
                continue
            parsed_bands.append(Ogrs3Band(band["name"], float(band["min_pct"])))
        pcts = [b.min_pct for b in parsed_bands]
        if parsed_bands and (pcts != sorted(set(pcts)) or pcts[0] != 0):
            problems.append(
                Problem(
                    str(path),
                    None,
                    "bands",
                    repr(pcts),
                    "bad-bands",
                    "band lower bounds must ascend from 0",
                )
            )
    if problems:
        raise ValidationError(problems)
    return Ogrs3Coefficients(
        intercept_one_year=float(one),
        intercept_two_year=float(two),
        copas=float(copas),
        first_sanction=float(first),
        repeat_sanction=float(repeat),
        age_bands=tuple(bands_lower),
        age_gender={sex: tuple(float(w) for w in age_gender[sex]) for sex in ("male", "female")},
        offence={str(k): float(v) for k, v in offence.items()},
        bands=tuple(parsed_bands),
        source=" ".join(source.split()),
        previous_sanctions_cap=int(cap),
        earliest_birth_year=int(earliest),
        max_previous_sanctions=int(most),
    )


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _kind_name(kind: type | tuple[type, ...]) -> str:
    if kind == (int, float):
        return "a number"
    names: dict[object, str] = {
        list: "a list",
        dict: "a mapping",
        str: "text",
        int: "a whole number",
    }
    return names.get(kind, str(kind))
