"""Test settings: SQLite in memory unless ``CASEINSPECT_TEST_DATABASE_URL`` names another
database (``.ci/run`` sets it to the local PostgreSQL server for the second run)."""

import os

from .base import *  # noqa: F401,F403
from .base import database_from_url

CASEINSPECT_ENVIRONMENT = "test"
DEBUG = False
SECRET_KEY = "caseinspect-test-only-key-not-secret-0123456789abcdefghijklmnop"  # noqa: S105
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]

_url = os.environ.get("CASEINSPECT_TEST_DATABASE_URL")
DATABASES = {
    "default": database_from_url(_url)
    if _url
    else {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}
}
if _url and DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # pytest-django creates and drops test_<NAME>; keep xdist-style suffixes working.
    DATABASES["default"].setdefault("TEST", {})

# Hashing strength is not under test; speed is. Validators stay as in production.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Run long analysis (a round's tables) in a background thread; the page shows progress.
CASEINSPECT_BACKGROUND_ANALYSIS = False
