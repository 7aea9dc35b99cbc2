"""Builders for the retention tests: records with their dates set in the past relative
to a fixed :data:`NOW` (the services take ``now`` explicitly: time travel without
freezing the clock). ``ago(months=24, days=1)`` is one day beyond two years.

And, for the export and erasure tests (``scene`` and the ``*_person`` fixtures): rich
data for each kind of person, with values that appear nowhere else, so that a scan of
the whole database (:func:`scan`) can show they are gone after erasure."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps
from django.db import connection

from audit.models import AccessLogEntry
from audit.services import access_append, access_record
from caregivers.access import mantelzorger_subject
from caregivers.models import (
    BurdenCheckIn,
    CareRecipient,
    CareSignal,
    HelpRequest,
    Mantelzorger,
    NetworkMember,
    RequestEvent,
)
from demo.factories import HelpRequestFactory, StaffMembershipFactory, UserFactory, VolunteerFactory
from matches.lifecycle import match_accept, match_activate
from matches.models import CalendarFeed, Evaluation, HoursEntry, Match, MatchEvent
from neighbourhoods.models import StaffMembership
from notifications.services import preferences_update
from privacy.schedule import months_before
from volunteers.models import AvailabilitySlot, VogCheck

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
NOW = datetime.datetime(2030, 6, 3, 10, 0, tzinfo=AMSTERDAM)


def ago(*, months: int = 0, days: int = 0) -> datetime.datetime:
    return months_before(NOW, months) - datetime.timedelta(days=days)


class Builder:
    def __init__(self, region):
        self.region = region
        self.org = region["org_a"]
        self.area = region["areas"]["Arnhem"]
        self.counter = 0

    def _n(self) -> int:
        self.counter += 1
        return self.counter

    def user(self, *, last_login=None, joined=None, **fields):
        from demo.factories import UserFactory

        user = UserFactory(**fields)
        type(user).objects.filter(pk=user.pk).update(
            last_login=last_login, date_joined=joined or last_login or ago(months=120)
        )
        user.refresh_from_db()
        return user

    def mantelzorger(self, *, created=None, org=None, **fields):
        from caregivers.models import CareRecipient, Mantelzorger
        from demo.factories import MantelzorgerFactory

        fields.setdefault("email", f"mz{self._n()}@example.nl")
        fields.setdefault("phone", "06-12345678")
        fields.setdefault("neighbourhood", self.area)
        mz = MantelzorgerFactory(organisation=org or self.org, care_hours_per_week=20, **fields)
        CareRecipient.objects.create(
            mantelzorger=mz, name="Opa Henk", age_band="80+", situation="dementia", notes="Vergeetachtig"
        )
        Mantelzorger.objects.filter(pk=mz.pk).update(created_at=created or ago(months=120))
        mz.refresh_from_db()
        return mz

    def request(self, *, status="closed", closed=None, created=None, org=None, mantelzorger=None, **fields):
        from caregivers.models import HelpRequest, RequestDate, RequestEvent, RequestSlot
        from demo.factories import HelpRequestFactory

        fields.setdefault("email", f"vraag{self._n()}@example.nl")
        fields.setdefault("phone", "06-87654321")
        fields.setdefault("description", "Boodschappen, mijn man heeft dementie")
        fields.setdefault("question_behind", "Eenzaam")
        fields.setdefault("own_strength", "Dochter woont ver weg")
        fields.setdefault("neighbourhood", self.area)
        request = HelpRequestFactory(
            organisation=org or self.org,
            status=status,
            mantelzorger=mantelzorger,
            care_recipient=mantelzorger.care_recipients.first() if mantelzorger else None,
            **fields,
        )
        RequestSlot.objects.create(request=request, weekday=1, start=datetime.time(14), end=datetime.time(16))
        RequestDate.objects.create(
            request=request, date=datetime.date(2020, 1, 2), start=datetime.time(9), end=datetime.time(10)
        )
        RequestEvent.objects.create(request=request, to_status="new", note="Belde zelf, huilde")
        created = created or (closed or ago(months=1)) - datetime.timedelta(days=30)
        RequestEvent.objects.filter(request=request).update(at=created)
        HelpRequest.objects.filter(pk=request.pk).update(
            created_at=created, status_changed_at=closed, updated_at=closed or created
        )
        request.refresh_from_db()
        return request

    def volunteer(self, *, user=None, org=None, **fields):
        from demo.factories import VolunteerFactory

        fields.setdefault("neighbourhood", self.area)
        return VolunteerFactory(organisation=org or self.org, user=user, **fields)

    def match(self, *, request, volunteer, status="ended", ended=None, activated=None, evaluation=True):
        from matches.models import Evaluation, HoursEntry, Match, MatchEvent, MatchLinkToken

        ended = ended or ago(months=1)
        activated = activated or ended - datetime.timedelta(days=60)
        match = Match.objects.create(
            organisation=request.organisation,
            request=request,
            volunteer=volunteer,
            status=status,
            distance_km=1.3,
            reasons=[{"code": "distance", "km": 1.3}],
            accepted_at=activated - datetime.timedelta(days=2),
            activated_at=activated,
            ended_at=ended,
        )
        Match.objects.filter(pk=match.pk).update(created_at=activated, updated_at=ended)
        MatchEvent.objects.create(match=match, to_status=status, note="Klikte goed met mevrouw Jansen")
        MatchLinkToken.objects.create(
            match=match, purpose="accept", token_hash=f"h{match.pk}x{self._n()}", expires_at=activated
        )
        if evaluation and status == "ended":
            Evaluation.objects.create(match=match, goal_reached="yes", next_step="close", note="Mevrouw was blij")
        HoursEntry.objects.create(
            match=match, date=activated.date(), hours=Decimal("2.5"), note="Naar de dokter", approved_at=activated
        )
        match.refresh_from_db()
        return match


@pytest.fixture
def build(region):
    return Builder(region)


# --- Export and erasure -----------------------------------------------------------------

PASSWORD = "geheim-wachtwoord-123"
# The month the history is built in (the erasure happens later, "now").
BUILT_AT = datetime.datetime(2026, 10, 14, 10, 0, tzinfo=datetime.UTC)

TEXT_TYPES = {
    "CharField",
    "TextField",
    "EmailField",
    "SlugField",
    "URLField",
    "JSONField",
    "FilePathField",
    "GenericIPAddressField",
}


@dataclass
class Person:
    kind: str
    user: Any
    first_name: str
    last_name: str
    email: str
    phone: str
    postcode: str
    # The other side of an open match, who must be told.
    other_email: str = ""
    open_match_ids: list[int] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def values(self) -> list[str]:
        """The four values that must be gone (name as first and last, the phone's
        digits, the postcode with and without its space)."""
        digits = "".join(c for c in self.phone if c.isdigit())
        return [
            self.first_name,
            self.last_name,
            self.email,
            self.phone,
            digits,
            self.postcode,
            self.postcode.replace(" ", ""),
        ]


def text_columns() -> list[tuple[str, str]]:
    """(table, column) of every text-like column of every model, also the
    auto-created many-to-many tables and the apps of others (allauth, admin, sessions)."""
    columns = []
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy or not model._meta.managed:
            continue
        for f in model._meta.concrete_fields:
            if f.get_internal_type() in TEXT_TYPES:
                columns.append((model._meta.db_table, f.column))
    return sorted(set(columns))


def log_read(carer, *, by) -> AccessLogEntry:
    """An access-log row: ``by`` opened ``carer``'s care file."""
    return access_record(
        request=None, subject=mantelzorger_subject(carer), what=AccessLogEntry.What.REQUEST_DETAIL, user=by
    )


