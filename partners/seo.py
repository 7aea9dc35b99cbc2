"""What search engines and link previews read of a public vacancy: the short summary
(``<meta name="description">``, ``og:description``) and the schema.org data.

schema.org has no ``VolunteerAction`` type (its actions are things like ``ApplyAction``
or ``JoinAction``; validators and search engines ignore an unknown type). A vacancy is
described as what it is to them, a ``JobPosting`` with ``employmentType`` ``VOLUNTEER``,
the value the job-posting vocabulary has for unpaid work; "vanuit huis / telefonisch"
is ``jobLocationType`` ``TELECOMMUTE``."""

from __future__ import annotations

from django.utils import timezone

from partners.models import Vacancy

SUMMARY_LENGTH = 200


def text_summary(description: str) -> str:
    """A description on one line, at most :data:`SUMMARY_LENGTH` characters (also for
    the activities above this app)."""
    text = " ".join(description.split())
    if len(text) <= SUMMARY_LENGTH:
        return text
    return text[: SUMMARY_LENGTH - 1].rsplit(" ", 1)[0] + "…"


def vacancy_summary(vacancy: Vacancy) -> str:
    """The description on one line, at most :data:`SUMMARY_LENGTH` characters."""
    return text_summary(vacancy.description)


def vacancy_structured_data(vacancy: Vacancy, *, url: str) -> dict:
    """schema.org ``JobPosting`` (``employmentType`` ``VOLUNTEER``) of a public vacancy.
    Plain data: the template escapes it (``structured_data.ld_json``)."""
    organisation: dict = {"@type": "Organization", "name": vacancy.partner.name}
    if vacancy.partner.website:
        organisation["sameAs"] = vacancy.partner.website
    data: dict = {
        "@context": "https://schema.org",
        "@type": "JobPosting",
        "employmentType": "VOLUNTEER",
        "title": vacancy.title,
        "description": vacancy.description,
        "url": url,
        "hiringOrganization": organisation,
        "totalJobOpenings": vacancy.places,
    }
    if vacancy.published_at:
        data["datePosted"] = timezone.localdate(vacancy.published_at).isoformat()
    valid_through = vacancy.until or (vacancy.date if vacancy.when == Vacancy.When.ONE_OFF else None)
    if valid_through:
        data["validThrough"] = valid_through.isoformat()
    if vacancy.when == Vacancy.When.ONE_OFF and vacancy.date:
        data["jobStartDate"] = vacancy.date.isoformat()
    skills = [skill.display_label for skill in vacancy.skills.all()]
    if skills:
        data["skills"] = ", ".join(skills)
    if vacancy.from_home:
        data["jobLocationType"] = "TELECOMMUTE"
        data["applicantLocationRequirements"] = {"@type": "Country", "name": "NL"}
    else:
        address = {"@type": "PostalAddress", "addressCountry": "NL"}
        if vacancy.place:
            address["addressLocality"] = vacancy.place
        if vacancy.postcode:
            address["postalCode"] = vacancy.postcode
        data["jobLocation"] = {"@type": "Place", "address": address}
    return data
