"""The demo's partner organisation (issue #16): one partner of the region's volunteer
centre with its own account (``partner@<mail domain>``), a filled-in profile, three
public vacancies near the demo volunteer (one from home) and one response of the demo
volunteer, so that the partner's pages and the public search show something at once.

Everything goes through ``partners.services`` (the same checks as the partner's own
pages); the centre's admin approves the first vacancies as the centre would. Idempotent:
the partner, its person and its vacancies are found by name and title; a vacancy whose
date has passed since the last run gets new dates, so the demo never shows only expired
work."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from common.geo import Point
from common.slots import parse_slots
from neighbourhoods.models import Neighbourhood, Organisation, Skill
from partners.models import Partner, PartnerMembership, Response, Vacancy
from partners.services import partner_profile_update, response_submit, vacancy_review, vacancy_save
from volunteers.models import Volunteer


@dataclass(frozen=True)
class DemoVacancy:
    title: str
    description: str
    skills: tuple[str, ...]
    when: str  # Vacancy.When
    slots: str = ""  # weekly slots, "tue 14:00-16:30"
    days_ahead: int = 0  # a one-off's date: this many days from the day of loading
    times: tuple[str, str] = ("", "")
    from_home: bool = False
    hours: str | None = None
    places: int = 1
    needs_vog: bool = False
    minimum_age: int | None = None
    visible_days: int = 120  # "zichtbaar tot en met": this many days from loading


@dataclass(frozen=True)
class DemoPartner:
    name: str
    kind: str  # Partner.Kind
    description: str
    place: str  # a neighbourhood or village of the region: the vacancies are there
    email: str
    phone: str
    vacancies: tuple[DemoVacancy, ...]
    response_to: str  # the title of the vacancy the demo volunteer responded to
    response_note: str


FOOD_BANK = DemoPartner(
    name="Voedselpunt Velp",
    kind=Partner.Kind.FOOD_BANK,
    description=(
        "Wij geven elke week voedselpakketten aan gezinnen in Velp en Rheden die het even niet redden. "
        "Alles draait op vrijwilligers: sorteren, uitdelen, rondbrengen en een luisterend oor."
    ),
    place="Velp",
    email="info@voedselpunt-velp.buurtmakelaar.demo",
    phone="026 000 00 01",
    vacancies=(
        DemoVacancy(
            title="Pakketten uitdelen op dinsdagmiddag",
            description=(
                "U zet samen met het vaste team de pakketten klaar en deelt ze uit aan onze klanten. "
                "Een vriendelijk woord hoort erbij. Tilwerk is er weinig: de karren staan klaar."
            ),
            skills=("shopping", "companionship"),
            when=Vacancy.When.WEEKLY,
            slots="tue 14:00-16:30",
            hours="2.5",
            places=3,
        ),
        DemoVacancy(
            title="Inzamelactie bij de supermarkt",
            description=(
                "Een zaterdag lang vragen we klanten van de supermarkt om iets extra's te kopen voor de "
                "voedselbank. U staat bij de ingang met een kar en vertelt wat we doen."
            ),
            skills=("shopping",),
            when=Vacancy.When.ONE_OFF,
            days_ahead=24,
            times=("10:00", "15:00"),
            hours="5",
            places=4,
            minimum_age=16,
        ),
        DemoVacancy(
            title="Belmaatje voor klanten die alleen zijn",
            description=(
                "Sommige klanten zien weinig mensen. U belt één of twee van hen eens per week voor een "
                "praatje, vanuit huis, op een moment dat u past."
            ),
            skills=("companionship",),
            when=Vacancy.When.FLEXIBLE,
            from_home=True,
            hours="1",
            places=2,
        ),
    ),
    response_to="Pakketten uitdelen op dinsdagmiddag",
    response_note="Ik woon vlakbij en ben op dinsdagmiddag vrij. Ik help graag mee.",
)


def _initiative(place: str, domain_key: str, phone: str) -> DemoPartner:
    """A neighbourhood initiative in ``place``: the other seed regions' partner."""
    return DemoPartner(
        name=f"Buurtinitiatief Samen {place}",
        kind=Partner.Kind.INITIATIVE,
        description=(
            f"Bewoners van {place} die iets voor elkaar doen: een koffieochtend in het buurthuis, "
            "klusdagen en een belcirkel voor wie weinig mensen ziet."
        ),
        place=place,
        email=f"info@samen-{domain_key}.buurtmakelaar.demo",
        phone=phone,
        vacancies=(
            DemoVacancy(
                title="Gastvrouw of gastheer bij de koffieochtend",
                description="U zet koffie, schuift aan en zorgt dat iedereen zich welkom voelt.",
                skills=("companionship",),
                when=Vacancy.When.WEEKLY,
                slots="thu 09:30-12:00",
                hours="2.5",
                places=2,
            ),
            DemoVacancy(
                title="Klusdag in de buurt",
                description="Samen met andere bewoners ruimen we tuinen op van mensen die dat zelf niet meer kunnen.",
                skills=("gardening", "odd_jobs"),
                when=Vacancy.When.ONE_OFF,
                days_ahead=24,
                times=("10:00", "15:00"),
                hours="5",
                places=6,
            ),
            DemoVacancy(
                title="Bellen met buren in de belcirkel",
                description="U belt eens per week een buurtgenoot die alleen woont, vanuit huis.",
                skills=("companionship",),
                when=Vacancy.When.FLEXIBLE,
                from_home=True,
                hours="1",
                places=3,
            ),
        ),
        response_to="Gastvrouw of gastheer bij de koffieochtend",
        response_note="Ik kom graag op donderdagochtend helpen.",
    )


