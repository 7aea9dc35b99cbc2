"""Asking for help without an account (issue #18): the public form's request, and
linking it later to the person's account.

Many who need a hand (an older neighbour, someone without e-mail) will not make an
account first. They leave a name, a phone number or e-mail address, the address and
what is needed; the request lands in the queue of the organisation that serves the
postcode as "new", marked ``HelpRequest.Source.WEB_NO_ACCOUNT``, and the broker calls
back. Nothing is shown back to the visitor, and no IP address is stored (the view's
rate limits count in the cache only).

Claiming it later: when an account exists whose *verified* e-mail address is the one
given on the form, a broker of the organisation may link the request to that account
from the request page (``request_account_link``), after checking it on the phone. A
mailed claim link was the alternative; the broker's action needs no token table, no
mail from an anonymous form (which could be used to send mail to strangers) and keeps a
person in the loop."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from caregivers.models import HelpRequest, RequestEvent
from caregivers.services import DESCRIPTION_MAX, _default_skill, _is_broker, _neighbourhood_in, _text
from common.errors import DomainError
from common.phone import dutch_phone
from neighbourhoods.geocoding import GeocodeResult
from neighbourhoods.selectors import serving_area

NAME_MAX = 100
CALL_TIME_MAX = 100
WEB_NO_ACCOUNT = HelpRequest.Source.WEB_NO_ACCOUNT


def _too_long(limit: int, count: int) -> str:
    return _("Schrijf hoogstens %(limit)s tekens. Nu zijn het er %(count)s.") % {"limit": limit, "count": count}


def _name(value: str, *, field: str, missing: str) -> str:
    name = " ".join((value or "").split())
    if not name:
        raise DomainError(missing, field=field)
    if len(name) > NAME_MAX:
        raise DomainError(_too_long(NAME_MAX, len(name)), field=field)
    return name


def contact_check(*, phone: str, email: str) -> tuple[str, str]:
    """A Dutch phone number (national form) and/or an e-mail address: at least one."""
    phone, email = (phone or "").strip(), (email or "").strip()
    if not phone and not email:
        raise DomainError(_("Vul een telefoonnummer of een e-mailadres in. Dan kunnen we u bereiken."), field="phone")
    national = ""
    if phone:
        national = dutch_phone(phone) or ""
        if not national:
            raise DomainError(
                _("Vul een Nederlands telefoonnummer in van 10 cijfers, bijvoorbeeld 06 12345678 of 026 123 45 67."),
                field="phone",
            )
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise DomainError(
                _("Vul een geldig e-mailadres in, bijvoorbeeld naam@voorbeeld.nl."), field="email"
            ) from None
        if len(email) > 254:
            raise DomainError(_too_long(254, len(email)), field="email")
    return national, email


def request_without_account_submit(
    *,
    location: GeocodeResult,
    postcode: str,
    house_number: str,
    kind: str,
    skill_code: str | None,
    first_name: str,
    phone: str = "",
    email: str = "",
    description: str = "",
    call_time: str = "",
    contact_name: str = "",
) -> HelpRequest:
    """Store a request from the public form in the queue of the organisation that
    serves ``location``: status new, source "via de website, zonder account", no
    account, no times (the broker asks at intake).

    ``first_name`` is who gets the help; ``contact_name`` (asking for someone else) is
    who asked, and then the phone and e-mail are theirs. DomainError fields: postcode
    (no organisation works there), kind, first_name, contact_name, phone, email,
    description, call_time. Nothing is stored on an error."""
    if kind not in HelpRequest.Kind.values:
        raise DomainError(_("Kies waarbij u hulp zoekt."), field="kind")
    first = _name(first_name, field="first_name", missing=_("Vul de voornaam in van wie de hulp krijgt."))
    asked_by = ""
    if contact_name:
        asked_by = _name(contact_name, field="contact_name", missing=_("Vul uw eigen naam in."))
    national, email = contact_check(phone=phone, email=email)
    description = _text(
        description,
        limit=DESCRIPTION_MAX,
        field="description",
        message=_("Schrijf hoogstens %(limit)s tekens. Nu zijn het er %(count)s."),
    )
    if not description:
        raise DomainError(_("Vertel kort wat er nodig is."), field="description")
    call_time = " ".join((call_time or "").split())
    if len(call_time) > CALL_TIME_MAX:
        raise DomainError(_too_long(CALL_TIME_MAX, len(call_time)), field="call_time")
    area = serving_area(location=location, postcode=postcode)
    organisation = area.organisation
    neighbourhood = _neighbourhood_in(organisation=organisation, location=location) or area.neighbourhood
    skills = [_default_skill(skill_code)] if skill_code else []
    if kind == HelpRequest.Kind.RESPITE and not skill_code:
        skills = [_default_skill("respite")]
    now = timezone.now()
    with transaction.atomic():
        help_request = HelpRequest.objects.create(
            organisation=organisation,
            requester_first_name=first,
            email=email,
            phone=national,
            kind=kind,
            status=HelpRequest.Status.NEW,
            source=WEB_NO_ACCOUNT,
            contact_name=asked_by,
            call_time=call_time,
            description=description,
            recurring=False,
            status_changed_at=now,
            postcode=postcode or (location.postcode or ""),
            house_number=(house_number or "").strip(),
            place=location.place or "",
            latitude=location.point.lat,
            longitude=location.point.lon,
            neighbourhood=neighbourhood,
        )
        if skills:
            help_request.skills.set(skills)
        RequestEvent.objects.create(
            request=help_request,
            from_status="",
            to_status=HelpRequest.Status.NEW,
            by=None,
            code=RequestEvent.Code.ASKED_WITHOUT_ACCOUNT,
        )
    return help_request


def account_to_link(help_request: HelpRequest):
    """The account a broker may link this request to: a request from the public form
    without an account yet, whose e-mail address is an account's verified address.
    None otherwise."""
    if help_request.source != WEB_NO_ACCOUNT or help_request.requester_id is not None or not help_request.email:
        return None
    from allauth.account.models import EmailAddress

    address = (
        EmailAddress.objects.filter(email__iexact=help_request.email, verified=True, user__is_active=True)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return address.user if address is not None else None


def request_account_link(*, request: HelpRequest, by):
    """A broker links a request from the public form to the account with the same
    verified e-mail address; from then on the person follows it under "Mijn
    hulpvragen". Only a broker of the organisation, only once. Returns the account."""
    if not _is_broker(by, request.organisation):
        raise DomainError(_("Alleen een makelaar van deze organisatie kan een vraag aan een account koppelen."))
    user = account_to_link(request)
    if user is None:
        raise DomainError(
            _("Er is geen account met een bevestigd e-mailadres dat hoort bij deze vraag, of de vraag is al gekoppeld.")
        )
    with transaction.atomic():
        # One conditional update: two brokers clicking at once link it once.
        linked = HelpRequest.objects.filter(pk=request.pk, requester__isnull=True).update(
            requester=user, updated_at=timezone.now()
        )
        if not linked:
            raise DomainError(_("Deze vraag is al aan een account gekoppeld."))
        RequestEvent.objects.create(
            request=request,
            from_status=request.status,
            to_status=request.status,
            by=by,
            code=RequestEvent.Code.LINKED_TO_ACCOUNT,
        )
    request.requester = user
    return user
