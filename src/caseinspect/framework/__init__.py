"""Frameworks: the inspection instrument as versioned data.

A framework file (YAML) holds everything the inspectorate may change between programmes:
case-profile variables and their categories, the items inspectors record (with their
applicability and rationale rules), domains, standards and key questions, ratings rules,
sampling settings and the layout of the annex tables. :func:`load_framework` reads and
checks a file and returns a frozen :class:`Framework`.
"""

from ._loader import FrameworkError, available_frameworks, framework_path, load_framework
from ._model import (
    ANSWER_VALUES,
    PROFILE_ID_COLUMNS,
    Condition,
    Domain,
    FigureLayout,
    Framework,
    Item,
    KeyQuestion,
    LayoutRules,
    OverallBand,
    ProfileRule,
    ProfileVariable,
    RatingLevel,
    RatingsRules,
    SampleMinimum,
    SamplingRules,
    Section,
    Standard,
    TableColumn,
    TableSpec,
)

__all__ = [
    "ANSWER_VALUES",
    "PROFILE_ID_COLUMNS",
    "Condition",
    "Domain",
    "FigureLayout",
    "Framework",
    "FrameworkError",
    "Item",
    "KeyQuestion",
    "LayoutRules",
    "OverallBand",
    "ProfileRule",
    "ProfileVariable",
    "RatingLevel",
    "RatingsRules",
    "SampleMinimum",
    "SamplingRules",
    "Section",
    "Standard",
    "TableColumn",
    "TableSpec",
    "available_frameworks",
    "framework_path",
    "load_framework",
]
