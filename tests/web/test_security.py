"""Security settings at work: CSRF, headers, cookies, throttled sign-in, strong passwords,
and the production settings refusing to start without a secret or with DEBUG on."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.test import Client
from django.urls import reverse

from .conftest import PASSWORD, login

pytestmark = pytest.mark.django_db


def test_forms_need_a_csrf_token(world):
    case = world["cases"]["A000001"]
    client = Client(enforce_csrf_checks=True)
    login(client, world["users"]["insp1"])
    response = client.post(
        reverse("case-edit", kwargs={"pk": case.pk}),
        {"version": case.version, "answer__need_ete": "yes"},
    )
    assert response.status_code == 403
    assert "Your form could not be sent" in response.content.decode()
    case.refresh_from_db()
    assert case.answers == {}


def test_security_headers_and_cookies(client, world):
    response = login(client, world["users"]["insp1"]).get(reverse("my-cases"))
    csp = response["Content-Security-Policy"]
    assert (
        "default-src 'self'" in csp
        and "script-src 'self'" in csp
        and "frame-ancestors 'none'" in csp
    )
    assert "unsafe-inline" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cache-Control"] == "no-store"
    from django.conf import settings

    assert settings.SESSION_COOKIE_HTTPONLY and settings.SESSION_COOKIE_AGE <= 3600
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE and settings.SESSION_SAVE_EVERY_REQUEST


def test_sign_in_works_and_is_throttled_after_five_failures(world):
    client = Client()
    ok = client.post(reverse("login"), {"username": "insp1", "password": PASSWORD})
    assert ok.status_code == 302
    client.post(reverse("logout"))
    for _ in range(5):
        bad = client.post(
            reverse("login"), {"username": "insp2", "password": "wrong-password-guess"}
        )
    assert bad.status_code in (403, 429)
    locked = client.post(reverse("login"), {"username": "insp2", "password": PASSWORD})
    assert locked.status_code in (403, 429)
    assert "locked" in locked.content.decode()


def test_weak_passwords_are_refused(world):
    from caseinspect.errors import ValidationError
    from caseinspect.web.actions.users import create_user

    for weak in ("short-pass", "123456789012", "someone-2024"):
        with pytest.raises(ValidationError):
            create_user(None, "someone", "inspector", weak)


def _production(env_extra: dict) -> subprocess.CompletedProcess:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("SECRET_KEY", "DEBUG", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "caseinspect.web.settings.production",
            "ALLOWED_HOSTS": "example.org",
        }
    )
    env.update(env_extra)
    code = "import django; django.setup(); from django.core.management import call_command; call_command('check', '--deploy', '--fail-level', 'ERROR')"
    return subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = _production({})
    assert result.returncode != 0
    assert "SECRET_KEY is missing" in result.stderr


def test_production_refuses_debug():
    result = _production({"SECRET_KEY": "k" * 60, "DEBUG": "1"})
    assert result.returncode != 0
    assert "never run with DEBUG on" in result.stderr


def test_production_settings_pass_the_deploy_checks():
    result = _production(
        {
            "SECRET_KEY": "a-long-random-secret-" + "x9Qz" * 12,
            "DATABASE_URL": "postgresql://u@127.0.0.1:5432/x",
        }
    )
    assert result.returncode == 0, result.stderr
