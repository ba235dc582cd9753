"""Configuration invariants as Django system checks (``caseinspect check`` / ``manage check``).

Errors stop ``runserver``/``migrate``; in production the settings module already refuses
to import without a secret key or with DEBUG on, and these checks say it again for any
other settings module that claims to be production.
"""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Warning, register


@register()
def check_security_invariants(app_configs=None, **kwargs):
    problems = []
    env = getattr(settings, "CASEINSPECT_ENVIRONMENT", "")
    if "axes.backends.AxesStandaloneBackend" not in settings.AUTHENTICATION_BACKENDS[:1]:
        problems.append(
            Error(
                "django-axes must be the first authentication backend (login throttling).",
                id="caseinspect.E001",
            )
        )
    if settings.MIDDLEWARE[-1] != "axes.middleware.AxesMiddleware":
        problems.append(
            Error(
                "axes.middleware.AxesMiddleware must be the last middleware.", id="caseinspect.E002"
            )
        )
    if "csp.middleware.CSPMiddleware" not in settings.MIDDLEWARE:
        problems.append(
            Error(
                "The Content-Security-Policy middleware (django-csp) is missing.",
                id="caseinspect.E003",
            )
        )
    if "django.middleware.csrf.CsrfViewMiddleware" not in settings.MIDDLEWARE:
        problems.append(
            Error("CSRF protection (CsrfViewMiddleware) is missing.", id="caseinspect.E004")
        )
    if not settings.SESSION_COOKIE_AGE or settings.SESSION_COOKIE_AGE > 8 * 3600:
        problems.append(
            Error(
                "SESSION_COOKIE_AGE must be set and at most 8 hours (session timeout).",
                id="caseinspect.E005",
            )
        )
    validators = {v["NAME"].rsplit(".", 1)[-1] for v in settings.AUTH_PASSWORD_VALIDATORS}
    if not {"MinimumLengthValidator", "CommonPasswordValidator"} <= validators:
        problems.append(
            Error(
                "Strong password validation (minimum length, common passwords) is required.",
                id="caseinspect.E006",
            )
        )
    if env == "production":
        if settings.DEBUG:
            problems.append(Error("DEBUG is on in production.", id="caseinspect.E010"))
        if not settings.SECRET_KEY or settings.SECRET_KEY.startswith("django-insecure"):
            problems.append(
                Error("SECRET_KEY is missing or a development key.", id="caseinspect.E011")
            )
        if not (settings.SESSION_COOKIE_SECURE and settings.CSRF_COOKIE_SECURE):
            problems.append(
                Error(
                    "Session and CSRF cookies must be Secure in production.", id="caseinspect.E012"
                )
            )
        if not settings.ALLOWED_HOSTS:
            problems.append(
                Error(
                    "ALLOWED_HOSTS is empty: set it in the environment (comma-separated).",
                    id="caseinspect.E013",
                )
            )
        if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
            problems.append(
                Warning(
                    "Production is using SQLite; set DATABASE_URL to a PostgreSQL database for several users.",
                    id="caseinspect.W014",
                )
            )
    return problems
