"""One case assessment: profile columns, answers keyed by framework item codes, rationales."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from ._inspection import ImportBatch, Inspection
from ._people import Provider

#: Case-profile variables kept as columns (the sub-group variables of both shipped
#: frameworks). Any other profile variable a framework defines goes in ``profile_extra``,
#: so a new framework needs no schema change.
PROFILE_FIELDS: tuple[str, ...] = (
    "gender",
    "age_group",
    "ethnic_group",
    "supervision_type",
    "likelihood_of_reoffending",
    "rosh",
)


class Case(models.Model):
    """A sampled case and its assessment.

    ``answers`` maps item codes to ``"yes"``/``"no"`` (absent: not answered / not
    applicable); ``rationales`` maps item codes to text. ``version`` is bumped by every
    write (optimistic locking: a save names the version it was based on). A second marking
    is a Case of its own with ``second_marking_of`` set, allocated to a different
    inspector, never shown next to the original until both are submitted.
    """

    class Status(models.TextChoices):
        ALLOCATED = "allocated", "Not started"
        DRAFT = "draft", "In progress"
        SUBMITTED = "submitted", "Submitted"
        RETURNED = "returned", "Returned"
        ACCEPTED = "accepted", "Accepted"
        DROPPED = "dropped", "Dropped out"

    EDITABLE_STATUSES = (Status.ALLOCATED, Status.DRAFT, Status.RETURNED)

    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="cases")
    # The inspection's framework, copied here so the database itself can enforce the rule
    # the import applies: a case id is stored once per framework (issue #13, item 1).
    framework_id = models.CharField(max_length=100, default="", editable=False)
    case_id = models.CharField(max_length=100, help_text="pseudonymous case identifier")
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="cases")
    gender = models.CharField(max_length=60, blank=True, default="")
    age_group = models.CharField(max_length=60, blank=True, default="")
    ethnic_group = models.CharField(max_length=60, blank=True, default="")
    supervision_type = models.CharField(max_length=60, blank=True, default="")
    likelihood_of_reoffending = models.CharField(max_length=60, blank=True, default="")
    rosh = models.CharField(max_length=60, blank=True, default="")
    profile_extra = models.JSONField(default=dict, blank=True)
    answers = models.JSONField(default=dict, blank=True)
    rationales = models.JSONField(default=dict, blank=True)
    # Item codes the inspector explicitly marked "Not applicable" (an empty answer alone
    # may just be not answered yet; submission tells the two apart for required items).
    not_applicable = models.JSONField(default=list, blank=True)
    practice_note = models.TextField(blank=True, default="")
    practice_kind = models.CharField(max_length=20, blank=True, default="")
    practice_pseudonym = models.CharField(max_length=100, blank=True, default="")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ALLOCATED)
    allocated_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="allocated_cases",
    )
    version = models.PositiveIntegerField(default=1)
    second_marking_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="second_markings"
    )
    import_batch = models.ForeignKey(
        ImportBatch, null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    sample_info = models.JSONField(
        default=dict,
        blank=True,
        help_text="how the case came into the sample: stratum, order, pseudonymous officer and office ids, replacement",
    )
    review_comment = models.TextField(
        blank=True, default="", help_text="the lead inspector's latest comments"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["inspection_id", "case_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["inspection", "case_id"],
                condition=models.Q(second_marking_of__isnull=True),
                name="case_id_unique_per_inspection",
            ),
            models.UniqueConstraint(
                fields=["framework_id", "case_id"],
                condition=models.Q(second_marking_of__isnull=True),
                name="case_id_stored_once_per_framework",
            ),
            models.CheckConstraint(
                condition=models.Q(version__gte=1), name="case_version_positive"
            ),
        ]
        indexes = [
            models.Index(fields=["inspection", "status"]),
            models.Index(fields=["allocated_to", "status"]),
        ]

    def __str__(self) -> str:
        suffix = " (second marking)" if self.second_marking_of_id else ""
        return f"{self.case_id}{suffix}"

    def save(self, *args, **kwargs):
        if not self.framework_id and self.inspection_id:
            self.framework_id = self.inspection.framework_id
        super().save(*args, **kwargs)

    @property
    def is_second_marking(self) -> bool:
        return self.second_marking_of_id is not None

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE_STATUSES

    def profile(self) -> dict[str, str]:
        """The case profile as strings ('' when not recorded), provider fields included."""
        provider = self.provider
        values = {
            "case_id": self.case_id,
            "inspection_id": self.inspection.code,
            "provider": provider.name,
            "provider_type": provider.provider_type,
        }
        values.update({name: getattr(self, name) for name in PROFILE_FIELDS})
        values.update({k: str(v) for k, v in (self.profile_extra or {}).items()})
        return values
