from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    """The access log of care data (NEN 7513): who read which person's file, when,
    from which client. Below the people apps, so that every app can record a read."""

    name = "audit"
    verbose_name = _("Inzagelog")
