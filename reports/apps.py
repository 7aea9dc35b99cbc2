from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Cijfers")

    def ready(self) -> None:
        # The tasks are registered with every process (beat names them; workers find them anyway).
        from reports import tasks  # noqa: F401
        from reports.store import connect_signals

        connect_signals()
