"""The demo: a region (regio Arnhem by default; see :data:`REGIONS`) with one volunteer
centre, demo accounts for every role and a few hundred realistic volunteers and
requests. Deterministic (seeded) and idempotent: running it again changes nothing that
is already there. Several regions can live in one database side by side."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import timedelta

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from allauth.mfa.utils import decrypt, encrypt
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from faker import Faker

from accounts.models import User
from caregivers.models import BurdenCheckIn, CareRecipient, HelpRequest, Mantelzorger, RequestEvent, RequestSlot
from common.geo import Point, haversine_km
from common.slots import parse_slots
from demo.activities import demo_activities_load
from demo.partners import DEMO_PARTNERS, demo_partner_load
from neighbourhoods.geo import get_gazetteer
from neighbourhoods.models import (
    CarerAppreciation,
    Municipality,
    MunicipalityFrontDoor,
    Neighbourhood,
    Organisation,
    Skill,
    StaffMembership,
)
from neighbourhoods.municipalities import get_register
from neighbourhoods.services import (
    REGIO_ARNHEM,
    geography_load_region,
    kernen_load,
    municipality_ensure,
    skills_ensure_defaults,
)
from partners.models import Partner
from volunteers.models import AvailabilitySlot, VogCheck, Volunteer

DEMO_ORGANISATION_SLUG = "regio-arnhem"
DEMO_DOMAIN = "buurtmakelaar.demo"


@dataclass(frozen=True)
class DemoAccount:
    email: str
    role: str
    description: str


@dataclass(frozen=True)
class DemoRegion:
    """One demo region: its municipalities (current CBS names), its volunteer centre and
    where the personal demo accounts live (villages of the offline gazetteer)."""

    key: str
    organisation_slug: str
    organisation_name: str
    phone: str
    municipalities: tuple[str, ...]
    main_municipality: str  # the municipality viewer's, and where more demo people live
    volunteer_place: str
    mantelzorger_place: str
    help_seeker_place: str
    # Account e-mail addresses: coordinator@<mail_domain>; regio Arnhem keeps the bare domain.
    mail_domain: str
    # Municipalities the gazetteer's postcode areas still file under their 2016 names.
    postcode_names: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # The municipalities' front doors (Wmo-loket, sociaal wijkteam) the lookup shows:
    # generic text; a phone only where it is the municipality's public number.
    front_doors: tuple[tuple[str, dict[str, str]], ...] = ()


REGIONS: dict[str, DemoRegion] = {
    region.key: region
    for region in (
        DemoRegion(
            key="arnhem",
            organisation_slug="regio-arnhem",
            organisation_name="Vrijwilligerscentrale Regio Arnhem",
            phone="026 000 00 00",
            municipalities=REGIO_ARNHEM.municipalities,
            main_municipality="Arnhem",
            volunteer_place="Velp",
            mantelzorger_place="Huissen",
            help_seeker_place="Presikhaaf",
            mail_domain=DEMO_DOMAIN,
            front_doors=(
                (
                    "Arnhem",
                    {
                        "name": "Wmo-loket gemeente Arnhem",
                        # The municipality's public number: 14 + the area code.
                        "phone": "14 026",
                        "website": "https://www.arnhem.nl",
                        "opening_hours": "Maandag tot en met vrijdag overdag. Voor zorg en ondersteuning thuis, "
                        "hulpmiddelen en vervoer. Een afspraak thuis kan ook.",
                    },
                ),
                (
                    "Rheden",
                    {
                        "name": "Sociaal team gemeente Rheden",
                        "phone": "",
                        "website": "https://www.rheden.nl",
                        "opening_hours": "Op werkdagen bereikbaar via het algemene nummer van de gemeente "
                        "(zie de website).",
                    },
                ),
            ),
        ),
        DemoRegion(
            key="stadskanaal",
            organisation_slug="vc-stadskanaal",
            organisation_name="Vrijwilligerscentrale Stadskanaal",
            phone="0599 000 000",
            municipalities=("Stadskanaal",),
            main_municipality="Stadskanaal",
            volunteer_place="Musselkanaal",
            mantelzorger_place="Onstwedde",
            help_seeker_place="Stadskanaal",
            mail_domain=f"stadskanaal.{DEMO_DOMAIN}",
        ),
        DemoRegion(
            # The Wmo region Brabant Noordoost-oost: Boekel, Land van Cuijk and Maashorst.
            key="brabant-noordoost-oost",
            organisation_slug="welzijn-brabant-noordoost-oost",
            organisation_name="Welzijn Brabant Noordoost-oost",
            phone="0413 000 000",
            municipalities=("Boekel", "Land van Cuijk", "Maashorst"),
            main_municipality="Maashorst",
            volunteer_place="Uden",
            mantelzorger_place="Boxmeer",
            help_seeker_place="Boekel",
            mail_domain=f"bno-oost.{DEMO_DOMAIN}",
            postcode_names=(
                ("Land van Cuijk", ("Boxmeer", "Cuijk", "Grave", "Mill en Sint Hubert", "Sint Anthonis")),
                ("Maashorst", ("Uden", "Landerd")),
            ),
        ),
    )
}


def demo_accounts(region: DemoRegion) -> list[DemoAccount]:
    domain = region.mail_domain
    main = region.main_municipality
    return [
        DemoAccount(f"beheer@{DEMO_DOMAIN}", "superuser", "Django-beheer (alles)"),
        DemoAccount(f"coordinator@{domain}", "admin", "Beheerder van de vrijwilligerscentrale"),
        DemoAccount(f"makelaar@{domain}", "broker", f"Makelaar (broker) van {region.organisation_name}"),
        DemoAccount(
            f"gemeente.{main.lower().replace(' ', '-')}@{domain}", "municipality", f"Gemeente {main} (alleen cijfers)"
        ),
        DemoAccount(f"privacy@{domain}", "privacy_officer", "Privacy officer: leest het inzagelog"),
        DemoAccount(f"vrijwilliger@{domain}", "volunteer", f"Vrijwilliger in {region.volunteer_place}"),
        DemoAccount(
            f"mantelzorger@{domain}", "mantelzorger", f"Mantelzorger in {region.mantelzorger_place}, vraagt respijtzorg"
        ),
        DemoAccount(
            f"hulpvrager@{domain}",
            "help_seeker",
            f"Hulpvrager in {region.help_seeker_place}, vraagt hulp bij boodschappen",
        ),
        DemoAccount(
            f"partner@{domain}", "partner", f"Partner: {DEMO_PARTNERS[region.key].name}, vacatures en reacties"
        ),
    ]


DEMO_ACCOUNTS = demo_accounts(REGIONS["arnhem"])

# Staff log in with two steps (accounts.two_step): these demo accounts get the known
# TOTP secret of settings.DEMO_TOTP_SECRET (local and test runs only).
DEMO_STAFF_ROLES = ("superuser", "admin", "broker", "municipality", "privacy_officer")
DEMO_STAFF_ACCOUNTS = [account for account in DEMO_ACCOUNTS if account.role in DEMO_STAFF_ROLES]
# Every region's staff accounts (the shared superuser once): who may get the demo secret.
ALL_DEMO_STAFF_EMAILS = frozenset(
    account.email
    for region in REGIONS.values()
    for account in demo_accounts(region)
    if account.role in DEMO_STAFF_ROLES
)

# Skills per kind of request, to make the demo requests plausible.
REQUEST_SKILLS = {
    HelpRequest.Kind.RESPITE: ["respite"],
    HelpRequest.Kind.PRACTICAL: ["shopping", "odd_jobs", "gardening", "paperwork", "digital", "cooking"],
    HelpRequest.Kind.COMPANIONSHIP: ["companionship", "walking", "language"],
    HelpRequest.Kind.TRANSPORT: ["transport"],
    HelpRequest.Kind.OTHER: ["digital", "paperwork"],
}
DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]

# What brokers typically learn in the intake conversation (vraagverheldering).
QUESTIONS_BEHIND = {
    HelpRequest.Kind.RESPITE: [
        "Mantelzorger is op. Slaapt slecht sinds de diagnose; wil één middag per week voor zichzelf.",
        "Partner wil graag weer naar het koor op dinsdag, maar durft haar man niet alleen te laten.",
        "Dochter zorgt naast haar werk voor haar vader; zoekt vaste iemand die hij leert kennen.",
    ],
    HelpRequest.Kind.PRACTICAL: [
        "Boodschappen lukken niet meer sinds de heupoperatie; eigenlijk mist ze vooral een praatje.",
        "Post stapelt zich op; zoon woont in Groningen en kan alleen in het weekend bellen.",
        "Tuin groeit dicht; meneer schaamt zich ervoor en komt daardoor minder buiten.",
    ],
    HelpRequest.Kind.COMPANIONSHIP: [
        "Sinds het overlijden van haar man komt ze de deur niet meer uit. Wil graag wandelen.",
        "Nieuw in de wijk, spreekt nog weinig Nederlands; zoekt een taalmaatje.",
    ],
    HelpRequest.Kind.TRANSPORT: [
        "Moet elke week naar de fysiotherapeut in Arnhem; de regiotaxi is vaak te laat.",
        "Wil naar de dagbesteding, maar de bus gaat niet meer vanuit het dorp.",
    ],
    HelpRequest.Kind.OTHER: ["Zoekt hulp met de nieuwe telefoon en de DigiD-app."],
}
OWN_NETWORK = [
    "Buurvrouw doet af en toe een boodschap mee; kinderen wonen ver weg.",
    "Zoon komt in het weekend. Door de week is er niemand.",
    "Kerkgemeenschap belt wekelijks; verder geen hulp.",
    "Geen familie in de buurt; de huisarts heeft de centrale aangeraden.",
]
LETTERS = "ABCDEFGHJKLMNPRTVWXZ"


def _jitter(rng: random.Random, centre: Point, max_m: float) -> Point:
    """A point within ``max_m`` metres of ``centre`` (uniform over the disc)."""
    r = max_m * math.sqrt(rng.random())
    angle = rng.random() * 2 * math.pi
    dlat = (r * math.cos(angle)) / 111_320
    dlon = (r * math.sin(angle)) / (111_320 * math.cos(math.radians(centre.lat)))
    return Point(centre.lat + dlat, centre.lon + dlon)


def _postcode_near_any(municipalities: tuple[str, ...], point: Point) -> str:
    """The nearest PC4 code among the gazetteer's areas of these (2016) municipalities."""
    areas = [a for name in municipalities for a in get_gazetteer().postcode_areas(municipality=name)]
    if not areas:
        return "6811"
    return min(areas, key=lambda a: haversine_km(a.point, point)).pc4


