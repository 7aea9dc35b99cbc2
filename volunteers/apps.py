from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VolunteersConfig(AppConfig):
    name = "volunteers"
    verbose_name = _("Vrijwilligers")

    def ready(self) -> None:
        from accounts.roles import profile_source, role_source
        from volunteers.selectors import volunteer_profile, volunteer_roles

        role_source(volunteer_roles)
        profile_source(order=20)(volunteer_profile)

        from accounts.personal_data import export_source
        from volunteers.personal_data import volunteers_export

        export_source(
            "volunteers",
            models=("volunteers.Volunteer", "volunteers.AvailabilitySlot", "volunteers.VogCheck"),
            order=20,
        )(volunteers_export)
