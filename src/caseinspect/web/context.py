"""Template context: the navigation for the signed-in user's role."""

from __future__ import annotations

from django.urls import reverse

from .. import __version__
from .access import can_manage_inspection, can_oversee, can_view_audit, role_of
from .models import Role

_NAV = [
    # (label, url name, roles that see it)
    ("My cases", "my-cases", {Role.INSPECTOR, Role.LEAD_INSPECTOR, Role.PROVIDER_QA}),
    (
        "Inspections",
        "inspections",
        {Role.ADMINISTRATOR, Role.LEAD_INSPECTOR, Role.ANALYST, Role.PROVIDER_QA},
    ),
    ("Rounds and analysis", "rounds", {Role.ADMINISTRATOR, Role.LEAD_INSPECTOR, Role.ANALYST}),
    ("Coding", "coding:workspace", {Role.ANALYST}),
    ("Practice library", "coding:library", {Role.ANALYST}),
    ("Audit trail", "audit", {Role.ADMINISTRATOR}),
    ("Users", "users", {Role.ADMINISTRATOR}),
]


def navigation(request):
    user = getattr(request, "user", None)
    role = role_of(user) if user is not None else None
    items = []
    if role is not None:
        for label, name, roles in _NAV:
            if role in roles:
                url = reverse(name)
                items.append(
                    {
                        "label": label,
                        "url": url,
                        "active": request.path == url
                        or (url != "/" and request.path.startswith(url)),
                    }
                )
        # One active item: the longest URL that the page's path starts with (so the
        # practice library, under /coding/, does not also light up "Coding").
        active = [i for i in items if i["active"]]
        if len(active) > 1:
            keep = max(active, key=lambda i: len(i["url"]))
            for item in active:
                item["active"] = item is keep
        if user.is_superuser:
            items.append({"label": "Django admin", "url": reverse("admin:index"), "active": False})
    return {
        "nav": {
            "items": items,
            "role": role,
            "role_label": Role(role).label if role else "",
            "version": __version__,
        },
        "inspection_tabs": _InspectionTabs(user),
    }


class _InspectionTabs:
    """``inspection_tabs.for(inspection)`` in templates: which inspection tabs the user may open."""

    def __init__(self, user):
        self.user = user

    def __getitem__(self, inspection):
        return {
            "oversee": can_oversee(self.user, inspection),
            "manage": can_manage_inspection(self.user, inspection),
            "audit": can_view_audit(self.user, inspection),
        }