def _postcode(rng: random.Random, pc4: str) -> str:
    return f"{pc4} {rng.choice(LETTERS)}{rng.choice(LETTERS)}"


# Times people ask for: inside the usual morning, afternoon and evening blocks.
REQUEST_TIMES = ["09:30-11:30", "10:00-12:00", "13:30-16:30", "14:00-16:00", "14:00-17:00", "19:00-21:00"]


def _schedule(rng: random.Random, slots: int) -> str:
    days = rng.sample(DAYS[:6], slots)
    return "; ".join(f"{day} {rng.choice(REQUEST_TIMES)}" for day in sorted(days, key=DAYS.index))


def _set_schedule(request: HelpRequest, text: str) -> None:
    RequestSlot.objects.bulk_create(
        RequestSlot(request=request, weekday=s.weekday, start=s.start, end=s.end) for s in parse_slots(text)
    )


def _set_availability(volunteer: Volunteer, text: str) -> None:
    AvailabilitySlot.objects.bulk_create(
        AvailabilitySlot(volunteer=volunteer, weekday=s.weekday, start=s.start, end=s.end) for s in parse_slots(text)
    )


def _availability(rng: random.Random) -> str:
    """Three to eight half-days a week, morning (09-12:30), afternoon (13-17:30) or evening."""
    blocks = {"morning": ("09:00", "12:30"), "afternoon": ("13:00", "17:30"), "evening": ("18:30", "21:00")}
    chosen = set()
    for _ in range(rng.randint(3, 8)):
        chosen.add((rng.randrange(7 if rng.random() < 0.2 else 5), rng.choice(list(blocks))))
    return "; ".join(f"{DAYS[day]} {blocks[part][0]}-{blocks[part][1]}" for day, part in sorted(chosen))


