"""Providers and the role every user has.

Roles are one field on :class:`Account` (one role per user), not Django groups: the rules
are object-level (an inspector sees *their* cases, a provider QA user *their* provider),
which groups cannot express, and one field keeps ``caseinspect.web.access`` the only
place that decides. Django's ``is_staff``/``is_superuser`` are set for administrators
only, so that just they reach the admin site.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

_STOP_WORDS = {"and", "the", "of"}


def provider_key(name: str) -> str:
    """What makes two provider names the same provider: case, spacing, punctuation, '&'
    and the words 'and', 'the', 'of' do not count ("NPS South West South Central" and
    "NPS South West and South Central" are one provider)."""
    import re

    words = re.sub(r"[^0-9a-z]+", " ", name.casefold().replace("&", " and ")).split()
    return " ".join(w for w in words if w not in _STOP_WORDS)


class Provider(models.Model):
    """A probation provider (a CRC or an NPS division). Names are unique, and so is their
    :func:`provider_key`, so near-duplicates cannot be stored."""

    name = models.CharField(max_length=200, unique=True)
    name_key = models.CharField(max_length=200, unique=True, editable=False)
    provider_type = models.CharField(max_length=40)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.name_key = provider_key(self.name)
        super().save(*args, **kwargs)


class Role(models.TextChoices):
    ADMINISTRATOR = "administrator", "Administrator"
    LEAD_INSPECTOR = "lead_inspector", "Lead inspector"
    INSPECTOR = "inspector", "Inspector"
    ANALYST = "analyst", "Analyst"
    PROVIDER_QA = "provider_qa", "Provider quality assurance"


class Account(models.Model):
    """A user's role and, for provider QA users, the provider they belong to.

    Usernames are pseudonymous staff identifiers; no personal names are stored (the
    ``first_name``/``last_name`` fields of Django's user are left empty).
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="account"
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    provider = models.ForeignKey(
        Provider, null=True, blank=True, on_delete=models.PROTECT, related_name="accounts"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(role="provider_qa", provider__isnull=False)
                    | (~models.Q(role="provider_qa") & models.Q(provider__isnull=True))
                ),
                name="account_provider_iff_provider_qa",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user.get_username()} ({self.get_role_display()})"
