"""In-app user administration (administrators): create a user with role and provider in one
step, deactivate (never delete), reset a password; providers with unique names. Django's
admin site stays for superusers only."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render

from ...errors import ValidationError
from ..access import role_of
from ..actions import users as actions
from ..forms.simple import GovukForm
from ..models import Provider, Role

FIELD_OF = {"username": "username", "role": "role", "provider": "provider", "password": "password"}


class NewUserForm(GovukForm):
    username = forms.CharField(
        label="Username",
        max_length=150,
        help_text="A pseudonymous staff id, never a person's name.",
    )
    role = forms.ChoiceField(label="Role", choices=Role.choices)
    provider = forms.ModelChoiceField(
        label="Provider (provider quality assurance users only)",
        queryset=Provider.objects.all(),
        required=False,
        empty_label="None",
    )
    password = forms.CharField(
        label="First password",
        widget=forms.PasswordInput(render_value=False),
        help_text="12 or more characters, not a common password. Give it to the person in a safe way.",
        strip=False,
    )


class PasswordForm(GovukForm):
    password = forms.CharField(label="New password", widget=forms.PasswordInput, strip=False)


class ProviderForm(GovukForm):
    name = forms.CharField(label="Provider name", max_length=200, strip=False)
    provider_type = forms.ChoiceField(label="Type", choices=[("CRC", "CRC"), ("NPS", "NPS")])


def _admin_only(user):
    if role_of(user) != Role.ADMINISTRATOR:
        raise PermissionDenied("Only administrators manage users and providers.")


def _add_problems(form, problems):
    for p in problems:
        form.add_error(
            FIELD_OF.get(p.column or "") or (p.column if p.column in form.fields else None),
            p.message,
        )


@login_required
def user_list(request):
    _admin_only(request.user)
    form = NewUserForm(request.POST or None, prefix="new")
    provider_form = ProviderForm(request.POST or None, prefix="provider")
    if request.method == "POST" and request.POST.get("action") == "create-user":
        provider_form = ProviderForm(prefix="provider")
        if form.is_valid():
            data = form.cleaned_data
            try:
                actions.create_user(
                    request.user,
                    data["username"],
                    data["role"],
                    data["password"],
                    provider=data["provider"].name if data["provider"] else None,
                )
            except ValidationError as exc:
                _add_problems(form, exc.problems)
            else:
                messages.success(request, f"User {data['username']} created.")
                return redirect("users")
    elif request.method == "POST" and request.POST.get("action") == "create-provider":
        form = NewUserForm(prefix="new")
        if provider_form.is_valid():
            try:
                actions.create_provider(
                    request.user,
                    provider_form.cleaned_data["name"],
                    provider_form.cleaned_data["provider_type"],
                )
            except ValidationError as exc:
                _add_problems(provider_form, exc.problems)
            else:
                messages.success(request, f"Provider {provider_form.cleaned_data['name']} added.")
                return redirect("users")
    else:
        form, provider_form = NewUserForm(prefix="new"), ProviderForm(prefix="provider")
    users = (
        get_user_model().objects.select_related("account", "account__provider").order_by("username")
    )
    return render(
        request,
        "caseinspect/users/list.html",
        {
            "users": users,
            "form": form,
            "provider_form": provider_form,
            "providers": Provider.objects.all(),
        },
        status=400 if form.errors or provider_form.errors else 200,
    )


@login_required
def user_detail(request, pk):
    _admin_only(request.user)
    try:
        user = get_user_model().objects.select_related("account").get(pk=pk)
    except get_user_model().DoesNotExist:
        raise Http404("No such user") from None
    password_form = PasswordForm(prefix="pw")
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action in ("deactivate", "reactivate"):
                actions.set_active(request.user, user, action == "reactivate")
                messages.success(request, f"User {user.get_username()} {action}d.")
                return redirect("user", pk=user.pk)
            if action == "password":
                password_form = PasswordForm(request.POST, prefix="pw")
                if password_form.is_valid():
                    actions.set_password(request.user, user, password_form.cleaned_data["password"])
                    messages.success(request, f"Password of {user.get_username()} reset.")
                    return redirect("user", pk=user.pk)
        except ValidationError as exc:
            if action == "password":
                _add_problems(password_form, exc.problems)
            else:
                messages.error(request, "; ".join(p.message for p in exc.problems))
    return render(
        request,
        "caseinspect/users/detail.html",
        {"subject": user, "password_form": password_form},
        status=400 if password_form.errors else 200,
    )
