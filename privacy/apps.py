from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    """A person's rights across every app: export (AVG art. 15/20), erasure (art. 17)
    and retention that runs. Near the top: it reads and erases what the apps below hold."""

    name = "privacy"
    verbose_name = _("Privacy")

    def ready(self) -> None:
        from accounts.personal_data import export_source
        from privacy.personal_data import privacy_export

        export_source(
            "privacy",
            models=("privacy.RightsEvent", "privacy.InactivityWarning", "privacy.RetentionSettings"),
            order=95,
        )(privacy_export)
