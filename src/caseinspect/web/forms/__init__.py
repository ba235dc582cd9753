"""Forms. The assessment form is generated from the framework (no per-question code)."""

from .case_form import CaseAssessmentForm, FormSection
from .simple import (
    AllocationForm,
    CreateInspectionForm,
    RatingDecisionForm,
    ReviewForm,
    SecondMarkingForm,
    UploadForm,
)

__all__ = [
    "AllocationForm",
    "CaseAssessmentForm",
    "CreateInspectionForm",
    "FormSection",
    "RatingDecisionForm",
    "ReviewForm",
    "SecondMarkingForm",
    "UploadForm",
]
