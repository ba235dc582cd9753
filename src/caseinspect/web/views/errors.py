"""Error pages (plain, no case data, no stack traces)."""

from django.shortcuts import render


def csrf_failure(request, reason=""):
    return render(request, "caseinspect/errors/csrf.html", status=403)


def forbidden(request, exception=None):
    # Our own PermissionDenied messages are written for the user (caseinspect.web.access);
    # anything else gets the general sentence.
    reason = str(exception) if exception is not None and str(exception) else ""
    return render(request, "caseinspect/errors/403.html", {"reason": reason}, status=403)


def not_found(request, exception=None):
    return render(request, "caseinspect/errors/404.html", status=404)


def server_error(request):
    return render(request, "caseinspect/errors/500.html", status=500)
