"""OGRS3: the Offender Group Reconviction Scale, version 3.

Predicts the probability of proven reoffending within one and two years from age, sex,
criminal history and the current offence (Howard et al., 2009), and gives the
likelihood-of-reoffending band used in the case profile. The coefficients are data
(``ogrs3.yaml``), with their provenance.
"""

from ._batch import BATCH_COLUMNS, RESULT_COLUMNS, Ogrs3Batch, score_batch, score_table
from ._coefficients import Ogrs3Band, Ogrs3Coefficients, load_coefficients
from ._score import (
    Ogrs3Input,
    Ogrs3Result,
    band_for,
    check_fields,
    check_input,
    completed_years,
    ogrs3,
    suggestion,
)

__all__ = [
    "BATCH_COLUMNS",
    "RESULT_COLUMNS",
    "Ogrs3Band",
    "Ogrs3Batch",
    "Ogrs3Coefficients",
    "Ogrs3Input",
    "Ogrs3Result",
    "band_for",
    "check_fields",
    "check_input",
    "completed_years",
    "load_coefficients",
    "ogrs3",
    "score_batch",
    "score_table",
    "suggestion",
]
