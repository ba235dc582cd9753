"""Inter-rater reliability of second-marked cases.

Per item and pooled over items: the number of cases both markers answered, percent
agreement, Cohen's kappa and Gwet's AC1, and the list of discrepant answers for a
moderation meeting.
"""

from ._coefficients import Coefficients, agreement_coefficients
from ._second_marking import (
    ANSWERS,
    AgreementResult,
    ItemAgreement,
    second_marking_agreement,
)

__all__ = [
    "ANSWERS",
    "AgreementResult",
    "Coefficients",
    "ItemAgreement",
    "agreement_coefficients",
    "second_marking_agreement",
]
