from django.contrib import admin

from partners.models import Partner, PartnerMembership, PartnerSettings, Vacancy


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "organisation", "is_active")
    list_filter = ("organisation", "kind", "is_active")
    search_fields = ("name",)


@admin.register(PartnerMembership)
class PartnerMembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "partner", "created_at")
    raw_id_fields = ("user",)


@admin.register(Vacancy)
class VacancyAdmin(admin.ModelAdmin):
    list_display = ("title", "partner", "status", "when", "until")
    list_filter = ("status", "when")
    search_fields = ("title",)
    filter_horizontal = ("skills",)
    raw_id_fields = ("neighbourhood",)


admin.site.register(PartnerSettings)
