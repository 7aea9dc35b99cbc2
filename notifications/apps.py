from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "notifications"
    verbose_name = _("berichten")

    def ready(self) -> None:
        from accounts.personal_data import export_source
        from notifications.personal_data import notifications_export

        export_source(
            "notifications", models=("notifications.Notification", "notifications.MailPreferences"), order=90
        )(notifications_export)
