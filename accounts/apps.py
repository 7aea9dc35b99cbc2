from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from accounts.personal_data import account_export, export_source

        export_source("account", models=("accounts.User", "account.EmailAddress"), order=0)(account_export)
