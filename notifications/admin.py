from django.contrib import admin

from notifications.models import MailLinkKey, MailPreferences, Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "to_email", "status", "attempts", "sent_at"]
    list_filter = ["status", "category", "kind"]
    search_fields = ["to_email", "key"]
    readonly_fields = [f.name for f in Notification._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(MailPreferences)
class MailPreferencesAdmin(admin.ModelAdmin):
    list_display = ["email", "proposals", "updates", "reminders", "broker", "digest", "updated_at"]
    search_fields = ["email"]


@admin.register(MailLinkKey)
class MailLinkKeyAdmin(admin.ModelAdmin):
    list_display = ["email", "created_at"]
    search_fields = ["email"]
    readonly_fields = ["email", "key", "created_at"]

    def has_add_permission(self, request):
        return False
