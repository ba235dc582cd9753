"""Inspections, import batches and rating decisions."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from ._people import Provider


class Inspection(models.Model):
    """One inspection (or a provider's self-audit) under one framework.

    ``code`` is the ``inspection_id`` of the interchange format. ``provider`` is the
    provider inspected; it is empty for an *area* inspection covering several providers
    (the 2016-17 Quality and Impact inspections looked at a CRC and the NPS division of
    an area together): each case names its own provider.
    """

    class Kind(models.TextChoices):
        INSPECTION = "inspection", "Inspection"
        SELF_AUDIT = "self_audit", "Self-audit"

    class Status(models.TextChoices):
        SETUP = "setup", "Setting up"
        FIELDWORK = "fieldwork", "Fieldwork"
        SIGNED_OFF = "signed_off", "Signed off"

    code = models.CharField(max_length=100, unique=True)
    provider = models.ForeignKey(
        Provider, null=True, blank=True, on_delete=models.PROTECT, related_name="inspections"
    )
    framework_id = models.CharField(max_length=100)
    framework_version = models.CharField(max_length=50)
    framework_fingerprint = models.CharField(max_length=128)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.INSPECTION)
    round_label = models.CharField(max_length=50, blank=True, default="")
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="led_inspections",
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SETUP)
    created_at = models.DateTimeField(auto_now_add=True)
    signed_off_at = models.DateTimeField(null=True, blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    fieldwork_start = models.DateField(
        null=True,
        blank=True,
        help_text="first day of fieldwork: the sample's default reference date, and the date "
        "that decides which of two inspections of one area a round uses (the latest)",
    )
    # Sampling: the report of the draw (population vs sample, exclusions), as JSON.
    sample_seed = models.BigIntegerField(null=True, blank=True)
    sample_report = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["code"]
        indexes = [models.Index(fields=["framework_id", "round_label"])]

    def __str__(self) -> str:
        return self.code

    @property
    def provider_label(self) -> str:
        if self.provider_id is None:
            return "Area inspection (several providers)"
        return f"{self.provider.name} ({self.provider.provider_type})"

    @property
    def is_signed_off(self) -> bool:
        return self.status == self.Status.SIGNED_OFF


class ImportBatch(models.Model):
    """One accepted import of a case file (all of it, or nothing, is in the database)."""

    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    source = models.CharField(max_length=500)
    kind = models.CharField(max_length=20, default="cases")
    framework_id = models.CharField(max_length=100)
    framework_version = models.CharField(max_length=50)
    n_rows = models.PositiveIntegerField(default=0)
    fingerprint = models.CharField(max_length=64, help_text="SHA-256 of the imported rows")

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.source} ({self.n_rows} rows)"


class RatingDecision(models.Model):
    """A recorded rating decision for one standard (or ``overall``) of an inspection.

    ``kind`` is ``judgement`` (a domain-one or other judgement-based standard, rated by the
    inspectors) or ``override`` (the ratings panel replacing a computed rating). Both need
    reasons. The latest decision per (inspection, standard, kind) is the one in force; the
    audit trail keeps the history.
    """

    class Kind(models.TextChoices):
        JUDGEMENT = "judgement", "Judgement"
        OVERRIDE = "override", "Panel override"

    inspection = models.ForeignKey(
        Inspection, on_delete=models.PROTECT, related_name="rating_decisions"
    )
    standard = models.CharField(max_length=50, help_text="standard code, or 'overall'")
    standard_title = models.CharField(max_length=200, blank=True, default="")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    rating = models.CharField(max_length=50)
    reasons = models.TextField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["inspection", "standard", "standard_title", "kind"],
                name="one_decision_per_standard",
            )
        ]
        ordering = ["inspection", "standard"]


class Round(models.Model):
    """A named set of inspections analysed and published together (SPEC section 9).

    Chosen by an analyst or administrator. Where an area (provider) was inspected twice,
    the latest inspection by fieldwork date is used and the other is left out, as the
    bulletins do: :func:`caseinspect.web.store.round_members` decides, and the round page
    says which was left out and why.
    """

    name = models.CharField(max_length=100, unique=True)
    framework_id = models.CharField(max_length=100)
    description = models.TextField(blank=True, default="")
    inspections = models.ManyToManyField(Inspection, related_name="rounds", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