def log_read_at(carer, at) -> AccessLogEntry:
    """An access-log row about ``carer``'s care file written at ``at`` (rows are a chain:
    write them oldest first)."""
    subject = mantelzorger_subject(carer)
    fields = {
        "actor_key": "",
        "actor_label": "",
        "actor_role": "broker",
        "organisation_id": subject.organisation_id,
        "subject_key": subject.key,
        "subject_mantelzorger_id": subject.mantelzorger_id,
        "subject_user_id": None,
        "subject_request_id": None,
        "what": AccessLogEntry.What.REQUEST_DETAIL,
        "object_ref": "",
        "client_ip": "",
        "user_agent": "",
    }
    return access_append(at=at, rows=[fields])[0]


# The access log keeps who read a care file, also after that staff member's account is
# erased (NEN 7513; AVG art. 17(3)(b): a legal obligation). That frozen actor column is
# the one place a name may stay; it holds the reader, never the person read about.
SCAN_EXEMPT = {("audit_accesslogentry", "actor_label")}


def scan(values: list[str]) -> list[tuple[str, str, str]]:
    """Where any of ``values`` still appears: (table, column, value)."""
    found = []
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table, column in text_columns():
            if (table, column) in SCAN_EXEMPT:
                continue
            for value in values:
                cursor.execute(
                    f"SELECT COUNT(*) FROM {quote(table)} WHERE LOWER(CAST({quote(column)} AS TEXT)) LIKE %s",
                    [f"%{value.lower()}%"],
                )
                if cursor.fetchone()[0]:
                    found.append((table, column, value))
    return found


