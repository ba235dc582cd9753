"""Production: every setting that matters comes from the environment.

Required: ``SECRET_KEY`` (50+ random characters), ``ALLOWED_HOSTS`` (comma-separated),
``DATABASE_URL`` (PostgreSQL for several users). Optional: ``CSRF_TRUSTED_ORIGINS``,
``STATIC_ROOT``, ``CASEINSPECT_BEHIND_TLS_PROXY=1`` (trust ``X-Forwarded-Proto``),
``SECURE_SSL_REDIRECT=0`` to turn the HTTPS redirect off (e.g. TLS ends at a proxy that
already redirects). ``DEBUG`` is off and cannot be turned on here.
"""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F401,F403

CASEINSPECT_ENVIRONMENT = "production"

if os.environ.get("DEBUG", "").lower() in ("1", "true", "yes", "on"):
    raise ImproperlyConfigured(
        "DEBUG is set in the environment, but production settings never run with DEBUG on "
        "(it would show case data in error pages). Unset DEBUG, or use "
        "caseinspect.web.settings.development on your own machine."
    )
DEBUG = False

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if len(SECRET_KEY) < 50:
    raise ImproperlyConfigured(
        "SECRET_KEY is missing or shorter than 50 characters. Set it in the environment, e.g.\n"
        "  export SECRET_KEY=\"$(python -c 'import secrets; print(secrets.token_urlsafe(64))')\"\n"
        "and keep it secret: it signs sessions and password-reset links."
    )

ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "").split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_NAME = "__Host-caseinspect_session"
CSRF_COOKIE_NAME = "__Host-caseinspect_csrftoken"
SECURE_SSL_REDIRECT = os.environ.get("SECURE_SSL_REDIRECT", "1") not in ("0", "false", "False")
SECURE_HSTS_SECONDS = 365 * 24 * 3600  # sent only on HTTPS responses
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
if os.environ.get("CASEINSPECT_BEHIND_TLS_PROXY", "") in ("1", "true", "True"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
STATIC_ROOT = os.environ.get("STATIC_ROOT") or str(Path.cwd() / "staticfiles")  # noqa: F405

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
