from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    name = "partners"
    verbose_name = _("Partners en vacatures")

    def ready(self) -> None:
        import partners.receivers  # noqa: F401  (connects the receivers)
        from accounts.roles import role_source
        from caregivers.referral import referral_targets_source
        from partners.selectors import partner_roles, referral_targets

        role_source(partner_roles)
        referral_targets_source(referral_targets)

        from accounts.personal_data import export_source
        from partners.personal_data import partners_export

        export_source("vacancy_responses", models=("partners.Response", "partners.PartnerMembership"), order=35)(
            partners_export
        )
