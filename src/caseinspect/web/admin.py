"""The admin site: administrators manage users, roles and providers. Case data is changed only
through the application (so every change goes through an action and the audit trail);
audit events can be read, never added, changed or deleted."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from . import audit
from .models import Account, AuditEvent, Case, ImportBatch, Inspection, Provider, RatingDecision


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AuditedAdmin(admin.ModelAdmin):
    """Admin changes go into the audit trail too (the admin view runs in one transaction)."""

    audited_fields: tuple[str, ...] = ()

    def _state(self, obj):
        return {f: str(getattr(obj, f)) for f in self.audited_fields}

    def save_model(self, request, obj, form, change):
        before = self._state(type(obj).objects.get(pk=obj.pk)) if change else None
        super().save_model(request, obj, form, change)
        audit.record(
            request.user,
            "change" if change else "create",
            obj,
            before=before,
            after=self._state(obj),
        )

    def delete_model(self, request, obj):
        before = self._state(obj)
        audit.record(request.user, "delete", obj, before=before)
        super().delete_model(request, obj)


@admin.register(Provider)
class ProviderAdmin(AuditedAdmin):
    audited_fields = ("name", "provider_type")
    list_display = ("name", "provider_type")
    search_fields = ("name",)


@admin.register(Account)
class AccountAdmin(AuditedAdmin):
    audited_fields = ("user", "role", "provider")
    list_display = ("user", "role", "provider")
    list_filter = ("role",)
    search_fields = ("user__username",)


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("at", "actor_username", "action", "object_type", "object_repr")
    list_filter = ("action", "object_type")
    search_fields = ("actor_username", "object_repr")
    date_hierarchy = "at"


@admin.register(Inspection)
class InspectionAdmin(ReadOnlyAdmin):
    list_display = ("code", "provider", "framework_id", "kind", "status", "lead")
    list_filter = ("framework_id", "kind", "status")


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    list_display = ("case_id", "inspection", "status", "allocated_to", "version")
    list_filter = ("status",)
    search_fields = ("case_id",)


@admin.register(ImportBatch)
class ImportBatchAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "source", "n_rows", "framework_id", "created_by")


@admin.register(RatingDecision)
class RatingDecisionAdmin(ReadOnlyAdmin):
    list_display = ("inspection", "standard", "kind", "rating", "decided_by", "decided_at")


class AuditedUserAdmin(UserAdmin):
    """Django's user admin, with every change written to the audit trail.

    Passwords are never recorded: a password change is recorded as ``password: changed``.
    """

    audited_fields = ("username", "is_active", "is_staff", "is_superuser")

    def _state(self, obj) -> dict[str, str]:
        state = {f: str(getattr(obj, f)) for f in self.audited_fields}
        state["groups"] = ", ".join(sorted(g.name for g in obj.groups.all())) if obj.pk else ""
        return state

    def save_model(self, request, obj, form, change):
        previous = type(obj).objects.get(pk=obj.pk) if change else None
        before = self._state(previous) if previous is not None else None
        super().save_model(request, obj, form, change)
        after = self._state(obj)
        if previous is not None and previous.password != obj.password:
            before, after = {**before, "password": "unchanged"}, {**after, "password": "changed"}
        audit.record(
            request.user,
            "change" if change else "create",
            obj,
            object_type="user",
            before=before,
            after=after,
        )

    def has_delete_permission(self, request, obj=None):
        return False  # users are deactivated, never deleted (audit rows point at them)

    def delete_model(self, request, obj):
        audit.record(request.user, "delete", obj, object_type="user", before=self._state(obj))
        super().delete_model(request, obj)


_User = get_user_model()
if admin.site.is_registered(_User):
    admin.site.unregister(_User)
admin.site.register(_User, AuditedUserAdmin)


# Day-to-day administration is in the application (/users/); the Django admin site is for
# superusers only (repairs), and offers no delete of users.
admin.site.has_permission = lambda request: bool(
    request.user.is_active and request.user.is_superuser
)
