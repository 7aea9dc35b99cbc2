"""Two organisations with the same kinds of people and records, for the security tests
(``test_authorization_matrix.py``, ``test_hostile_posts.py``).

Organisation A and organisation B each get: a volunteer, a mantelzorger (with a person
cared for, a burden check-in and a respite request), a help seeker (with a request),
a broker, an organisation admin, a municipality viewer and a privacy officer; three matches (proposed,
accepted by the volunteer, active with hours), a batch run, e-mail link secrets, a
calendar feed and an unsubscribe token. Organisation A has a second volunteer,
mantelzorger and help seeker with the same records (``peer``), for "another person of
the same organisation". One superuser belongs to no organisation.

``world_build()`` writes it all through the project's factories; the module fixtures in
``conftest.py`` build it once per test module inside a transaction that is rolled back
at the end of the module, and every test runs in a savepoint inside it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.test import override_settings
from django.utils import timezone

# Every role the matrix knows, in the order the tests are listed.
ROLES = (
    "anonymous",
    "volunteer",
    "mantelzorger",
    "help_seeker",
    "broker",
    "org_admin",
    "municipality",
    "privacy_officer",
    # Works for a partner organisation of the centre (partners.PartnerMembership): not staff.
    "partner",
    "superuser",
)


@dataclass
class Side:
    """Everything of one organisation."""

    key: str  # "a" or "b"
    organisation: Any
    municipality: Any
    neighbourhood: Any
    users: dict[str, Any]
    volunteer: Any
    mantelzorger: Any
    care_recipient: Any
    carer_request: Any  # the mantelzorger's respite request (care data)
    seeker_request: Any  # the help seeker's request, matched
    open_request: Any  # the help seeker's second request, ready, with a proposal
    match_accepted: Any  # volunteer x carer_request, accepted by the volunteer
    match_active: Any  # volunteer x seeker_request, running, with hours
    match_proposed: Any  # volunteer x open_request, proposed (e-mail links)
    hours_entry: Any
    batch_run: Any  # finished, with a (empty) result
    running_run: Any  # still computing (its progress page)
    link_secrets: dict[str, str]  # purpose -> secret, for match_proposed
    feed_token: str  # the volunteer's calendar feed (the plain token; only its hash is stored)
    unsubscribe_token: str  # the volunteer's address, "proposals"
    partner: Any = None  # a partner organisation, with the "partner" user as its person
    vacancy: Any = None  # the partner's published vacancy
    response: Any = None  # the side's volunteer's response to it (new)
    webauthn_keys: dict[str, int] = field(default_factory=dict)  # role -> its user's security key
    signal: Any = None  # an open signal about someone (CareSignal)
    saved_filter: Any = None  # the side's broker's saved queue filter (SavedQueueFilter)
    activity: Any = None  # an open activity of the organisation (one place, taken)
    signup: Any = None  # the mantelzorger's place at it
    offer_token: str = ""  # the secret of the offer to the help seeker, next in line
    partner_activity: Any = None  # an open activity the partner posted itself
    partner_signup: Any = None  # the side's volunteer helping at it (confirmed)


@dataclass
class World:
    a: Side
    b: Side
    peer: Side  # other people (volunteer, mantelzorger, help seeker) of organisation A
    superuser: Any
    extra: dict = field(default_factory=dict)

    def user(self, role: str):
        """The logged-in user of ``role`` (in organisation A), or None for anonymous."""
        if role == "anonymous":
            return None
        if role == "superuser":
            return self.superuser
        return self.a.users[role]


def _side(key: str, *, skills, within: Side | None = None) -> Side:
    """One organisation's people and records; ``within``: other people of the same kinds
    in that side's organisation (its staff and batch runs are shared)."""
    from caregivers.models import BurdenCheckIn, CareRecipient, HelpRequest, RequestSlot
    from common.slots import parse_slots
    from demo.factories import (
        HelpRequestFactory,
        MantelzorgerFactory,
        MunicipalityFactory,
        NeighbourhoodFactory,
        OrganisationFactory,
        StaffMembershipFactory,
        UserFactory,
        VolunteerFactory,
    )
    from matches.calendar import calendar_feed_reset
    from matches.links import match_link_create
    from matches.models import BatchRun, HoursEntry, Match, MatchEvent, MatchLinkToken
    from neighbourhoods.models import StaffMembership
    from notifications.links import unsubscribe_token
    from volunteers.models import AvailabilitySlot

    upper = key.upper()
    lat, lon = (52.04, 5.67) if key == "b" else (51.98, 5.91)
    if within is None:
        municipality = MunicipalityFactory(name=f"Gemeente {upper}")
        area = NeighbourhoodFactory(municipality=municipality, name=f"Wijk {upper}", latitude=lat, longitude=lon)
        organisation = OrganisationFactory(slug=f"org-{key}", name=f"Centrale {upper}", municipalities=[municipality])
    else:
        municipality, area, organisation = within.municipality, within.neighbourhood, within.organisation
    users = {
        role: UserFactory(email=f"{role.replace('_', '-')}-{key}@example.nl", first_name=f"{role.title()} {upper}")
        for role in ROLES
        if role not in ("anonymous", "superuser")
    }
    located = {"latitude": lat, "longitude": lon, "neighbourhood": area, "place": municipality.name}

    volunteer = VolunteerFactory(
        user=users["volunteer"],
        organisation=organisation,
        first_name=f"Vera {upper}",
        max_active_matches=5,
        vog_valid_until=datetime.date(2040, 1, 1),
        email=users["volunteer"].email,
        **located,
    )
    AvailabilitySlot.objects.bulk_create(
        AvailabilitySlot(volunteer=volunteer, weekday=s.weekday, start=s.start, end=s.end)
        for s in parse_slots("tue 09:00-17:00")
    )
    volunteer.skills.set([skills["shopping"], skills["respite"]])

    mantelzorger = MantelzorgerFactory(
        user=users["mantelzorger"], organisation=organisation, first_name=f"Mark {upper}", **located
    )
    recipient = CareRecipient.objects.create(
        mantelzorger=mantelzorger,
        name=f"Oma {upper}",
        age_band=CareRecipient.AgeBand.ELDERLY,
        situation=CareRecipient.Situation.DEMENTIA,
        notes=f"Vertrouwelijk {upper}",
    )
    BurdenCheckIn.objects.create(mantelzorger=mantelzorger, score=8)

    def request(requester, status, kind, **fields):
        made = HelpRequestFactory(
            organisation=organisation,
            requester=requester,
            status=status,
            kind=kind,
            description=f"Omschrijving {upper} {kind}",
            requester_first_name=f"Vrager {upper}",
            **located,
            **fields,
        )
        RequestSlot.objects.bulk_create(
            RequestSlot(request=made, weekday=s.weekday, start=s.start, end=s.end)
            for s in parse_slots("tue 14:00-16:00")
        )
        return made

    carer_request = request(
        users["mantelzorger"],
        HelpRequest.Status.READY,
        HelpRequest.Kind.RESPITE,
        mantelzorger=mantelzorger,
        care_recipient=recipient,
    )
    seeker_request = request(users["help_seeker"], HelpRequest.Status.MATCHED, HelpRequest.Kind.PRACTICAL)
    open_request = request(users["help_seeker"], HelpRequest.Status.READY, HelpRequest.Kind.PRACTICAL)
    for made in (carer_request, seeker_request, open_request):
        made.skills.set([skills["shopping"]])

    broker = users["broker"] if within is None else within.users["broker"]
    now = timezone.now()

    def match(req, status, **values):
        made = Match.objects.create(
            organisation=organisation,
            request=req,
            volunteer=volunteer,
            status=status,
            proposed_by=broker,
            distance_km=1.0,
            **values,
        )
        MatchEvent.objects.create(match=made, from_status="", to_status=Match.Status.PROPOSED, by=broker)
        return made

    accepted = match(carer_request, Match.Status.ACCEPTED_BY_VOLUNTEER, accepted_at=now - datetime.timedelta(days=2))
    active = match(
        seeker_request,
        Match.Status.ACTIVE,
        accepted_at=now - datetime.timedelta(days=20),
        activated_at=now - datetime.timedelta(days=19),
    )
    proposed = match(open_request, Match.Status.PROPOSED)
    hours = HoursEntry.objects.create(
        match=active, date=timezone.localdate() - datetime.timedelta(days=3), hours=Decimal("2.00")
    )

    if within is None:
        StaffMembershipFactory(user=broker, organisation=organisation, role=StaffMembership.Role.BROKER)
        StaffMembershipFactory(user=users["org_admin"], organisation=organisation, role=StaffMembership.Role.ADMIN)
        StaffMembershipFactory(
            user=users["municipality"],
            organisation=organisation,
            role=StaffMembership.Role.MUNICIPALITY,
            municipality=municipality,
        )
        StaffMembershipFactory(
            user=users["privacy_officer"], organisation=organisation, role=StaffMembership.Role.PRIVACY_OFFICER
        )
        run = BatchRun.objects.create(
            organisation=organisation,
            started_by=broker,
            status=BatchRun.Status.DONE,
            progress=100,
            result={"organisation": organisation.slug, "proposals": [], "unmatched": [], "stats": {}},
            finished_at=now,
        )
        running = BatchRun.objects.create(
            organisation=organisation, started_by=broker, status=BatchRun.Status.RUNNING, progress=40
        )
    else:
        run, running = within.batch_run, within.running_run
    from caregivers.models import CareSignal

    signal = CareSignal.objects.create(
        organisation=organisation,
        source_kind=CareSignal.SourceKind.GP,
        source_name=f"Praktijk {upper}",
        first_name=f"Signaal {upper}",
        contact=f"signaal-{key}@example.nl",
        place=municipality.name,
        neighbourhood=area,
        noticed=f"Opgevallen {upper}",
        consent_given=True,
        consent_how=CareSignal.ConsentHow.VERBAL,
        consent_at=now,
        entered_by=broker,
    )
    partner, vacancy, response = _partner_side(upper, organisation, users["partner"], volunteer, located, skills)
    from caregivers.models import SavedQueueFilter

    saved_filter = SavedQueueFilter.objects.create(
        user=broker, organisation=organisation, name=f"Filter {upper}", query="tab=all"
    )
    activity, signup, offer_token = _activity_side(upper, organisation, broker, mantelzorger, users, located)
    partner_activity, partner_signup = _partner_activity_side(upper, partner, users["partner"], volunteer, located)
    return Side(
        partner_activity=partner_activity,
        partner_signup=partner_signup,
        saved_filter=saved_filter,
        activity=activity,
        signup=signup,
        offer_token=offer_token,
        signal=signal,
        key=key,
        organisation=organisation,
        municipality=municipality,
        neighbourhood=area,
        users=users,
        volunteer=volunteer,
        mantelzorger=mantelzorger,
        care_recipient=recipient,
        carer_request=carer_request,
        seeker_request=seeker_request,
        open_request=open_request,
        match_accepted=accepted,
        match_active=active,
        match_proposed=proposed,
        hours_entry=hours,
        batch_run=run,
        running_run=running,
        link_secrets={p: match_link_create(match=proposed, purpose=p) for p in MatchLinkToken.Purpose.values},
        feed_token=calendar_feed_reset(user=users["volunteer"])[1],
        unsubscribe_token=unsubscribe_token(users["volunteer"].email, "proposals"),
        partner=partner,
        vacancy=vacancy,
        response=response,
    )