# One partner per seed region (keys of demo.people.REGIONS).
DEMO_PARTNERS: dict[str, DemoPartner] = {
    "arnhem": FOOD_BANK,
    "stadskanaal": _initiative("Musselkanaal", "musselkanaal", "0599 000 001"),
    "brabant-noordoost-oost": _initiative("Uden", "uden", "0413 000 001"),
}


def _time(text: str) -> datetime.time | None:
    return datetime.time.fromisoformat(text) if text else None


def _vacancy_values(spec: DemoVacancy, *, skills: dict[str, Skill], area: Neighbourhood, postcode: str, today) -> dict:
    date = today + datetime.timedelta(days=spec.days_ahead) if spec.when == Vacancy.When.ONE_OFF else None
    until = today + datetime.timedelta(days=spec.visible_days)
    if date is not None:
        until = date  # responding makes no sense after the day itself
    point = Point(round(area.centroid.lat, 6), round(area.centroid.lon, 6))
    return {
        "title": spec.title,
        "description": spec.description,
        "skills": [skills[code] for code in spec.skills],
        "from_home": spec.from_home,
        "postcode": postcode,
        "place": area.name,
        "point": point,
        "when": spec.when,
        "date": date,
        "start_time": _time(spec.times[0]),
        "end_time": _time(spec.times[1]),
        "slots": parse_slots(spec.slots) if spec.slots else [],
        "hours": spec.hours,
        "needs_vog": spec.needs_vog,
        "minimum_age": spec.minimum_age,
        "places": spec.places,
        "until": until,
    }


def demo_partner_load(
    *,
    spec: DemoPartner,
    organisation: Organisation,
    user,
    admin,
    volunteer: Volunteer | None,
    area: Neighbourhood,
    postcode: str,
) -> Partner:
    """Create (or complete) the demo partner ``spec`` of ``organisation`` with ``user`` as
    its person; ``admin`` approves its first vacancies; ``volunteer`` responds to one."""
    partner, _ = Partner.objects.get_or_create(organisation=organisation, name=spec.name, defaults={"kind": spec.kind})
    PartnerMembership.objects.get_or_create(partner=partner, user=user)
    if not partner.is_active:
        Partner.objects.filter(pk=partner.pk).update(is_active=True)
        partner.is_active = True
    partner_profile_update(
        partner=partner,
        by=user,
        values={
            "kind": spec.kind,
            "description": spec.description,
            "place": spec.place,
            "email": spec.email,
            "phone": spec.phone,
            "website": "",
        },
    )
    skills = {s.code: s for s in Skill.objects.filter(organisation__isnull=True)}
    today = timezone.localdate()
    by_title = {v.title: v for v in Vacancy.objects.filter(partner=partner)}
    for item in spec.vacancies:
        existing = by_title.get(item.title)
        if existing is not None and not existing.is_over(today):
            continue
        values = _vacancy_values(item, skills=skills, area=area, postcode=postcode, today=today)
        # A new one, or one whose dates passed since the last run: the same vacancy, moved on.
        vacancy = vacancy_save(partner=partner, by=user, vacancy=existing, **values)
        if vacancy.status == Vacancy.Status.REVIEW:
            vacancy_review(vacancy=vacancy, by=admin, approve=True)
        by_title[item.title] = vacancy
    target = by_title[spec.response_to]
    if volunteer is not None and not Response.objects.filter(vacancy=target, volunteer=volunteer).exists():
        response_submit(vacancy=target, volunteer=volunteer, note=spec.response_note)
    return partner
