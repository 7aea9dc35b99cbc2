"""The access log in Django's admin (read only), and the mixin that logs every look
at care data through the admin."""

from __future__ import annotations

from django.contrib import admin

from audit.models import AccessLogEntry
from audit.services import Subject, access_record


class AccessLoggedAdminMixin:
    """For a ModelAdmin of care data: the change page logs one row about its object
    (``access_subject(obj)`` says whose file it is), the list one row per page view
    naming the objects it showed."""

    def access_subject(self, obj) -> Subject:  # pragma: no cover - each admin defines it
        raise NotImplementedError

    def _role(self, request) -> str:
        return "superuser" if request.user.is_superuser else "admin_site"

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl") if hasattr(response, "context_data") else None
        shown = list(changelist.result_list) if changelist is not None else []
        if shown:
            access_record(
                request=request,
                subject=Subject(key=f"list:{self.model._meta.model_name}"),
                what=AccessLogEntry.What.ADMIN_LIST,
                obj=shown,
                role=self._role(request),
            )
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        original = getattr(response, "context_data", {}).get("original") if hasattr(response, "context_data") else None
        if original is not None:
            access_record(
                request=request,
                subject=self.access_subject(original),
                what=AccessLogEntry.What.ADMIN_VIEW,
                obj=original,
                role=self._role(request),
            )
        return response


@admin.register(AccessLogEntry)
class AccessLogEntryAdmin(admin.ModelAdmin):
    list_display = ["seq", "at", "actor_label", "actor_role", "what", "subject_key", "object_ref"]
    list_filter = ["what"]
    search_fields = ["subject_key", "actor_label"]
    readonly_fields = [field.name for field in AccessLogEntry._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
