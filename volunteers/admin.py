from django.contrib import admin

from neighbourhoods.models import Skill
from volunteers.models import Volunteer


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):
    list_display = ["code", "label", "organisation"]
    list_filter = ["organisation"]


@admin.register(Volunteer)
class VolunteerAdmin(admin.ModelAdmin):
    list_display = ["__str__", "organisation", "neighbourhood", "is_active", "vog_valid_until"]
    list_filter = ["organisation", "is_active"]
    search_fields = ["first_name", "last_name", "email", "external_id"]
    raw_id_fields = ["user", "neighbourhood"]
    filter_horizontal = ["skills"]
