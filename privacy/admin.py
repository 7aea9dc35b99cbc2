from django.contrib import admin

from privacy.models import RightsEvent


@admin.register(RightsEvent)
class RightsEventAdmin(admin.ModelAdmin):
    """Read only: the record of rights exercised is evidence, not something to edit."""

    list_display = ("at", "action", "subject_kind", "subject_ref", "organisation", "on_behalf", "reason")
    list_filter = ("action", "subject_kind", "reason", "organisation")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