def _history(request: HelpRequest, *, broker: User, asked) -> None:
    """Events from 'new' up to the request's status, two days apart from ``asked``."""
    # The first step is the system's (a code, shown in the reader's language); the
    # others are notes as a broker types them.
    steps = [("", HelpRequest.Status.NEW, request.requester, "")]
    if request.status in (HelpRequest.Status.INTAKE, HelpRequest.Status.READY):
        steps.append((HelpRequest.Status.NEW, HelpRequest.Status.INTAKE, broker, "Gebeld met de hulpvrager."))
    if request.status == HelpRequest.Status.READY:
        steps.append((HelpRequest.Status.INTAKE, HelpRequest.Status.READY, broker, "Vraag is helder."))
    for n, (before, after, by, note) in enumerate(steps):
        code = "" if before else RequestEvent.Code.SUBMITTED
        event = RequestEvent.objects.create(
            request=request, from_status=before, to_status=after, by=by, code=code, note=note
        )
        RequestEvent.objects.filter(pk=event.pk).update(at=asked + timedelta(days=2 * n))
    HelpRequest.objects.filter(pk=request.pk).update(
        created_at=asked, status_changed_at=asked + timedelta(days=2 * (len(steps) - 1))
    )


def _account(email: str, first_name: str, last_name: str, password: str) -> User:
    user, _ = User.objects.get_or_create(email=email, defaults={"first_name": first_name, "last_name": last_name})
    user.set_password(password)
    user.save()
    EmailAddress.objects.update_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    return user


