from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NeighbourhoodsConfig(AppConfig):
    name = "neighbourhoods"
    verbose_name = _("Buurten en organisaties")

    def ready(self) -> None:
        from accounts.roles import role_source
        from neighbourhoods.selectors import staff_roles

        role_source(staff_roles)
