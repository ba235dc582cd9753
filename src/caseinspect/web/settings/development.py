"""Development: the demo database on loopback. Never use these settings on a network."""

import os

from .base import *  # noqa: F401,F403

CASEINSPECT_ENVIRONMENT = "development"
# Off unless asked for (``caseinspect serve --debug`` sets CASEINSPECT_DEBUG=1): Django's
# debug pages list the URL patterns and settings, and show case data in tracebacks.
DEBUG = os.environ.get("CASEINSPECT_DEBUG", "0").lower() in ("1", "true", "yes", "on")
# Development only: a fixed key so sessions survive restarts. Production refuses to start
# without its own key (see production.py).
SECRET_KEY = "django-insecure-caseinspect-development-only-not-for-production"  # noqa: S105
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
# The development server serves the static files from the package whether or not DEBUG
# is on (WhiteNoise reads them through the finders; production collects them).
WHITENOISE_USE_FINDERS = True
