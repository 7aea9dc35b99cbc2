from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NeighbourhoodsConfig(AppConfig):
    name = "neighbourhoods"
    verbose_name = _("Buurten en organisaties")

    def ready(self) -> None:
        from accounts.roles import role_source
        from accounts.two_step import staff_check
        from neighbourhoods.selectors import has_staff_membership, staff_roles

        role_source(staff_roles)
        staff_check(has_staff_membership)

        from accounts.personal_data import export_source
        from neighbourhoods.personal_data import memberships_export

        export_source("staff_memberships", models=("neighbourhoods.StaffMembership",), order=80)(memberships_export)
