from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CaregiversConfig(AppConfig):
    name = "caregivers"
    verbose_name = _("Mantelzorgers en hulpvragen")

    def ready(self) -> None:
        from accounts.roles import profile_source, role_source
        from audit.registry import subject_finder
        from caregivers import burden  # noqa: F401 -- connects the receivers that keep burden_high in step
        from caregivers.access import subjects_named
        from caregivers.selectors import caregiver_roles, mantelzorger_profile

        subject_finder(subjects_named)
        role_source(caregiver_roles)
        profile_source(order=10)(mantelzorger_profile)

        from accounts.personal_data import export_source
        from caregivers.personal_data import caregivers_export

        export_source(
            "caregivers",
            models=(
                "caregivers.Mantelzorger",
                "caregivers.CareRecipient",
                "caregivers.BurdenCheckIn",
                "caregivers.HelpRequest",
                "caregivers.RequestSlot",
                "caregivers.RequestDate",
                "caregivers.RequestEvent",
                "caregivers.CareSignal",
                "caregivers.NetworkMember",
                "caregivers.SavedQueueFilter",
            ),
            order=10,
        )(caregivers_export)
