"""The choices on the report pages and exports: which municipality, which month or
period. Bad input becomes a form error in plain Dutch (and a 400 from the exports)."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from neighbourhoods.selectors import ReportAccess
from reports.months import Month, PeriodError, check_period, check_reportable

MAX_EXPORT_MONTHS = 24
TREND_MONTHS = 12


def default_month(now: datetime.datetime | None = None) -> Month:
    """The last whole month: the one a municipality asks about."""
    return Month.current(now).previous()


class _MunicipalityChoice(forms.Form):
    gemeente = forms.CharField(label=gettext_lazy("Gemeente"), required=False, max_length=100)

    def __init__(self, *args, access: ReportAccess, municipality_required: bool = True, **kwargs):
        self.access = access
        self.municipality_required = municipality_required
        super().__init__(*args, **kwargs)
        self.fields["gemeente"].widget = forms.Select(
            choices=([] if municipality_required else [("", _("Alle gemeenten (hele organisatie)"))])
            + [(m.name, m.name) for m in access.municipalities]
        )

    def clean_gemeente(self):
        name = (self.cleaned_data.get("gemeente") or "").strip()
        if not name:
            if not self.municipality_required:
                return None
            if len(self.access.municipalities) == 1:
                return self.access.municipalities[0]
            if not self.access.municipalities:
                raise forms.ValidationError(_("U bent nog niet aan een gemeente gekoppeld."))
            raise forms.ValidationError(_("Kies een gemeente."))
        municipality = self.access.municipality_named(name)
        if municipality is None:
            allowed = ", ".join(m.name for m in self.access.municipalities) or _("geen")
            raise forms.ValidationError(
                _("U kunt geen cijfers zien van ‘%(name)s’. Kies uit: %(allowed)s.")
                % {"name": name[:100], "allowed": allowed}
            )
        return municipality


class MonthForm(forms.Form):
    """One month (default: the last whole month) and the twelve months up to it."""

    maand = forms.CharField(
        label=gettext_lazy("Maand"),
        required=False,
        max_length=20,
        help_text=gettext_lazy("Jaar en maand, bijvoorbeeld 2026-03."),
        widget=forms.TextInput(attrs={"type": "month", "inputmode": "numeric", "pattern": r"\d{4}-\d{1,2}"}),
    )

    def __init__(self, data=None, *args, **kwargs):
        # An empty field means the default month; show it in the field too.
        if data is not None and not (data.get("maand") or "").strip():
            data = data.copy()
            data["maand"] = str(default_month())
        super().__init__(data, *args, **kwargs)

    def clean_maand(self) -> Month:
        text = (self.cleaned_data.get("maand") or "").strip()
        now = timezone.now()
        if not text:
            return default_month(now)
        try:
            return check_reportable(Month.parse(text), now=now)
        except PeriodError as error:
            raise forms.ValidationError(error.message)

    def trend_months(self) -> list[Month]:
        last = self.cleaned_data["maand"]
        return [last.minus(i) for i in range(TREND_MONTHS - 1, -1, -1)]


class ReportForm(_MunicipalityChoice, MonthForm):
    """The dashboard: one municipality (default: the first one the user may see) and a month."""

    field_order = ["gemeente", "maand"]

    def __init__(self, data=None, *args, access: ReportAccess, **kwargs):
        if data is not None and not (data.get("gemeente") or "").strip() and access.municipalities:
            data = data.copy()
            data["gemeente"] = access.municipalities[0].name
        super().__init__(data, *args, access=access, **kwargs)


class MunicipalityForm(_MunicipalityChoice):
    """The signals page: one municipality, or (staff) all of them."""


class ExportForm(_MunicipalityChoice):
    """The exports: a municipality and a period of whole months (``van``-``tot``), or
    one month (``maand``)."""

    maand = forms.CharField(required=False, max_length=20)
    van = forms.CharField(required=False, max_length=20)
    tot = forms.CharField(required=False, max_length=20)

    def _month(self, name: str) -> Month | None:
        text = (self.cleaned_data.get(name) or "").strip()
        if not text:
            return None
        try:
            return Month.parse(text)
        except PeriodError as error:
            raise forms.ValidationError(error.message)

    def clean_maand(self):
        return self._month("maand")

    def clean_van(self):
        return self._month("van")

    def clean_tot(self):
        return self._month("tot")

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        month, first, last = data.get("maand"), data.get("van"), data.get("tot")
        if month and (first or last):
            raise forms.ValidationError(_("Kies één maand (maand) of een periode (van en tot), niet allebei."))
        if month:
            first = last = month
        elif first or last:
            first, last = first or last, last or first
        else:
            first = last = default_month()
        try:
            data["months"] = check_period(first, last, max_months=MAX_EXPORT_MONTHS)
        except PeriodError as error:
            field = "maand" if month else error.field
            self.add_error(field if field in self.fields else None, error.message)
        return data


class MapZoomForm(forms.Form):
    """The region map: the whole area, or zoomed to one of the user's municipalities."""

    kaart = forms.CharField(label=gettext_lazy("Kaart van"), required=False, max_length=100)

    def __init__(self, *args, access: ReportAccess, **kwargs):
        self.access = access
        super().__init__(*args, **kwargs)
        self.fields["kaart"].widget = forms.Select(
            choices=[("", _("Het hele werkgebied"))] + [(m.name, m.name) for m in access.municipalities]
        )

    def clean_kaart(self) -> str:
        name = (self.cleaned_data.get("kaart") or "").strip()
        if not name:
            return ""
        municipality = self.access.municipality_named(name)
        if municipality is None:
            allowed = ", ".join(m.name for m in self.access.municipalities) or _("geen")
            raise forms.ValidationError(
                _("De kaart kan niet inzoomen op ‘%(name)s’. Kies uit: %(allowed)s.")
                % {"name": name[:100], "allowed": allowed}
            )
        return municipality.name
