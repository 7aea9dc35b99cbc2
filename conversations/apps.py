from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConversationsConfig(AppConfig):
    name = "conversations"
    verbose_name = _("Berichten")

    def ready(self) -> None:
        import conversations.receivers  # noqa: F401  (connects the receivers)
        from accounts.personal_data import export_source
        from conversations.personal_data import conversations_export

        export_source("messages", models=("conversations.Message", "conversations.ThreadRead"), order=38)(
            conversations_export
        )
