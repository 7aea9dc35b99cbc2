from django.contrib import admin

from matches.models import Match, MatchEvent


class MatchEventInline(admin.TabularInline):
    model = MatchEvent
    extra = 0
    readonly_fields = ["from_status", "to_status", "by", "at", "note"]
    can_delete = False


@admin.register(Match)
class MatchAdmin(admin.ModelAdmin):
    list_display = ["__str__", "organisation", "status", "score", "created_at"]
    list_filter = ["organisation", "status"]
    raw_id_fields = ["request", "volunteer", "proposed_by"]
    inlines = [MatchEventInline]
