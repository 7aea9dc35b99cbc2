from django import forms
from django.utils.translation import gettext_lazy as _

from notifications.models import MailPreferences


class PreferencesForm(forms.ModelForm):
    """Which optional e-mails a person wants; brokers also see their own two."""

    class Meta:
        model = MailPreferences
        fields = ["proposals", "updates", "reminders", "broker", "digest"]
        help_texts = {
            "proposals": _("Een e-mail als de vrijwilligerscentrale u vraagt om ergens te helpen."),
            "updates": _("Als iemand ja of nee zegt, als de hulp start of stopt."),
            "reminders": _(
                "Bijvoorbeeld als u nog niet hebt geantwoord op een voorstel, of als uw VOG bijna verloopt."
            ),
            "broker": _("Als een vrijwilliger ja of nee zegt op een voorstel dat u deed."),
            "digest": _("Elke ochtend één e-mail met wat uw aandacht nodig heeft."),
        }

    def __init__(self, *args, is_broker: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not is_broker:
            del self.fields["broker"]
            del self.fields["digest"]
