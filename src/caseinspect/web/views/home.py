"""The landing page sends each role where its work is."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect

from ..access import role_of
from ..models import Role


@login_required
def home(request):
    role = role_of(request.user)
    if role == Role.INSPECTOR:
        return redirect("my-cases")
    if role is None:
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied("Your account has no role yet; ask an administrator.")
    return redirect("inspections")
