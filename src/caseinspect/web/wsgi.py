"""WSGI entry point for gunicorn: ``gunicorn caseinspect.web.wsgi:application``.

Settings default to the production layer. The frameworks and the core validator are
loaded here, once, so that no user's first request pays for them (with ``--preload`` the
workers share them).
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caseinspect.web.settings.production")
application = get_wsgi_application()


def _warm_up() -> None:
    from ..cases import validate_case
    from ..framework import available_frameworks
    from .frameworks import framework_by_id

    for framework_id in available_frameworks():
        framework = framework_by_id(framework_id)
        validate_case({}, {}, framework, mode="draft")


_warm_up()