def _partner_side(upper: str, organisation, user, volunteer, located: dict, skills):
    """A partner of the organisation with ``user`` as its person, a published vacancy and
    a new response from the side's volunteer."""
    from django.utils import timezone

    from partners.models import Partner, PartnerMembership, Response, Vacancy, VacancySlot

    partner = Partner.objects.create(organisation=organisation, name=f"Partner {upper}", kind="food_bank")
    PartnerMembership.objects.create(partner=partner, user=user)
    vacancy = Vacancy.objects.create(
        partner=partner,
        title=f"Vacature {upper}",
        description=f"Werk bij partner {upper}",
        when=Vacancy.When.WEEKLY,
        status=Vacancy.Status.PUBLISHED,
        published_at=timezone.now(),
        postcode="",
        latitude=located["latitude"],
        longitude=located["longitude"],
        place=located["place"],
    )
    vacancy.skills.set([skills["shopping"]])
    VacancySlot.objects.create(vacancy=vacancy, weekday=1, start=datetime.time(14), end=datetime.time(16))
    response = Response.objects.create(vacancy=vacancy, volunteer=volunteer, note=f"Reactie van vrijwilliger {upper}")
    return partner, vacancy, response


def _partner_activity_side(upper: str, partner, user, volunteer, located: dict):
    """An open activity the partner posted itself, with the volunteer helping at it."""
    from django.utils import timezone

    from activities.models import Activity, ActivitySlot, SignUp

    activity = Activity.objects.create(
        organisation=partner.organisation,
        partner=partner,
        by_partner=True,
        title=f"Activiteit van partner {upper}",
        description=f"Samen sporten bij {upper}",
        kind=Activity.Kind.OTHER,
        schedule=Activity.Schedule.WEEKLY,
        until=timezone.localdate() + datetime.timedelta(days=60),
        participant_places=5,
        volunteer_places=2,
        place=located["place"],
        latitude=located["latitude"],
        longitude=located["longitude"],
        created_by=user,
    )
    ActivitySlot.objects.create(activity=activity, weekday=3, start=datetime.time(10), end=datetime.time(12))
    signup = SignUp.objects.create(
        activity=activity,
        role=SignUp.Role.HELPER,
        user=volunteer.user,
        volunteer=volunteer,
        status=SignUp.Status.CONFIRMED,
        confirmed_at=timezone.now(),
    )
    return activity, signup


