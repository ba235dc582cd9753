"""Development: the demo database on loopback. Never use these settings on a network."""

import os

from .base import *  # noqa: F401,F403

CASEINSPECT_ENVIRONMENT = "development"
DEBUG = os.environ.get("CASEINSPECT_DEBUG", "1") not in ("0", "false", "False", "")
# Development only: a fixed key so sessions survive restarts. Production refuses to start
# without its own key (see production.py).
SECRET_KEY = "django-insecure-caseinspect-development-only-not-for-production"  # noqa: S105
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
