"""Creating users and changing their roles."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.db import transaction

from ...errors import Problem, ValidationError
from .. import audit
from ..models import Account, Provider, Role


def _state(user) -> dict:
    account = getattr(user, "account", None)
    return {
        "username": user.get_username(),
        "role": account.role if account else None,
        "provider": account.provider.name if account and account.provider_id else None,
        "is_active": user.is_active,
    }


def create_user(actor, username: str, role: str, password: str, *, provider: str | None = None):
    """Create a user with one role; validate the password with the configured validators.

    Raises
    ------
    caseinspect.errors.ValidationError
        Unknown role, a provider missing for (or given to) the wrong role, an unknown
        provider, a username already taken, or a password the validators refuse.
    """
    from django.core.exceptions import ValidationError as DjangoValidationError

    User = get_user_model()
    problems = []
    where = "createuser"
    if role not in Role.values:
        problems.append(
            Problem(
                where,
                None,
                "role",
                role,
                "unknown-role",
                f"'{role}' is not a role; use one of {', '.join(Role.values)}",
            )
        )
    provider_obj = None
    if role == Role.PROVIDER_QA:
        if not provider:
            problems.append(
                Problem(
                    where,
                    None,
                    "provider",
                    "",
                    "provider-required",
                    "a provider QA user needs --provider NAME",
                )
            )
        else:
            provider_obj = Provider.objects.filter(name=provider).first()
            if provider_obj is None:
                problems.append(
                    Problem(
                        where,
                        None,
                        "provider",
                        provider,
                        "unknown-provider",
                        f"no provider named '{provider}' is stored",
                    )
                )
    elif provider:
        problems.append(
            Problem(
                where,
                None,
                "provider",
                provider,
                "provider-not-allowed",
                "only provider QA users belong to a provider",
            )
        )
    if User.objects.filter(username=username).exists():
        problems.append(
            Problem(
                where,
                None,
                "username",
                username,
                "username-taken",
                f"user '{username}' already exists",
            )
        )
    candidate = User(username=username)
    try:
        validate_password(password, candidate)
    except DjangoValidationError as exc:
        for message in exc.messages:
            problems.append(Problem(where, None, "password", None, "weak-password", message))
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        is_admin = role == Role.ADMINISTRATOR
        user = User.objects.create_user(
            username=username, password=password, is_staff=is_admin, is_superuser=is_admin
        )
        Account.objects.create(user=user, role=role, provider=provider_obj)
        audit.record(actor, "create", user, object_type="user", after=_state(user))
    return user


def set_password(actor, user, password: str) -> None:
    """Set a user's password (validated); the audit row records that it changed, not the value."""
    from django.core.exceptions import ValidationError as DjangoValidationError

    try:
        validate_password(password, user)
    except DjangoValidationError as exc:
        raise ValidationError(
            [Problem("password", None, "password", None, "weak-password", m) for m in exc.messages]
        ) from exc
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        audit.record(actor, "change-password", user, object_type="user")


def set_active(actor, user, active: bool) -> None:
    """Deactivate (or reactivate) a user. Users are never deleted: audit rows point at them."""
    if actor is not None and actor.pk == user.pk and not active:
        raise ValidationError(
            [Problem("user", None, "is_active", None, "self", "you cannot deactivate yourself")]
        )
    with transaction.atomic():
        before = _state(user)
        user.is_active = active
        user.save(update_fields=["is_active"])
        audit.record(
            actor,
            "reactivate" if active else "deactivate",
            user,
            object_type="user",
            before={"is_active": before["is_active"]},
            after={"is_active": active},
        )


def create_provider(actor, name: str, provider_type: str) -> Provider:
    """Store a provider; a name that is a near-duplicate of a stored one is refused."""
    from ..models._people import provider_key

    problems = []
    if not name.strip() or name != name.strip():
        problems.append(
            Problem(
                "provider",
                None,
                "name",
                name,
                "bad-name",
                "enter the name without spaces around it",
            )
        )
    similar = Provider.objects.filter(name_key=provider_key(name)).first()
    if similar is not None:
        problems.append(
            Problem(
                "provider",
                None,
                "name",
                name,
                "provider-near-duplicate",
                f"‘{name}’ is the same provider as ‘{similar.name}’, which is already stored",
            )
        )
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        provider = Provider.objects.create(name=name, provider_type=provider_type)
        audit.record(
            actor, "create", provider, after={"name": name, "provider_type": provider_type}
        )
    return provider
