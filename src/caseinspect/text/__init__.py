"""Free text: names found and replaced before anything is published (practice), themes of
rationales (themes).

Practice examples and quotes leave the system only pseudonymised and reviewed:
:func:`detect_names` and :func:`flag_details` find names, dates and exact ages;
:func:`pseudonymise_texts` replaces each person consistently within a case with a name from
a separate list; :func:`pseudonymise_cases` prepares a round's practice examples and
:func:`publishable_examples` returns only those a reviewer approved.

Themes: :func:`load_codebook` reads a framework's codebook (framework data);
:func:`suggest_codes` codes each rationale into zero or more themes with the shipped
offline static embedding model; :func:`evaluate_codes` measures codes against a truth;
:func:`theme_table` and :func:`representative_quotes` make what a bulletin prints.
"""

from ._classify import (
    CODE_COLUMNS,
    ThemeClassifier,
    fit_classifier,
    rationale_units,
    read_codes,
    suggest_codes,
)
from ._codebook import THEME_KINDS, Codebook, CodebookError, Theme, codebook_path, load_codebook
from ._embed import Encoder, load_encoder, split_sentences
from ._evaluate import EVALUATION_COLUMNS, evaluate_codes, format_evaluation
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
    reviewer_names_of,
)
from ._pseudonymise import (
    DETECTION_COLUMNS,
    PseudonymisedTexts,
    apply_replacements,
    pseudonym_lists,
    pseudonymise_texts,
)
from ._themes import (
    BULLETIN_THEME_COLUMNS,
    QUOTE_COLUMNS,
    THEME_TABLE_COLUMNS,
    bulletin_themes,
    representative_quotes,
    theme_table,
)

__all__ = [
    "BULLETIN_THEME_COLUMNS",
    "CODE_COLUMNS",
    "EVALUATION_COLUMNS",
    "QUOTE_COLUMNS",
    "THEME_KINDS",
    "THEME_TABLE_COLUMNS",
    "Codebook",
    "CodebookError",
    "Encoder",
    "Theme",
    "ThemeClassifier",
    "bulletin_themes",
    "codebook_path",
    "evaluate_codes",
    "fit_classifier",
    "format_evaluation",
    "load_codebook",
    "load_encoder",
    "rationale_units",
    "read_codes",
    "representative_quotes",
    "split_sentences",
    "suggest_codes",
    "theme_table",
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
    "reviewer_names_of",
]
