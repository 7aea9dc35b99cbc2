from django.contrib import admin

from audit.admin import AccessLoggedAdminMixin
from caregivers.access import mantelzorger_subject, request_subject
from caregivers.models import HelpRequest, Mantelzorger


@admin.register(Mantelzorger)
class MantelzorgerAdmin(AccessLoggedAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "organisation", "neighbourhood"]
    list_filter = ["organisation"]
    search_fields = ["first_name", "last_name", "email"]
    raw_id_fields = ["user", "neighbourhood"]

    def access_subject(self, obj):
        return mantelzorger_subject(obj)


@admin.register(HelpRequest)
class HelpRequestAdmin(AccessLoggedAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "organisation", "kind", "status", "urgency", "neighbourhood", "created_at"]
    list_filter = ["organisation", "kind", "status", "urgency"]
    search_fields = ["requester_first_name", "requester_last_name", "external_id"]
    raw_id_fields = ["requester", "mantelzorger", "neighbourhood"]
    filter_horizontal = ["skills"]

    def access_subject(self, obj):
        return request_subject(obj)
