"""Writes to one case: saving the assessment, submitting, quality assurance, second marking."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction

from ...errors import CaseinspectError, Problem, ValidationError
from ...framework import PROFILE_ID_COLUMNS, Framework
from .. import audit
from ..models import Case
from ..models._case import PROFILE_FIELDS

PRACTICE_FIELDS = ("practice_note", "practice_kind", "practice_pseudonym")


class EditConflict(CaseinspectError):
    """Someone else saved the case after this form was opened; ``current`` is their version."""

    def __init__(self, current: Case):
        super().__init__(
            f"case {current.case_id} was changed by someone else (now version {current.version})"
        )
        self.current = current


class WrongStatus(CaseinspectError):
    """The case is not in a status that allows this step."""


@dataclass
class CaseInput:
    """What an assessment form posts: profile values, answers, rationales, practice note."""

    profile: dict[str, str] = field(default_factory=dict)
    answers: dict[str, str] = field(default_factory=dict)
    rationales: dict[str, str] = field(default_factory=dict)
    practice: dict[str, str] = field(default_factory=dict)
    not_applicable: list[str] = field(default_factory=list)


@dataclass
class SaveResult:
    """``problems``: what stands in the way of submission (the draft is saved regardless):
    inconsistencies after a draft save (warnings), everything missing after a refused
    submission."""

    case: Case
    submitted: bool
    problems: list[Problem]


def _state(case: Case) -> dict:
    state = {f"profile.{k}": getattr(case, k) for k in PROFILE_FIELDS}
    state.update({f"profile.{k}": v for k, v in (case.profile_extra or {}).items()})
    state.update({f"answer.{k}": v for k, v in (case.answers or {}).items()})
    state.update({f"rationale.{k}": v for k, v in (case.rationales or {}).items()})
    state.update({k: getattr(case, k) for k in PRACTICE_FIELDS})
    if case.not_applicable:
        state["not_applicable"] = ", ".join(case.not_applicable)
    return state


def _locked(case: Case, base_version: int) -> Case:
    current = (
        Case.objects.select_for_update(of=("self",))
        .select_related("inspection", "inspection__provider", "provider")
        .get(pk=case.pk)
    )
    if current.version != base_version:
        raise EditConflict(current)
    return current


def save_case(
    actor,
    case: Case,
    data: CaseInput,
    framework: Framework,
    *,
    base_version: int,
    submit: bool = False,
    source: str = "web form",
) -> SaveResult:
    """Save an assessment (always as a whole: the form posts every field), optionally submit it.

    Everything typed is saved as a draft. The core validator then checks the case: in
    ``draft`` mode for a draft save (its problems come back as warnings), in ``submit``
    mode for a submission (no problem: status ``submitted``; else it stays a draft and
    the problems come back). Only submission enforces the framework's rules.

    Raises
    ------
    EditConflict
        ``base_version`` is not the stored version (someone saved in between).
    WrongStatus
        The case can no longer be changed (submitted, accepted, dropped).
    """
    from ...cases import validate_case

    profile = {k: v for k, v in data.profile.items() if k not in PROFILE_ID_COLUMNS}
    with transaction.atomic():
        current = _locked(case, base_version)
        if not current.is_editable:
            raise WrongStatus(f"a {current.get_status_display().lower()} case cannot be changed")
        before = _state(current)
        for name in PROFILE_FIELDS:
            if name in profile:
                setattr(current, name, profile[name])
        extra = {k: v for k, v in profile.items() if k not in PROFILE_FIELDS and v != ""}
        current.profile_extra = {
            **{k: v for k, v in (current.profile_extra or {}).items() if k not in profile},
            **extra,
        }
        current.answers = {k: v for k, v in data.answers.items() if v}
        current.rationales = {k: v for k, v in data.rationales.items() if v.strip()}
        current.not_applicable = sorted(set(data.not_applicable) - set(current.answers))
        for name in PRACTICE_FIELDS:
            setattr(current, name, data.practice.get(name, ""))
        old_status = current.status
        if current.status in (Case.Status.ALLOCATED, Case.Status.RETURNED):
            current.status = Case.Status.DRAFT
        problems = validate_case(
            current.profile(),
            current.answers,
            framework,
            rationales=current.rationales,
            practice={k: getattr(current, k) for k in PRACTICE_FIELDS},
            source=source,
            mode="submit" if submit else "draft",
            marked_not_applicable=current.not_applicable,
        )
        if submit and not problems:
            current.status = Case.Status.SUBMITTED
        current.version = base_version + 1
        current.save()
        old, new = audit.diff(before, _state(current))
        if old_status != current.status:
            old["status"], new["status"] = old_status, current.status
        audit.record(
            actor,
            "submit" if current.status == Case.Status.SUBMITTED else "update",
            current,
            before=old,
            after=new,
        )
    return SaveResult(current, current.status == Case.Status.SUBMITTED, problems)


def _review(actor, case: Case, *, to: str, comment: str, action: str) -> Case:
    with transaction.atomic():
        current = Case.objects.select_for_update().get(pk=case.pk)
        if current.status != Case.Status.SUBMITTED:
            raise WrongStatus(
                f"only a submitted case can be reviewed (this one is {current.get_status_display().lower()})"
            )
        before = {"status": current.status, "review_comment": current.review_comment}
        current.status = to
        current.review_comment = comment
        current.version += 1
        current.save(update_fields=["status", "review_comment", "version", "updated_at"])
        audit.record(
            actor,
            action,
            current,
            inspection=case.inspection,
            before=before,
            after={"status": current.status, "review_comment": comment},
        )
    return current


def return_case(actor, case: Case, comment: str) -> Case:
    """Send a submitted case back to its inspector with comments (required)."""
    if not comment.strip():
        raise ValidationError(
            [Problem("review", None, "comment", "", "required", "say what needs changing")]
        )
    return _review(actor, case, to=Case.Status.RETURNED, comment=comment.strip(), action="return")


def accept_case(actor, case: Case, comment: str = "") -> Case:
    """Accept a submitted case: it now counts in the emerging findings and ratings."""
    return _review(actor, case, to=Case.Status.ACCEPTED, comment=comment.strip(), action="accept")


def request_second_marking(actor, case: Case, marker) -> Case:
    """Create a blind second-marking copy of ``case`` (profile only) allocated to ``marker``."""
    if case.is_second_marking:
        raise WrongStatus("a second marking cannot itself be second-marked")
    if marker.pk == case.allocated_to_id:
        raise ValidationError(
            [
                Problem(
                    "second marking",
                    None,
                    "marker",
                    marker.get_username(),
                    "same-marker",
                    "the second marker must not be the case's own inspector",
                )
            ]
        )
    with transaction.atomic():
        if Case.objects.filter(second_marking_of=case, allocated_to=marker).exists():
            raise WrongStatus(f"{marker.get_username()} is already second-marking this case")
        copy = Case.objects.create(
            inspection=case.inspection,
            provider=case.provider,
            case_id=case.case_id,
            second_marking_of=case,
            allocated_to=marker,
            profile_extra=dict(case.profile_extra or {}),
            **{k: getattr(case, k) for k in PROFILE_FIELDS},
        )
        audit.record(
            actor,
            "second-marking",
            copy,
            inspection=case.inspection,
            after={"of_case": case.pk, "marker": marker.get_username()},
        )
    return copy
