"""The web application: a Django project over the caseinspect core.

The core never imports this package. Non-HTTP callers (the CLI, the demo builder) call
:func:`setup` once, then use :mod:`caseinspect.web.store`.
"""

from __future__ import annotations

import os

__all__ = ["setup", "DEFAULT_SETTINGS"]

DEFAULT_SETTINGS = "caseinspect.web.settings.development"


def setup(db_url: str | None = None, *, debug: bool = False) -> None:
    """Configure Django for use outside an HTTP server and run ``django.setup()``.

    Parameters
    ----------
    db_url : str, optional
        Database URL (e.g. ``postgresql://user@host/db``, ``sqlite:///path.sqlite3``).
        Default: ``DATABASE_URL`` from the environment, else ``sqlite:///caseinspect.sqlite3``
        in the current directory.
    debug : bool
        Keep Django's ``DEBUG`` as the settings say (the development server wants it).
        Off by default, so that long imports do not keep every SQL query in memory.

    Notes
    -----
    Settings come from ``DJANGO_SETTINGS_MODULE`` (default: the development layer). If
    Django is already configured in this process (inside the web server, or under
    pytest-django), the existing configuration is kept and ``db_url`` is ignored.
    """
    from ..errors import require_extra

    require_extra("django", extra="web", feature="The web application")
    if (db_url or os.environ.get("DATABASE_URL", "")).startswith(("postgres", "postgresql")):
        require_extra("psycopg", extra="postgres", feature="A PostgreSQL database")
    import django
    from django.apps import apps
    from django.conf import settings

    if settings.configured and apps.ready:
        return
    if db_url:
        os.environ["DATABASE_URL"] = db_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", DEFAULT_SETTINGS)
    django.setup()
    if not debug:
        settings.DEBUG = False
