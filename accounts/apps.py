from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from allauth.mfa.signals import authenticator_added
        from django.contrib.auth.signals import user_logged_in

        from accounts import receivers

        user_logged_in.connect(receivers.stamp_login, dispatch_uid="accounts.stamp_login")
        authenticator_added.connect(receivers.second_step_added, dispatch_uid="accounts.second_step_added")

        from accounts.personal_data import account_export, export_source

        export_source("account", models=("accounts.User", "account.EmailAddress"), order=0)(account_export)
