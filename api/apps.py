from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "api"
    verbose_name = _("API")

    def ready(self) -> None:
        from django.apps import apps
        from django.db.models.signals import post_save

        from api import (
            receivers,
            schema,  # noqa: F401  (the OpenAPI extensions for our authentication)
        )

        # Webhooks: the rows that record a change, by model name (no upward import code).
        post_save.connect(
            receivers.match_event_saved,
            sender=apps.get_model("matches", "MatchEvent"),
            dispatch_uid="api_webhook_match",
        )
        post_save.connect(
            receivers.care_signal_saved,
            sender=apps.get_model("caregivers", "CareSignal"),
            dispatch_uid="api_webhook_signal",
        )
        from matches.signals import match_events_inserted

        match_events_inserted.connect(receivers.match_events_inserted, dispatch_uid="api_webhook_match_bulk")
