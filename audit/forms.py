"""The privacy officer's filters on the access log (GET)."""

from __future__ import annotations

import datetime
import re

from django import forms
from django.utils.translation import gettext_lazy as _

from audit.models import AccessLogEntry
from audit.selectors import SUBJECT_PATTERN

DATE_FORMATS = ["%Y-%m-%d", "%d-%m-%Y"]
# Far enough back for any log and never a date Python cannot add a day to.
EARLIEST = datetime.date(2000, 1, 1)
LATEST = datetime.date(2999, 12, 31)


class AccessLogFilterForm(forms.Form):
    subject = forms.CharField(
        label=_("Over wie"),
        help_text=_("Een naam, een e-mailadres, of een nummer als mantelzorger:12 (klik op een regel om te filteren)."),
        required=False,
        max_length=64,
    )
    actor = forms.CharField(label=_("Medewerker (e-mailadres)"), required=False, max_length=254)
    date_from = forms.DateField(
        label=_("Vanaf"),
        required=False,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Vul een geldige datum in, bijvoorbeeld 03-06-2026.")},
    )
    date_to = forms.DateField(
        label=_("Tot en met"),
        required=False,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Vul een geldige datum in, bijvoorbeeld 03-06-2026.")},
    )
    what = forms.ChoiceField(
        label=_("Wat"),
        required=False,
        choices=[("", _("alles"))] + list(AccessLogEntry.What.choices),
        error_messages={"invalid_choice": _("Kies een soort uit de lijst.")},
    )

    def clean_subject(self) -> str:
        value = self.cleaned_data["subject"].strip()
        # Something that looks like a key must be one (no number Python or the database chokes on).
        if re.match(r"^[a-z_]+:", value) and not SUBJECT_PATTERN.match(value):
            raise forms.ValidationError(_("Schrijf het als soort:nummer, bijvoorbeeld mantelzorger:12."))
        return value

    def _in_range(self, name: str):
        value = self.cleaned_data[name]
        if value is not None and not EARLIEST <= value <= LATEST:
            raise forms.ValidationError(_("Kies een datum tussen 2000 en 2999."))
        return value

    def clean_date_from(self):
        return self._in_range("date_from")

    def clean_date_to(self):
        return self._in_range("date_to")

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("De einddatum ligt voor de begindatum."))
        return data

    def filters(self) -> dict:
        """The cleaned filters as keyword arguments of ``audit.selectors.log_of_organisation``."""
        data = self.cleaned_data
        return {
            "subject": data.get("subject", ""),
            "actor": data.get("actor", ""),
            "date_from": data.get("date_from"),
            "date_to": data.get("date_to"),
            "what": data.get("what", ""),
        }