def _region_geography(region: DemoRegion) -> list[Municipality]:
    """Regio Arnhem from its curated gazetteer rows (with wijken); another region from
    today's CBS municipalities with their villages, as ``organisation_setup`` does."""
    if region.key == "arnhem":
        geography_load_region(REGIO_ARNHEM)
        return list(Municipality.objects.filter(name__in=REGIO_ARNHEM.municipalities))
    register = get_register()
    municipalities = []
    for name in region.municipalities:
        current = register.lookup(name).municipality
        if current is None:  # the shipped data lost a name: a bug, say which
            raise ValueError(f"demo region {region.key}: unknown municipality {name}")
        municipality = municipality_ensure(current=current)
        kernen_load(municipality=municipality, current=current)
        municipalities.append(municipality)
    return municipalities


def demo_totp_ensure(*, user: User, secret: str) -> Authenticator:
    """Give ``user`` an authenticator app (TOTP) with ``secret``, or set an existing one
    to it (idempotent)."""
    existing = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if existing is None:
        return TOTP.activate(user, secret).instance
    if decrypt(existing.data["secret"]) != secret:
        existing.data = {**existing.data, "secret": encrypt(secret)}
        existing.save(update_fields=["data"])
    return existing


def demo_totp_secret_of(user: User) -> str | None:
    """The demo TOTP secret when ``user`` is a demo staff account that uses it, else None
    (never a code for a real account)."""
    secret = settings.DEMO_TOTP_SECRET
    if not secret or user.email not in ALL_DEMO_STAFF_EMAILS:
        return None
    totp = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if totp is None or decrypt(totp.data["secret"]) != secret:
        return None
    return secret