@dataclass
class Scene:
    region: dict
    org: Any
    broker: Any
    admin: Any
    other_volunteer_user: Any
    other_volunteer: Any
    other_requester: Any
    other_request: Any


@pytest.fixture
def scene(region):
    org = region["org_a"]
    broker = UserFactory(email="bea@example.nl", first_name="Bea", last_name="Makelaar")
    StaffMembershipFactory(user=broker, organisation=org, role=StaffMembership.Role.BROKER)
    admin = UserFactory(email="ada@example.nl", first_name="Ada", last_name="Beheer")
    StaffMembershipFactory(user=admin, organisation=org, role=StaffMembership.Role.ADMIN)
    other_user = UserFactory(email="otto@example.nl", first_name="Otto", last_name="Ander")
    other_volunteer = VolunteerFactory(
        user=other_user,
        organisation=org,
        first_name="Otto",
        last_name="Ander",
        email="otto@example.nl",
        max_active_matches=5,
        neighbourhood=region["areas"]["Arnhem"],
    )
    other_requester = UserFactory(email="rita@example.nl", first_name="Rita", last_name="Anders")
    other_request = HelpRequestFactory(
        organisation=org,
        requester=other_requester,
        requester_first_name="Rita",
        requester_last_name="Anders",
        status=HelpRequest.Status.READY,
        neighbourhood=region["areas"]["Arnhem"],
    )
    return Scene(region, org, broker, admin, other_user, other_volunteer, other_requester, other_request)


def _running(scene: Scene, *, request, volunteer, by_requester) -> Match:
    """A match that went through the real steps (proposed, yes, started), with its mails."""
    match = Match.objects.create(organisation=scene.org, request=request, volunteer=volunteer, proposed_by=scene.broker)
    match_accept(match=match, by=scene.broker)
    match_activate(match=match, by=by_requester or scene.broker)
    return match


def _hours(match: Match, *, note: str, approved_by) -> HoursEntry:
    return HoursEntry.objects.create(
        match=match,
        date=BUILT_AT.date(),
        hours=Decimal("2.5"),
        note=note,
        approved_by=approved_by,
        approved_at=BUILT_AT,
    )


@pytest.fixture
def volunteer_person(scene) -> Person:
    p = Person("volunteer", None, "Zwaantje", "Quaquebeke", "zwaantje.q@voorbeeld.test", "06-98765432", "6829 QQ")
    with time_machine.travel(BUILT_AT, tick=False):
        p.user = UserFactory(email=p.email, first_name=p.first_name, last_name=p.last_name)
        volunteer = VolunteerFactory(
            user=p.user,
            organisation=scene.org,
            first_name=p.first_name,
            last_name=p.last_name,
            email=p.email,
            phone=p.phone,
            postcode=p.postcode,
            max_active_matches=5,
            neighbourhood=scene.region["areas"]["Velp"],
        )
        AvailabilitySlot.objects.create(volunteer=volunteer, weekday=1, start=datetime.time(9), end=datetime.time(12))
        VogCheck.objects.create(volunteer=volunteer, status="valid", note=f"VOG van {p.first_name} {p.last_name}")
        running = _running(scene, request=scene.other_request, volunteer=volunteer, by_requester=scene.other_requester)
        _hours(running, note=f"{p.first_name} deed boodschappen", approved_by=scene.broker)
        ended_request = HelpRequestFactory(organisation=scene.org, status=HelpRequest.Status.CLOSED)
        ended = Match.objects.create(
            organisation=scene.org, request=ended_request, volunteer=volunteer, status=Match.Status.ENDED
        )
        Evaluation.objects.create(
            match=ended, goal_reached="yes", next_step="close", note=f"{p.first_name} was top", by=scene.broker
        )
        MatchEvent.objects.create(match=ended, from_status="active", to_status="ended", note=f"bel {p.phone}")
        CalendarFeed.objects.create(user=p.user, token_hash="a" * 64)
        preferences_update(email=p.email, values={"reminders": False})
        vacancy_response = _vacancy_response(scene, volunteer, note=f"{p.first_name} {p.last_name}, bel {p.phone}")
    p.other_email = "rita@example.nl"
    p.open_match_ids = [running.pk]
    p.extra = {"volunteer": volunteer, "vacancy_response": vacancy_response}
    return p


