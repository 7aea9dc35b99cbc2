from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    """A person's rights across every app: export (AVG art. 15/20), erasure (art. 17)
    and retention that runs. Near the top: it reads and erases what the apps below hold."""

    name = "privacy"
    verbose_name = _("Privacy")
