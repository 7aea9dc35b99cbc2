from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from conversations.models import Message


class MessageForm(forms.Form):
    """One message: plain text only (no files), at most ``Message.MAX_LENGTH`` characters."""

    body = forms.CharField(
        label=_("Uw bericht"),
        help_text=_("Alleen tekst, geen bijlagen. Hoogstens 2000 tekens."),
        max_length=Message.MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": Message.MAX_LENGTH}),
        error_messages={
            "required": _("Schrijf een bericht."),
            "max_length": _("Een bericht is hoogstens %(limit_value)d tekens, nu %(show_value)d."),
        },
    )
