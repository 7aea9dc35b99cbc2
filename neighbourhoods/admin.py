from django.contrib import admin

from neighbourhoods.models import Municipality, Neighbourhood, Organisation, StaffMembership


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "province"]
    search_fields = ["name", "code"]


@admin.register(Neighbourhood)
class NeighbourhoodAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "code", "municipality", "latitude", "longitude"]
    list_filter = ["kind", "municipality"]
    search_fields = ["name", "code", "municipality__name"]
    autocomplete_fields = ["municipality", "parent"]


class StaffMembershipInline(admin.TabularInline):
    model = StaffMembership
    extra = 0
    autocomplete_fields = ["user", "municipality"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "email"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["municipalities"]
    search_fields = ["name", "slug"]
    inlines = [StaffMembershipInline]