def _activity_side(upper: str, organisation, broker, mantelzorger, users, located: dict):
    """An open activity with one place, taken by the mantelzorger; the help seeker was
    next in line and holds an offer (its secret, as the offer mail has it)."""
    from django.utils import timezone

    from activities.models import OFFER_HOURS, Activity, ActivitySlot, SignUp
    from activities.services import token_hash

    now = timezone.now()
    activity = Activity.objects.create(
        organisation=organisation,
        title=f"Activiteit {upper}",
        description=f"Samen eten bij {upper}",
        kind=Activity.Kind.MEAL,
        schedule=Activity.Schedule.WEEKLY,
        until=timezone.localdate() + datetime.timedelta(days=60),
        participant_places=2,
        volunteer_places=1,
        place=located["place"],
        latitude=located["latitude"],
        longitude=located["longitude"],
        created_by=broker,
    )
    ActivitySlot.objects.create(activity=activity, weekday=2, start=datetime.time(17), end=datetime.time(19))
    signup = SignUp.objects.create(
        activity=activity,
        role=SignUp.Role.PARTICIPANT,
        user=mantelzorger.user,
        mantelzorger=mantelzorger,
        status=SignUp.Status.CONFIRMED,
        confirmed_at=now,
    )
    token = f"offer-{upper.lower()}-{'x' * 20}"
    SignUp.objects.create(
        activity=activity,
        role=SignUp.Role.PARTICIPANT,
        user=users["help_seeker"],
        status=SignUp.Status.OFFERED,
        offer_token_hash=token_hash(token),
        offered_at=now,
        offer_expires_at=now + datetime.timedelta(hours=OFFER_HOURS),
    )
    return activity, signup, token


