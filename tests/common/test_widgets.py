"""common.widgets.Select prints exactly what Django's Select prints."""

import datetime

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy, override

from common.widgets import Select

CHOICES = [
    ("", "Alle buurten"),
    ("a&b", 'Zoë van \'t Hof-Özdemir & <Co> "quoted"'),
    (3, 7),
    ("lazy", gettext_lazy("Alle soorten")),
    ("safe", mark_safe("<b>vet</b>")),
    (mark_safe("<v>"), "safe value"),
    (None, "none"),
    (1.5, datetime.date(2026, 12, 7)),
]
GROUPED = [
    ("Gelderland", [("1", "Arnhem"), ("2", "Nijmegen & Lent")]),
    ("", [("3", "zonder groep")]),
    ("4", "los"),
]


@pytest.mark.parametrize("choices", [CHOICES, GROUPED, []], ids=["flat", "groups", "empty"])
@pytest.mark.parametrize("value", ["", "a&b", 3, ["1", "3"], None, "unknown"])
@pytest.mark.parametrize(
    "attrs",
    [None, {"id": "id_x", "required": True, "disabled": False, "aria-describedby": "x_helptext x_error"}],
)
@pytest.mark.parametrize("language", ["nl", "en"])
def test_select_prints_what_django_prints(choices, value, attrs, language):
    with override(language):
        mine = Select(choices=choices, attrs={"class": "a<b", "data-n": 5}).render("na&me", value, attrs=attrs)
        django = forms.Select(choices=choices, attrs={"class": "a<b", "data-n": 5}).render("na&me", value, attrs=attrs)
    assert mine == django
    assert "<option" in mine or not choices


def test_select_in_a_form_keeps_the_widget_type_and_the_markup():
    class Form(forms.Form):
        mine = forms.ChoiceField(choices=CHOICES[:4], widget=Select, required=False)
        django = forms.ChoiceField(choices=CHOICES[:4], required=False)

    form = Form(data={"mine": "zzz", "django": "zzz"})
    assert not form.is_valid()
    assert form["mine"].widget_type == form["django"].widget_type == "select"
    assert str(form["mine"]).replace("mine", "django") == str(form["django"])
    assert 'aria-invalid="true"' in str(form["mine"])


def test_select_with_other_templates_renders_through_them():
    class Custom(Select):
        option_template_name = "django/forms/widgets/input.html"  # something visibly different

    assert "<option" not in Custom(choices=CHOICES[:2]).render("x", "")

    class Renderer(DjangoTemplates):
        pass

    rendered = Select(choices=CHOICES[:2]).render("x", "", renderer=Renderer())
    assert rendered == forms.Select(choices=CHOICES[:2]).render("x", "")
