from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchesConfig(AppConfig):
    name = "matches"
    verbose_name = _("Koppelingen")

    def ready(self) -> None:
        # Receivers for what the lower apps announce (a request withdrawn, a volunteer
        # erased): their open matches end with it.
        from accounts.personal_data import export_source
        from matches import receivers  # noqa: F401
        from matches.personal_data import matches_export

        export_source(
            "matches",
            models=(
                "matches.Match",
                "matches.MatchEvent",
                "matches.HoursEntry",
                "matches.Evaluation",
                "matches.CalendarFeed",
                "matches.BatchRun",
                "matches.VolunteerMilestone",
            ),
            order=30,
        )(matches_export)