# The smallest valid PNG (1 x 1, transparent): the organisation logo the staff pages show.
PNG_1X1 = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c63000100000500010d0a2db40000000049454e44ae426082"
)


def _give_logo(organisation) -> None:
    from django.core.files.base import ContentFile

    organisation.logo.save(f"{organisation.slug}.png", ContentFile(PNG_1X1), save=True)


def world_build() -> World:
    from accounts.models import User
    from neighbourhoods.models import Skill
    from neighbourhoods.services import skills_ensure_defaults

    # The default hasher would spend seconds on the passwords of twenty users.
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        skills_ensure_defaults()
        skills = {s.code: s for s in Skill.objects.filter(organisation=None)}
        a = _side("a", skills=skills)
        b = _side("b", skills=skills)
        peer = _side("a2", skills=skills, within=a)
        for side in (a, b):
            _give_logo(side.organisation)
        superuser = User.objects.create_superuser(email="root@example.nl", password="x-Very-secret-1")
        _second_steps(a, b, peer, superuser)
        # The superuser belongs to no side: in B and peer scope they get someone else's key.
        a.webauthn_keys = _keys({**a.users, "superuser": superuser})
        for side in (b, peer):
            side.webauthn_keys = _keys({**side.users, "superuser": side.users["broker"]})
    return World(a=a, b=b, peer=peer, superuser=superuser)


