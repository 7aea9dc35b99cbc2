from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NeighbourhoodsConfig(AppConfig):
    name = "neighbourhoods"
    verbose_name = _("Buurten en organisaties")

    def ready(self) -> None:
        # The tasks are registered with every process (beat names them; workers find them anyway).
        from neighbourhoods import tasks  # noqa: F401
        from neighbourhoods.report_store import connect_signals

        connect_signals()
