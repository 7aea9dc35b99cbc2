from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivitiesConfig(AppConfig):
    name = "activities"
    verbose_name = _("Activiteiten")

    def ready(self) -> None:
        from accounts.personal_data import export_source
        from activities.personal_data import activities_export

        export_source("activity_signups", models=("activities.SignUp",), order=36)(activities_export)

        from activities.selectors import organised_for_partner
        from partners.organised import organised_source

        organised_source(organised_for_partner)