def _vacancy_response(scene: Scene, volunteer, *, note: str):
    """The volunteer responded to a partner's vacancy and was accepted (with the mail)."""
    from demo.factories import UserFactory
    from partners.models import Partner, PartnerMembership, Response, Vacancy
    from partners.services import response_decide

    partner = Partner.objects.create(organisation=scene.org, name="Voedselbank", kind="food_bank")
    partner_user = UserFactory(email="pim@voedselbank.example")
    PartnerMembership.objects.create(partner=partner, user=partner_user)
    vacancy = Vacancy.objects.create(
        partner=partner,
        title="Pakketten rondbrengen",
        description="Met de bakfiets",
        status=Vacancy.Status.PUBLISHED,
        published_at=BUILT_AT,
        from_home=True,
    )
    response = Response.objects.create(vacancy=vacancy, volunteer=volunteer, note=note)
    return response_decide(response=response, by=partner_user, accept=True)


@pytest.fixture
def mantelzorger_person(scene) -> Person:
    p = Person("mantelzorger", None, "Wobkje", "Ypmadijkstra", "wobkje.y@voorbeeld.test", "06-11122233", "6831 WW")
    with time_machine.travel(BUILT_AT, tick=False):
        p.user = UserFactory(email=p.email, first_name=p.first_name, last_name=p.last_name)
        carer = Mantelzorger.objects.create(
            organisation=scene.org,
            user=p.user,
            first_name=p.first_name,
            last_name=p.last_name,
            email=p.email,
            phone=p.phone,
            postcode=p.postcode,
            house_number="9",
            place="Velp",
            relation=Mantelzorger.Relation.PARENT,
            care_hours_per_week=30,
            neighbourhood=scene.region["areas"]["Velp"],
        )
        recipient = CareRecipient.objects.create(
            mantelzorger=carer,
            name="Moeder",
            age_band="80+",
            situation="dementia",
            notes=f"Bel {p.first_name} {p.last_name} op {p.phone}",
        )
        BurdenCheckIn.objects.create(mantelzorger=carer, score=8, sleeps_badly=True)
        BurdenCheckIn.objects.create(mantelzorger=carer, score=6)
        request = HelpRequestFactory(
            organisation=scene.org,
            requester=p.user,
            mantelzorger=carer,
            care_recipient=recipient,
            kind=HelpRequest.Kind.RESPITE,
            requester_first_name=p.first_name,
            requester_last_name=p.last_name,
            email=p.email,
            phone=p.phone,
            postcode=p.postcode,
            description=f"{p.first_name} wil dinsdag even rust",
            question_behind=f"{p.last_name} is moe",
            status=HelpRequest.Status.READY,
            neighbourhood=scene.region["areas"]["Velp"],
        )
        RequestEvent.objects.create(request=request, from_status="", to_status="new", note=f"gebeld: {p.phone}")
        # The GP's signal that became this request (erased with it).
        CareSignal.objects.create(
            organisation=scene.org,
            source_kind=CareSignal.SourceKind.GP,
            source_name=f"Praktijk van dokter {p.last_name}",
            first_name=p.first_name,
            contact=p.phone,
            postcode=p.postcode,
            place="Velp",
            noticed=f"{p.first_name} {p.last_name} redt het niet meer",
            about_carer=True,
            consent_given=True,
            consent_how=CareSignal.ConsentHow.VERBAL,
            consent_at=BUILT_AT,
            status=CareSignal.Status.REQUEST,
            request=request,
            entered_by=scene.broker,
        )
        running = _running(scene, request=request, volunteer=scene.other_volunteer, by_requester=p.user)
        _hours(running, note=f"bij {p.last_name}", approved_by=scene.broker)
        log_read(carer, by=scene.broker)
    p.other_email = "otto@example.nl"
    p.open_match_ids = [running.pk]
    p.extra = {"mantelzorger": carer, "request": request}
    return p


