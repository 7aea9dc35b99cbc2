"""Which models hold something about a person, and whether the export covers each.

A model that points at a person (the user, a volunteer, a mantelzorger or a help
request) must be in an export source (``accounts.personal_data.export_source``) or
below in :data:`NOT_EXPORTED`, with the reason. ``tests/privacy/test_registry.py``
fails on any other, so that a new model cannot be left out of "Mijn gegevens" (and
of erasure) without a decision."""

from __future__ import annotations

from django.apps import apps
from django.conf import settings

PERSON_MODELS = {
    settings.AUTH_USER_MODEL.lower(),
    "volunteers.volunteer",
    "caregivers.mantelzorger",
    "caregivers.helprequest",
}

NOT_EXPORTED: dict[str, str] = {
    # The Django admin's change history of superusers: not about the person as such;
    # erasure blanks the names of the person's objects in it (privacy.services).
    "admin.LogEntry": "admin history; names blanked on erasure",
    # A single-use link in an e-mail: only a hash of a secret and its expiry.
    "matches.MatchLinkToken": "hash of a link secret, nothing personal",
    # The access log of care data (issue #13, another branch): who read a file. Kept
    # by law for the person's protection, never cascaded; the person sees it on their
    # own page, not in this export.
    "audit.AccessLogEntry": "access log, shown on the person's own page",
    # Login factors (django-allauth mfa, if installed): secrets, never exported; they
    # go with the login.
    "mfa.Authenticator": "login secrets; deleted with the account",
    "usersessions.UserSession": "login sessions; deleted with the account",
    # The organisation's settings history (neighbourhoods.OrganisationChange): which admin
    # changed which setting. The organisation's record, not the person's; the link to the
    # account is cleared when the account is deleted (SET_NULL).
    "neighbourhoods.OrganisationChange": "the organisation's settings history; account link cleared on deletion",
    # A pair a broker rejected in a koppelronde: two ids and the broker, nothing about
    # the person; deleted with the request or the volunteer (CASCADE).
    "matches.BatchRejection": "a broker's decision about a pair, ids only; deleted with the request or volunteer",
    # A partner's vacancy (partners.Vacancy): the partner's own text, organisation data.
    # Who wrote or approved it is cleared when that account is deleted (SET_NULL).
    "partners.Vacancy": "a partner organisation's vacancy; account links cleared on deletion",
    # An activity (activities.Activity): the centre's own text; created_by is the staff
    # member who made it, an account link that is cleared when the account goes.
    "activities.Activity": "an activity of the centre, organisation data; account link cleared on deletion",
    # An API token of the organisation (api.ApiToken): who made it, for the access log of
    # the calls made with it; the link is cleared when the account is deleted (SET_NULL).
    "api.ApiToken": "the organisation's API token; account link cleared on deletion",
    # A webhook of the organisation (api.WebhookSubscription): which admin made it.
    "api.WebhookSubscription": "the organisation's webhook; account link cleared on deletion",
    # The organisation's texts about support for carers: who last edited them (SET_NULL).
    "caregivers.CarerSupport": "the organisation's texts for carers; account link cleared on deletion",
}


def uncovered_person_models(covered: set[str]) -> list[str]:
    """``app_label.ModelName`` of every model with a foreign key (or one-to-one) to a
    person that is neither in ``covered`` nor in :data:`NOT_EXPORTED`."""
    known = {name.lower() for name in covered} | {name.lower() for name in NOT_EXPORTED}
    missing = []
    for model in apps.get_models():
        label = model._meta.label
        if label.lower() in known:
            continue
        for field in model._meta.concrete_fields:
            related = getattr(field, "related_model", None)
            if field.is_relation and related is not None and related._meta.label_lower in PERSON_MODELS:
                missing.append(label)
                break
    return sorted(missing)
