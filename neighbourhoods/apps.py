from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NeighbourhoodsConfig(AppConfig):
    name = "neighbourhoods"
    verbose_name = _("Buurten en organisaties")

    def ready(self) -> None:
        from neighbourhoods.report_store import connect_signals

        connect_signals()