def _second_steps(*sides_and_users) -> None:
    """Every user gets a security key (WebAuthn; the owner-only key pages); staff, who log
    in with two steps (``tests.login.log_in``), an app (TOTP) first, once, so that logging
    in during a test writes nothing (and a refused request's write count starts from a
    quiet session)."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP

    from accounts.two_step import SECOND_STEP_TYPES, two_step_required
    from tests.login import TEST_TOTP_SECRET

    users = []
    for item in sides_and_users:
        users.extend(item.users.values() if isinstance(item, Side) else [item])
    for user in {u.pk: u for u in users}.values():
        if two_step_required(user) and not Authenticator.objects.filter(user=user, type__in=SECOND_STEP_TYPES).exists():
            TOTP.activate(user, TEST_TOTP_SECRET)
        if not Authenticator.objects.filter(user=user, type=Authenticator.Type.WEBAUTHN).exists():
            Authenticator.objects.create(
                user=user,
                type=Authenticator.Type.WEBAUTHN,
                data={"name": "Sleutel", "credential": _security_key_credential()},
            )


def _keys(users: dict) -> dict[str, int]:
    from allauth.mfa.models import Authenticator

    return {
        role: Authenticator.objects.filter(user=user, type=Authenticator.Type.WEBAUTHN).values_list("pk", flat=True)[0]
        for role, user in users.items()
    }


def _security_key_credential() -> dict:
    """A security key's registration as the browser sends it (what allauth stores): a
    fresh P-256 key pair with a "none" attestation, made with fido2 (allauth's own
    WebAuthn library), so that every page that reads the key (the list, the second step
    with a key) works as with a real one."""
    import hashlib
    import json
    import os

    from cryptography.hazmat.primitives.asymmetric import ec
    from fido2.cose import ES256
    from fido2.webauthn import (
        AttestationObject,
        AttestedCredentialData,
        AuthenticatorAttestationResponse,
        AuthenticatorData,
        CollectedClientData,
        RegistrationResponse,
    )

    credential_id = os.urandom(16)
    public_key = ES256.from_cryptography_key(ec.generate_private_key(ec.SECP256R1()).public_key())
    auth_data = AuthenticatorData.create(
        hashlib.sha256(b"testserver").digest(),
        AuthenticatorData.FLAG.UP | AuthenticatorData.FLAG.AT,
        0,
        AttestedCredentialData.create(b"\0" * 16, credential_id, public_key),
    )
    response = RegistrationResponse(
        raw_id=credential_id,
        response=AuthenticatorAttestationResponse(
            client_data=CollectedClientData.create(
                type="webauthn.create", challenge=os.urandom(16), origin="http://testserver"
            ),
            attestation_object=AttestationObject.create("none", auth_data, {}),
        ),
    )
    return json.loads(json.dumps(dict(response)))
