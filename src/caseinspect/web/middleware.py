"""Small middleware of our own."""

from __future__ import annotations


class NoStoreMiddleware:
    """Case data must not linger in shared or browser caches: pages for signed-in users
    are sent with ``Cache-Control: no-store``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not request.path.startswith("/static/"):
            response["Cache-Control"] = "no-store"
        return response
