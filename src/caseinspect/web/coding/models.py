"""Codes of rationales, the double-coding sample, practice examples and the search index."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from ..models import Case

#: The item code under which a case's practice note is coded and indexed.
PRACTICE_ITEM = "practice_note"


class Suggestion(models.Model):
    """A theme the classifier suggests for one rationale, with its score (0-1)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="theme_suggestions")
    item = models.CharField(max_length=100)
    theme = models.CharField(max_length=100)
    score = models.FloatField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "item", "theme"], name="one_suggestion")
        ]
        indexes = [models.Index(fields=["theme"])]

    def __str__(self) -> str:
        return f"{self.case.case_id} {self.item} {self.theme} {self.score:.2f}"


class RationaleCoding(models.Model):
    """One person's codes for one rationale: the themes they confirmed (possibly none).

    ``slot`` 1 is the coding of record; slot 2 the independent second coding of the
    double-coding sample (by someone else, who does not see slot 1).
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="theme_codings")
    item = models.CharField(max_length=100)
    slot = models.PositiveSmallIntegerField(default=1)
    themes = models.JSONField(default=list, blank=True)
    coder = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    decided_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "item", "slot"], name="one_coding_per_slot"),
            models.CheckConstraint(condition=models.Q(slot__in=[1, 2]), name="coding_slot_1_or_2"),
        ]

    def __str__(self) -> str:
        return f"{self.case.case_id} {self.item} (coder {self.slot})"


class SampleMember(models.Model):
    """A rationale drawn into the double-coding sample."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    item = models.CharField(max_length=100)
    drawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    drawn_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "item"], name="one_sample_row")]


class PracticeExample(models.Model):
    """A case's practice note in the library: marked for publication, and its review.

    ``digest`` is the digest of the note and detections the reviewer saw
    (:func:`caseinspect.text.review_sheet`); if either changes the decision lapses.
    ``keep`` lists detection spans the reviewer found not to be names; ``also`` names the
    detector missed, which the reviewer added (they are then found and replaced too).
    """

    class Decision(models.TextChoices):
        NONE = "", "Not reviewed"
        APPROVE = "approve", "Approved"
        REJECT = "reject", "Rejected"

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="practice_example")
    marked = models.BooleanField(default=False)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision = models.CharField(max_length=10, blank=True, default="", choices=Decision.choices)
    digest = models.CharField(max_length=32, blank=True, default="")
    keep = models.JSONField(default=list, blank=True)
    also = models.JSONField(
        default=list, blank=True, help_text="names the reviewer added (the detector missed them)"
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"practice example {self.case.case_id}"


class SearchDocument(models.Model):
    """One searchable text: a practice note or a rationale, with what the filters need.

    ``text`` is searched (SQLite FTS5 table ``coding_fts`` or a PostgreSQL GIN index on
    ``to_tsvector('english', text)``, see migration 0002); ``display`` is the pseudonymised
    text the library shows.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    item = models.CharField(max_length=100)
    text = models.TextField()
    display = models.TextField()
    practice_kind = models.CharField(max_length=20, blank=True, default="")
    answer = models.CharField(max_length=20, blank=True, default="")
    framework_id = models.CharField(max_length=100)
    provider_type = models.CharField(max_length=60, blank=True, default="")
    needs = models.TextField(blank=True, default="", help_text="present needs, space-separated")
    strengths = models.TextField(blank=True, default="")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "item"], name="one_document")]
        indexes = [models.Index(fields=["framework_id", "item"])]

    def __str__(self) -> str:
        return f"{self.case.case_id} {self.item}"
