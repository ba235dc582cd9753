"""Free text: names found and replaced before anything is published (practice), themes of
rationales (themes).

Practice examples and quotes leave the system only pseudonymised and reviewed:
:func:`detect_names` and :func:`flag_details` find names, dates and exact ages;
:func:`pseudonymise_texts` replaces each person consistently within a case with a name from
a separate list; :func:`pseudonymise_cases` prepares a round's practice examples and
:func:`publishable_examples` returns only those a reviewer approved.

Themes: :func:`load_codebook` reads a framework's codebook (framework data).
"""

from ._codebook import THEME_KINDS, Codebook, CodebookError, Theme, codebook_path, load_codebook
from ._names import FLAG_RULES, NAME_RULES, Detection, detect_names, first_names, flag_details
from ._practice import (
    EXAMPLE_COLUMNS,
    REVIEW_COLUMNS,
    PseudonymisedExamples,
    pseudonymise_cases,
    publishable_examples,
    read_review,
    review_sheet,
    review_status,
)
from ._pseudonymise import (
    DETECTION_COLUMNS,
    PseudonymisedTexts,
    apply_replacements,
    pseudonym_lists,
    pseudonymise_texts,
)

__all__ = [
    "THEME_KINDS",
    "Codebook",
    "CodebookError",
    "Theme",
    "codebook_path",
    "load_codebook",
    "DETECTION_COLUMNS",
    "EXAMPLE_COLUMNS",
    "FLAG_RULES",
    "NAME_RULES",
    "REVIEW_COLUMNS",
    "Detection",
    "PseudonymisedExamples",
    "PseudonymisedTexts",
    "apply_replacements",
    "detect_names",
    "first_names",
    "flag_details",
    "publishable_examples",
    "pseudonym_lists",
    "pseudonymise_cases",
    "pseudonymise_texts",
    "read_review",
    "review_sheet",
    "review_status",
]
