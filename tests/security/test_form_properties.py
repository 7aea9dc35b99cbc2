"""Every form of the project, fed hostile input (``tests/security/hostile.py``): it
answers with a form error or a valid result, never an exception, and never echoes
markup unescaped when it is shown again.

The forms are found by importing every module of the apps and collecting the
subclasses of Django's ``BaseForm`` and django-filter's ``FilterSet`` defined there;
``test_every_form_has_a_property_test`` fails for a form without a builder in
:data:`BUILDERS` (how to make one, with the keyword arguments its view passes).
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable

import django_filters
import pytest
from django import forms
from django.utils import timezone
from hypothesis import given

from matching.engine.types import Weights
from tests.security.hostile import FORMS, NASTY, XSS, form_data, query_dict
from tests.security.world import World

pytestmark = pytest.mark.django_db

APPS = (
    "accounts",
    "activities",
    "audit",
    "caregivers",
    "common",
    "config",
    "conversations",
    "matches",
    "matching",
    "neighbourhoods",
    "notifications",
    "partners",
    "privacy",
    "reports",
    "volunteers",
)

# Base classes that no view binds on their own (their subclasses are tested).
BASES = {
    "caregivers.forms._StrictAddressForm": "base of MantelzorgerForm, RespiteRequestForm, HelpRequestForm",
    "caregivers.forms.LanguageFormMixin": "base of OwnStrengthForm and the broker's IntakeForm",
    "reports.forms._MunicipalityChoice": "base of ReportForm, MunicipalityForm, ExportForm",
}


def _all_modules() -> None:
    for app in APPS:
        package = importlib.import_module(app)
        for module in pkgutil.walk_packages(package.__path__, prefix=f"{app}."):
            if ".migrations" in module.name or ".management" in module.name:
                continue
            importlib.import_module(module.name)


def _subclasses(base) -> set[type]:
    found, todo = set(), [base]
    while todo:
        for cls in todo.pop().__subclasses__():
            if cls not in found:
                found.add(cls)
                todo.append(cls)
    return found


def project_forms() -> dict[str, type]:
    _all_modules()
    classes = _subclasses(forms.BaseForm) | _subclasses(django_filters.FilterSet)
    return {f"{cls.__module__}.{cls.__qualname__}": cls for cls in classes if cls.__module__.split(".")[0] in APPS}


def _access(world: World, role: str):
    from neighbourhoods.selectors import report_access

    return report_access(user=world.a.users[role], slug=world.a.organisation.slug)


def _none(world: World) -> dict:
    return {}


# class path -> world -> the keyword arguments its view passes (besides the data).
def _brokers(w: World):
    from caregivers.desk import organisation_brokers

    return organisation_brokers(organisation=w.a.organisation)


BUILDERS: dict[str, Callable[[World], dict]] = {
    "accounts.forms.SignupForm": _none,
    "activities.forms.ActivityForm": lambda w: {"organisation": w.a.organisation},
    "activities.forms.DemandForm": _none,
    "activities.forms.BrokerSignUpForm": _none,
    "activities.forms.WaitingOrderForm": _none,
    "activities.forms.SignUpForm": _none,
    "activities.forms.OfferAnswerForm": _none,
    "activities.forms.PartnerActivityForm": lambda w: {"organisation": w.a.organisation},
    "activities.forms.ReviewForm": _none,
    "caregivers.filters.RequestQueueFilter": lambda w: {
        "queryset": _requests_of(w),
        "organisation": w.a.organisation,
        "now": timezone.now(),
    },
    "caregivers.broker_forms.TimesForm": _none,
    "conversations.forms.MessageForm": _none,
    "caregivers.broker_forms.IntakeForm": lambda w: {"organisation": w.a.organisation},
    "caregivers.broker_forms.NoteForm": _none,
    "caregivers.broker_forms.ReferForm": _none,
    "caregivers.broker_forms.WithdrawForm": _none,
    "caregivers.broker_forms.AssignForm": lambda w: {"brokers": _brokers(w)},
    "caregivers.broker_forms.SaveFilterForm": _none,
    "caregivers.broker_forms.BulkForm": lambda w: {"brokers": _brokers(w)},
    "caregivers.broker_forms.CloseSolvedForm": _none,
    "caregivers.forms.OwnStrengthForm": lambda w: {"prefix": "own"},
    "caregivers.forms.NetworkMemberForm": lambda w: {"prefix": "network-0"},
    "caregivers.forms.NetworkMemberContactForm": lambda w: {"prefix": "network-0"},
    "caregivers.broker_forms.BehalfRequestForm": _none,
    "caregivers.broker_forms.SignalForm": _none,
    "caregivers.broker_forms.PartnerSignalForm": _none,
    "caregivers.broker_forms.SignalCloseForm": _none,
    "caregivers.broker_forms.CarerSupportForm": _none,
    "caregivers.views.support.ConsultantForm": _none,
    "caregivers.forms.MantelzorgerForm": _none,
    "caregivers.forms.AskWithoutAccountForm": _none,
    "caregivers.forms.CareRecipientForm": lambda w: {"prefix": "recipient"},
    "caregivers.forms.BurdenCheckInForm": lambda w: {"prefix": "checkin"},
    "caregivers.forms.CareEndedForm": lambda w: {"mantelzorger": w.a.mantelzorger},
    "caregivers.forms.ScheduleForm": lambda w: {"prefix": "when"},
    "caregivers.forms.RespiteRequestForm": lambda w: {"mantelzorger": w.a.mantelzorger},
    "caregivers.forms.HelpRequestForm": lambda w: {"user": w.a.users["help_seeker"]},
    "caregivers.forms.WithdrawForm": _none,
    "matches.views.calendar.ResetForm": _none,
    "matches.views.broker.CancelForm": lambda w: {"prefix": "cancel"},
    "matches.views.broker.ActivateForm": lambda w: {"prefix": "activate"},
    "matches.views.broker.EndForm": lambda w: {"prefix": "end"},
    "matches.views.attention.CheckinForm": _none,
    "matching.views.weights.WeightsForm": lambda w: {
        "organisation": w.a.organisation,
        "current": Weights(),
    },
    "neighbourhoods.forms.OrganisationContactForm": _none,
    "neighbourhoods.forms.OrganisationSettingsForm": _none,
    "neighbourhoods.forms.LogoForm": _none,
    "neighbourhoods.forms.FrontDoorForm": _none,
    "neighbourhoods.forms.CarerAppreciationForm": _none,
    "volunteers.forms.VolunteerThanksForm": _none,
    "neighbourhoods.forms.MunicipalityAddForm": _none,
    "neighbourhoods.forms.StaffInviteForm": lambda w: {"organisation": w.a.organisation},
    "matches.views.people.DeclineForm": _none,
    "matches.views.people.RequesterActivateForm": _none,
    "matches.views.people.HoursForm": _none,
    "matching.views.suggestions.ProposeForm": _none,
    "neighbourhoods.forms.AddressForm": _none,
    "notifications.forms.PreferencesForm": lambda w: {"instance": _preferences(w), "is_broker": True},
    "reports.forms.MonthForm": _none,
    "reports.forms.ReportForm": lambda w: {"access": _access(w, "municipality")},
    "reports.forms.MunicipalityForm": lambda w: {"access": _access(w, "broker"), "municipality_required": False},
    "reports.forms.MapZoomForm": lambda w: {"access": _access(w, "broker")},
    "reports.forms.ExportForm": lambda w: {"access": _access(w, "municipality")},
    "volunteers.forms.VolunteerDetailsForm": _none,
    "volunteers.forms.VolunteerSkillsForm": lambda w: {"organisation": w.a.organisation},
    "volunteers.forms.WeekGridForm": _none,
    "volunteers.forms.VolunteerPreferencesForm": lambda w: {"current_max": 2},
    "volunteers.forms.PauseForm": _none,
    "volunteers.forms.DeleteAccountForm": _none,
    "volunteers.forms.VogForm": _none,
    # Two-step login: the security key forms (allauth's, with a safe answer field); a
    # key ceremony is begun first, as its page does, so that the answer is checked
    # against a real challenge.
    "accounts.forms.AddSecurityKeyForm": lambda w: _key_ceremony(w, "broker", register=True),
    "accounts.forms.SecurityKeyAnswerForm": lambda w: _key_ceremony(w, "broker", register=False),
    "accounts.forms.SecurityKeyConfirmForm": lambda w: _key_ceremony(w, "volunteer", register=False),
    # The privacy officer's filter of the access log.
    "audit.forms.AccessLogFilterForm": _none,
    # Privacy: the broker's export and erasure for someone offline, one's own erasure,
    # the admin's retention periods.
    "privacy.forms.BrokerExportForm": lambda w: {"prefix": "export"},
    "privacy.forms.BrokerEraseForm": lambda w: {"prefix": "erase"},
    "privacy.forms.EraseAccountForm": _none,
    "privacy.forms.RetentionSettingsForm": lambda w: {"months": _retention_months(w)},
    # Partners: the centre's partner page, the partner's own pages, the public vacancy
    # search and the response to a vacancy (with the age question its minimum age adds).
    "partners.forms.PartnerInviteForm": _none,
    "partners.forms.PartnerSettingsForm": _none,
    "partners.forms.PartnerProfileForm": lambda w: {"instance": w.a.partner},
    "partners.forms.VacancyForm": lambda w: {"organisation": w.a.organisation},
    "partners.forms.ResponseForm": lambda w: {"vacancy": _vacancy_with_minimum_age(w)},
    "partners.filters.VacancyFilter": lambda w: {"queryset": _public_vacancies()},
    "volunteers.forms.VolunteerFilter": lambda w: {
        "queryset": _volunteers_of(w),
        "organisation": w.a.organisation,
        "on": timezone.localdate(),
    },
}


def _builder(world: World, path: str) -> Callable:
    """data -> the bound form (or filterset), as its view makes it."""
    cls, kwargs = _cls(path), BUILDERS[path](world)
    return lambda data: cls(data, **kwargs)


def _cls(path: str) -> type:
    module, name = path.rsplit(".", 1)
    return getattr(importlib.import_module(module), name)


def _requests_of(world: World):
    from caregivers.intake import requests_of_organisation

    return requests_of_organisation(organisation=world.a.organisation)


def _volunteers_of(world: World):
    from volunteers.selectors import volunteers_of_organisation

    return volunteers_of_organisation(organisation=world.a.organisation)


def _vacancy_with_minimum_age(world: World):
    vacancy = world.a.vacancy
    vacancy.minimum_age = 18
    vacancy.save(update_fields=["minimum_age"])
    return vacancy


def _public_vacancies():
    from partners.selectors import public_vacancies

    return public_vacancies().order_by("-published_at", "-pk")


def _preferences(world: World):
    from notifications.services import preferences_for

    return preferences_for(world.a.users["broker"].email)


def _retention_months(world: World) -> dict[str, int]:
    from privacy.retention import retention_months

    return retention_months(organisation=world.a.organisation)


def _key_ceremony(world: World, role: str, *, register: bool) -> dict:
    """Begin a security key's registration or authentication for ``role``'s user in the
    request of :func:`_allauth_request` (its state lives in that session); the form's
    keyword arguments."""
    from allauth.mfa.webauthn.internal import auth

    person = world.a.users[role]
    if register:
        auth.begin_registration(person, False)
    else:
        auth.begin_authentication(person)
    return {"user": person}


@pytest.fixture(autouse=True)
def _allauth_request():
    """allauth's forms read the request (its session) from allauth's request context, as
    in its views: a request with a fresh session."""
    from allauth.core import context
    from django.contrib.auth.models import AnonymousUser
    from django.contrib.sessions.backends.cache import SessionStore
    from django.test import RequestFactory

    request = RequestFactory().post("/")
    request.session = SessionStore()
    request.user = AnonymousUser()
    with context.request_context(request):
        yield request


def _fields(form: forms.BaseForm) -> dict[str, list[str] | None]:
    """The names the form reads from the data (with prefix and sub-widgets), and the
    values of its choices, if any."""
    names: dict[str, list[str] | None] = {}
    for name, field in form.fields.items():
        html = form.add_prefix(name)
        try:
            choices = [str(value) for value, _label in field.choices if value not in ("", None)]
        except (AttributeError, TypeError):
            choices = None
        widget = field.widget
        if isinstance(widget, forms.MultiWidget):
            for suffix in widget.widgets_names:
                names[html + suffix] = None
        names[html] = choices or None
    return names


def _form_of(built):
    return built.form if isinstance(built, django_filters.FilterSet) else built


FORM_PATHS = sorted(BUILDERS)


def test_every_form_has_a_property_test():
    found = project_forms()
    missing = sorted(set(found) - set(BUILDERS) - set(BASES))
    assert not missing, (
        "Forms without a property test: add a builder to BUILDERS in "
        f"{__name__} (with the keyword arguments their view passes): {missing}"
    )
    stale = sorted(set(BUILDERS) - set(found))
    assert not stale, f"BUILDERS names forms that no longer exist: {stale}"


def _check(build, data: dict, *, render: bool = True) -> None:
    """The property: a bool from is_valid, errors only on known fields, the page can be
    shown again with what was typed escaped."""
    built = build(query_dict(data))
    form = _form_of(built)
    valid = form.is_valid()
    assert isinstance(valid, bool)
    assert set(form.errors) <= set(form.fields) | {forms.forms.NON_FIELD_ERRORS}
    if isinstance(built, django_filters.FilterSet):
        # The list the page shows is built from it, valid or not.
        list(built.qs[:5])
    elif valid:
        assert isinstance(form.cleaned_data, dict)
    if render:
        html = str(form) + str(form.errors)
        assert XSS not in html


@pytest.mark.parametrize("path", FORM_PATHS)
def test_each_nasty_value_in_each_field(world, path):
    """Every value of the hostile list, alone and repeated, in every field: the sure part."""
    build = _builder(world, path)
    for name in _fields(_form_of(build(None))):
        for value in NASTY:
            for sent in (value, [value, value]):
                try:
                    # Rendering is slow: the markup is checked where there is markup.
                    _check(build, {name: sent}, render="<" in value)
                except Exception as error:
                    raise AssertionError(f"{path}: {name}={str(sent)[:80]!r}: {error!r}") from error


@pytest.mark.parametrize("path", FORM_PATHS)
def test_hostile_input_gives_a_form_error_never_an_exception(world, path):
    """Random mixes of hostile and real values over all fields: the search part."""
    build = _builder(world, path)
    fields = _fields(_form_of(build(None)))

    @FORMS
    @given(data=form_data(fields))
    def check(data):
        _check(build, data)

    check()


@pytest.mark.parametrize("path", ["volunteers.forms.VolunteerSkillsForm", "caregivers.broker_forms.IntakeForm"])
def test_an_id_beyond_64_bits_is_a_form_error(world, path):
    """Regression (issue #13): ``skills=99999999999999999999`` gave a 500 (OverflowError)."""
    form = _builder(world, path)(query_dict({"skills": "99999999999999999999"}))
    assert form.is_valid() is False
    assert "skills" in form.errors
