from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "matching"
    verbose_name = _("Koppelen")

    def ready(self) -> None:
        # Connects the signals that tell the cached volunteer pools about changes.
        from matching import loaders  # noqa: F401
        from matching.weight_texts import WEIGHT_LABELS
        from neighbourhoods.orgsettings import weight_labels_register

        # The settings history (a lower layer) names each weight in the reader's words.
        weight_labels_register(WEIGHT_LABELS)