@transaction.atomic
def demo_load(
    *,
    people: bool = True,
    volunteers: int = 300,
    requests: int = 150,
    seed: int = 2026,
    region: DemoRegion | None = None,
) -> dict:
    """Create (or complete) the demo of ``region`` (regio Arnhem by default). Returns
    counts for the command to print."""
    region = region or REGIONS["arnhem"]
    municipalities = _region_geography(region)
    skills_ensure_defaults()
    organisation, _ = Organisation.objects.get_or_create(
        slug=region.organisation_slug,
        defaults={
            "name": region.organisation_name,
            "email": f"info@{region.mail_domain}",
            "phone": region.phone,
        },
    )
    organisation.municipalities.set(municipalities)
    by_name = {m.name: m for m in municipalities}
    for name, values in region.front_doors:
        if name in by_name:
            MunicipalityFrontDoor.objects.update_or_create(
                organisation=organisation, municipality=by_name[name], defaults=values
            )
    # The carers' thank-you on their start page (issue #15): general words, no amounts
    # or links that the demo cannot vouch for.
    for municipality in municipalities:
        CarerAppreciation.objects.update_or_create(
            organisation=organisation,
            municipality=municipality,
            defaults={
                "text": f"Dank u wel voor alles wat u voor een ander doet. De gemeente {municipality.name} "
                "waardeert mantelzorgers elk jaar met een attentie: de mantelzorgwaardering. Vraag ons hoe u die "
                "aanvraagt.",
                "link": "",
            },
        )
    postcode_names = dict(region.postcode_names)

    password = settings.DEMO_PASSWORD
    users = {}
    for account in demo_accounts(region):
        first, last = {
            "superuser": ("Beheer", ""),
            "admin": ("Ingrid", "Jansen"),
            "broker": ("Samira", "El Amrani"),
            "municipality": ("Pieter", "de Gemeente"),
            "privacy_officer": ("Noor", "Visser"),
            "volunteer": ("Zoë", "van 't Hof"),
            "mantelzorger": ("Henk", "Willemsen"),
            "help_seeker": ("Fatma", "Özdemir-Bakker"),
            "partner": ("Ruud", "Hendriks"),
        }[account.role]
        users[account.role] = _account(account.email, first, last, password)
    superuser = users["superuser"]
    superuser.is_staff = superuser.is_superuser = True
    superuser.save(update_fields=["is_staff", "is_superuser"])
    if settings.DEMO_TOTP_SECRET:
        for role in DEMO_STAFF_ROLES:
            demo_totp_ensure(user=users[role], secret=settings.DEMO_TOTP_SECRET)
    main = next(m for m in municipalities if m.name == region.main_municipality)
    for role, municipality in [("admin", None), ("broker", None), ("municipality", main), ("privacy_officer", None)]:
        StaffMembership.objects.get_or_create(
            user=users[role], organisation=organisation, role=role, defaults={"municipality": municipality}
        )

    rng = random.Random(seed)
    fake = Faker("nl_NL")
    fake.seed_instance(seed)
    skills = {s.code: s for s in Skill.objects.filter(organisation__isnull=True)}
    areas = list(Neighbourhood.objects.filter(municipality__in=municipalities).select_related("municipality"))

    def located(area: Neighbourhood) -> dict:
        point = _jitter(rng, area.centroid, 700 if area.kind == Neighbourhood.Kind.WIJK else 1200)
        pc4 = _postcode_near_any(postcode_names.get(area.municipality.name, (area.municipality.name,)), point)
        return {
            "postcode": _postcode(rng, pc4),
            "house_number": str(rng.randint(1, 180)),
            "place": area.name if area.kind == Neighbourhood.Kind.KERN else area.municipality.name,
            "latitude": round(point.lat, 6),
            "longitude": round(point.lon, 6),
            "neighbourhood": area,
        }

    def area_named(name: str) -> Neighbourhood:
        return next((a for a in areas if a.name == name), areas[0])

    # The personal demo accounts, each with its own profile.
    if not Volunteer.objects.filter(user=users["volunteer"]).exists():
        zoe = Volunteer.objects.create(
            organisation=organisation,
            user=users["volunteer"],
            first_name="Zoë",
            last_name="van 't Hof",
            email=users["volunteer"].email,
            max_distance_km=8,
            max_active_matches=2,
            languages="nl;en",
            **located(area_named(region.volunteer_place)),
        )
        zoe.skills.set([skills[c] for c in ("shopping", "companionship", "walking", "digital")])
        _set_availability(zoe, "tue 13:00-17:30; thu 09:00-12:30; sat 10:00-16:00")
    if not Mantelzorger.objects.filter(user=users["mantelzorger"]).exists():
        henk = Mantelzorger.objects.create(
            organisation=organisation,
            user=users["mantelzorger"],
            first_name="Henk",
            last_name="Willemsen",
            email=users["mantelzorger"].email,
            relation=Mantelzorger.Relation.PARTNER,
            care_hours_per_week=40,
            **located(area_named(region.mantelzorger_place)),
        )
        recipient = CareRecipient.objects.create(
            mantelzorger=henk,
            name="Ans",
            age_band=CareRecipient.AgeBand.ELDERLY,
            situation=CareRecipient.Situation.DEMENTIA,
            notes="Houdt van oude liedjes en een kopje thee.",
        )
        BurdenCheckIn.objects.create(mantelzorger=henk, score=8, sleeps_badly=True, no_time_for_self=True)
        request = HelpRequest.objects.create(
            organisation=organisation,
            requester=users["mantelzorger"],
            mantelzorger=henk,
            care_recipient=recipient,
            requester_first_name="Henk",
            requester_last_name="Willemsen",
            kind=HelpRequest.Kind.RESPITE,
            urgency=HelpRequest.Urgency.HIGH,
            description="Mijn vrouw heeft dementie. Ik wil op dinsdagmiddag even naar de biljartclub.",
            postcode=henk.postcode,
            house_number=henk.house_number,
            place=henk.place,
            latitude=henk.latitude,
            longitude=henk.longitude,
            neighbourhood=henk.neighbourhood,
        )
        request.skills.set([skills["respite"], skills["dementia"]])
        _set_schedule(request, "tue 13:00-17:00")
        _history(request, broker=users["broker"], asked=timezone.now() - timedelta(days=9))
    if not HelpRequest.objects.filter(requester=users["help_seeker"]).exists():
        request = HelpRequest.objects.create(
            organisation=organisation,
            requester=users["help_seeker"],
            requester_first_name="Fatma",
            requester_last_name="Özdemir-Bakker",
            kind=HelpRequest.Kind.PRACTICAL,
            description="Ik ben slecht ter been. Wie doet op vrijdag boodschappen met mij?",
            **located(area_named(region.help_seeker_place)),
        )
        request.skills.set([skills["shopping"]])
        _set_schedule(request, "fri 10:00-12:00")
        _history(request, broker=users["broker"], asked=timezone.now() - timedelta(days=3))

    # The partner of the centre (issue #16): its account, profile, vacancies near the demo
    # volunteer, and the demo volunteer's response to one of them.
    partner_spec = DEMO_PARTNERS[region.key]
    partner_area = area_named(partner_spec.place)
    partner_pc4 = _postcode_near_any(
        postcode_names.get(partner_area.municipality.name, (partner_area.municipality.name,)), partner_area.centroid
    )
    demo_partner_load(
        spec=partner_spec,
        organisation=organisation,
        user=users["partner"],
        admin=users["admin"],
        volunteer=Volunteer.objects.filter(user=users["volunteer"]).first(),
        area=partner_area,
        postcode=f"{partner_pc4} AB",
    )

    created_volunteers = created_requests = 0
    if people and not Volunteer.objects.filter(organisation=organisation, user__isnull=True).exists():
        # Weight areas: the main municipality's wijken and villages get more people.
        weights = [3 if a.municipality.name == region.main_municipality else 1 for a in areas]
        skill_codes = list(skills)
        for i in range(volunteers):
            area = rng.choices(areas, weights)[0]
            first, last = fake.first_name(), fake.last_name()
            vog = None
            if rng.random() < 0.45:
                vog = fake.date_between(start_date="-6m", end_date="+3y")
            volunteer = Volunteer.objects.create(
                organisation=organisation,
                external_id=f"DEMO-V{i + 1:04d}",
                first_name=first,
                last_name=last,
                email=f"vrijwilliger{i + 1}@example.nl",
                phone=fake.phone_number(),
                max_distance_km=rng.choice([3, 5, 5, 8, 8, 10, 15]),
                max_active_matches=rng.choice([1, 1, 1, 2, 3]),
                languages=rng.choice(["nl", "nl", "nl", "nl;en", "nl;tr", "nl;ar", "nl;de"]),
                vog_valid_until=vog,
                paused_until=fake.date_between(start_date="today", end_date="+2m") if rng.random() < 0.05 else None,
                **located(area),
            )
            chosen = rng.sample(skill_codes, rng.randint(1, 4))
            if vog and "respite" not in chosen and rng.random() < 0.7:
                chosen.append("respite")
            if "respite" in chosen and "dementia" not in chosen and rng.random() < 0.6:
                chosen.append("dementia")
            volunteer.skills.set([skills[c] for c in chosen])
            _set_availability(volunteer, _availability(rng))
            created_volunteers += 1
            if vog:
                VogCheck.objects.create(
                    volunteer=volunteer,
                    status=VogCheck.Status.VALID,
                    issued_on=vog.replace(year=vog.year - 3) if not (vog.month == 2 and vog.day == 29) else vog,
                    valid_until=vog,
                    checked_by=users["broker"],
                )
        kinds = list(REQUEST_SKILLS)
        kind_weights = [3, 4, 3, 2, 1]
        statuses = [HelpRequest.Status.NEW, HelpRequest.Status.INTAKE, HelpRequest.Status.READY]
        broker = users["broker"]
        now = timezone.now()
        for i in range(requests):
            area = rng.choices(areas, weights)[0]
            kind = rng.choices(kinds, kind_weights)[0]
            status = rng.choices(statuses, [2, 1, 3])[0]
            first, last = fake.first_name(), fake.last_name()
            carer = recipient = None
            if kind == HelpRequest.Kind.RESPITE:
                # The request comes from a mantelzorger, for the person they care for.
                carer = Mantelzorger.objects.create(
                    organisation=organisation,
                    first_name=first,
                    last_name=last,
                    phone=fake.phone_number(),
                    relation=rng.choice(list(Mantelzorger.Relation)),
                    care_hours_per_week=rng.choice([8, 12, 20, 30, 40, 60]),
                    **located(area),
                )
                situation = rng.choices(list(CareRecipient.Situation), [4, 3, 1, 1, 1])[0]
                recipient = CareRecipient.objects.create(
                    mantelzorger=carer,
                    name=fake.first_name(),
                    age_band=rng.choices(list(CareRecipient.AgeBand), [1, 2, 3, 4])[0],
                    situation=situation,
                )
                score = rng.randint(3, 9)
                for weeks_ago in (8, 4, 0)[rng.randint(0, 2) :]:
                    checkin = BurdenCheckIn.objects.create(
                        mantelzorger=carer,
                        score=max(0, min(10, score - rng.randint(0, 2) * (weeks_ago > 0))),
                        sleeps_badly=rng.random() < 0.4,
                        no_time_for_self=rng.random() < 0.5,
                        health_suffers=rng.random() < 0.2,
                    )
                    BurdenCheckIn.objects.filter(pk=checkin.pk).update(
                        created_at=now - timedelta(weeks=weeks_ago, hours=rng.randint(0, 48))
                    )
            request = HelpRequest.objects.create(
                organisation=organisation,
                external_id=f"DEMO-R{i + 1:04d}",
                requester_first_name=first,
                requester_last_name=last,
                phone=fake.phone_number(),
                mantelzorger=carer,
                care_recipient=recipient,
                kind=kind,
                status=status,
                urgency=rng.choices(list(HelpRequest.Urgency), [2, 6, 2])[0],
                question_behind=rng.choice(QUESTIONS_BEHIND[kind]) if status != HelpRequest.Status.NEW else "",
                own_strength=rng.choice(OWN_NETWORK) if status != HelpRequest.Status.NEW else "",
                **located(area),
            )
            codes = (
                list(REQUEST_SKILLS[kind]) if kind == HelpRequest.Kind.RESPITE else [rng.choice(REQUEST_SKILLS[kind])]
            )
            if recipient and recipient.situation == CareRecipient.Situation.DEMENTIA:
                codes.append("dementia")
            request.skills.set([skills[c] for c in codes])
            _set_schedule(request, _schedule(rng, rng.choice([1, 1, 2])))
            # A realistic history: asked some days ago, then intake and ready.
            _history(request, broker=broker, asked=now - timedelta(days=rng.randint(0, 45), hours=rng.randint(0, 23)))
            created_requests += 1
    # Collective activities (issue #16): a full respite afternoon with a waiting list, a
    # meal for the partner, a walking group, with sign-ups of the region's carers.
    activities = demo_activities_load(
        organisation=organisation,
        broker=users["broker"],
        partner=Partner.objects.filter(organisation=organisation, name=partner_spec.name).first(),
        area=partner_area,
        postcode=f"{partner_pc4} AB",
        volunteer=Volunteer.objects.filter(user=users["volunteer"]).first(),
    )
    return {
        "organisation": organisation,
        "activities": len(activities),
        "municipalities": len(municipalities),
        "neighbourhoods": len(areas),
        "volunteers_created": created_volunteers,
        "requests_created": created_requests,
    }