@pytest.fixture
def help_seeker_person(scene) -> Person:
    """Someone who asked for help for someone else (their neighbour), with an open proposal."""
    p = Person("help_seeker", None, "Gerbrich", "Oosterwoldinga", "gerbrich.o@voorbeeld.test", "06-44455566", "6833 GG")
    with time_machine.travel(BUILT_AT, tick=False):
        p.user = UserFactory(email=p.email, first_name=p.first_name, last_name=p.last_name)
        request = HelpRequestFactory(
            organisation=scene.org,
            requester=p.user,
            requester_first_name="Buurman",
            requester_last_name=p.last_name,
            email=p.email,
            phone=p.phone,
            postcode=p.postcode,
            description=f"Voor mijn buurman; bel {p.first_name} op {p.phone}",
            own_strength=f"{p.first_name} helpt al",
            goal_own_words=f"{p.last_name} wil weer naar de markt",
            goal_measurable=f"{p.first_name}: elke week naar buiten",
            status=HelpRequest.Status.READY,
            neighbourhood=scene.region["areas"]["Arnhem"],
        )
        # Someone of the network, with contact details (consent recorded) that name the person.
        NetworkMember.objects.create(
            request=request,
            name=f"{p.first_name}s zus",
            relation="family",
            helps="now",
            what=f"Belt {p.last_name} elke dag",
            contact_consent=True,
            contact_consent_on=BUILT_AT.date(),
            phone=p.phone,
            email=p.email,
        )
        proposal = Match.objects.create(
            organisation=scene.org, request=request, volunteer=scene.other_volunteer, proposed_by=scene.broker
        )
        match_accept(match=proposal, by=scene.broker)
        closed = HelpRequestFactory(
            organisation=scene.org,
            requester=p.user,
            requester_first_name=p.first_name,
            postcode=p.postcode,
            status=HelpRequest.Status.REFERRED,
            referred_to="Wijkteam",
            referral_reason=f"{p.first_name} heeft meer nodig",
            neighbourhood=scene.region["areas"]["Arnhem"],
        )
        RequestEvent.objects.create(request=closed, from_status="intake", to_status="referred", note=p.last_name)
    p.other_email = "otto@example.nl"
    p.open_match_ids = [proposal.pk]
    p.extra = {"request": request}
    return p


@pytest.fixture
def staff_person(scene) -> Person:
    """A broker who also asked for help once (reciprocity): their phone and postcode
    are on that request; as a broker they entered, proposed, approved and opened files."""
    p = Person("staff", None, "Jildou", "Feddemakkers", "jildou.f@voorbeeld.test", "06-77788899", "6835 JJ")
    with time_machine.travel(BUILT_AT, tick=False):
        p.user = UserFactory(email=p.email, first_name=p.first_name, last_name=p.last_name)
        StaffMembershipFactory(user=p.user, organisation=scene.org, role=StaffMembership.Role.BROKER)
        own = HelpRequestFactory(
            organisation=scene.org,
            requester=p.user,
            requester_first_name=p.first_name,
            requester_last_name=p.last_name,
            email=p.email,
            phone=p.phone,
            postcode=p.postcode,
            status=HelpRequest.Status.CLOSED,
            neighbourhood=scene.region["areas"]["Arnhem"],
        )
        entered = HelpRequestFactory(
            organisation=scene.org,
            entered_by=p.user,
            status=HelpRequest.Status.READY,
            neighbourhood=scene.region["areas"]["Arnhem"],
        )
        match = Match.objects.create(
            organisation=scene.org, request=entered, volunteer=scene.other_volunteer, proposed_by=p.user
        )
        match_accept(match=match, by=scene.other_volunteer_user)  # the proposing broker gets a mail
        match_activate(match=match, by=p.user)
        _hours(match, note="", approved_by=p.user)
        carer = Mantelzorger.objects.create(organisation=scene.org, first_name="Klaas", last_name="Anders")
        log_read(carer, by=p.user)
        CalendarFeed.objects.create(user=p.user, token_hash="b" * 64)
    p.extra = {"own_request": own, "entered": entered, "match": match}
    return p
