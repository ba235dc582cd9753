"""Settings shared by every environment.

Values that differ between environments (secret key, debug, hosts, the database) are set
in the layer on top. The database is always chosen by a URL (``DATABASE_URL``, parsed by
dj-database-url); the default is an SQLite file ``caseinspect.sqlite3`` in the current
directory.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url

from caseinspect.framework import available_frameworks  # noqa: F401  (core import check)

WEB_DIR = Path(__file__).resolve().parent.parent

DEFAULT_DATABASE_URL = "sqlite:///caseinspect.sqlite3"

#: Which layer is active: "development", "test" or "production" (read by system checks).
CASEINSPECT_ENVIRONMENT = "base"


def database_from_url(url: str | None) -> dict:
    """A Django ``DATABASES['default']`` entry from a database URL (SQLite tuned for several users)."""
    config = dj_database_url.parse(url or DEFAULT_DATABASE_URL, conn_max_age=0)
    if "postgresql" in config["ENGINE"]:
        # A worker keeps its connection between requests (checked before reuse): opening
        # one per request made PostgreSQL start a backend process for every page, about
        # a tenth of the CPU a case save costs, and the load test's tail grew with it.
        config["CONN_MAX_AGE"] = 600
        config["CONN_HEALTH_CHECKS"] = True
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config.setdefault("OPTIONS", {}).update(
            {
                # Writers queue rather than fail with "database is locked"; readers never block.
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;",
                "transaction_mode": "IMMEDIATE",
            }
        )
    return config


DATABASES = {"default": database_from_url(os.environ.get("DATABASE_URL"))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "axes",
    "caseinspect.web.apps.WebConfig",
    "caseinspect.web.coding.apps.CodingConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "caseinspect.web.middleware.NoStoreMiddleware",
    # django-axes must come last.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "caseinspect.web.urls"
WSGI_APPLICATION = "caseinspect.web.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "caseinspect.web.context.navigation",
            ],
        },
    }
]

# --- authentication -------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # login throttling; must be first
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# django-axes: five failures for one username from one address locks that pair for 30 min.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.5  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "caseinspect/locked_out.html"
AXES_VERBOSE = False

# --- sessions and cookies -------------------------------------------------------------
SESSION_COOKIE_AGE = 30 * 60  # 30 minutes of inactivity
SESSION_SAVE_EVERY_REQUEST = True  # ... measured from the last request
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_NAME = "caseinspect_session"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_NAME = "caseinspect_csrftoken"
CSRF_FAILURE_VIEW = "caseinspect.web.views.errors.csrf_failure"

# --- security headers -----------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# --- static files ---------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = os.environ.get("STATIC_ROOT") or None
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# --- uploads --------------------------------------------------------------------------
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000  # the assessment form posts a few hundred fields
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
CASEINSPECT_MAX_UPLOAD_BYTES = 50 * 1024 * 1024
# A round's analysis is built in a background thread; its page shows progress meanwhile.
CASEINSPECT_BACKGROUND_ANALYSIS = True

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"axes": {"handlers": ["console"], "level": "WARNING", "propagate": False}},
}
