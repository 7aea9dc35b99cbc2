"""Erasure of a person (AVG art. 17) across every app, and the record of rights
exercised.

What goes: names, e-mail addresses, phone numbers, addresses and points, free texts
(descriptions, intake, referral, notes of the history, hours and evaluations), the
people cared for, the login (deleted; a staff member's is kept without a person and
switched off, so that the work they did still counts), mail preferences and the
record of mail to them. What stays, without a person: the kind of request, its
neighbourhood, dates and statuses; burden scores under an anonymous mantelzorger; the
matches with their statuses and hours; the access log of the care file. Open
proposals and running help end first, and the other side is told without details.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import F, Max, Q, Value
from django.db.models.functions import Replace
from django.utils.translation import gettext as _

from accounts.personal_data import Subject
from activities.services import signups_erase
from caregivers.models import HelpRequest, Mantelzorger, RequestEvent
from caregivers.outreach import open_signals_erase
from caregivers.services import mantelzorgers_erase, requests_erase
from common.errors import DomainError
from conversations.services import messages_of_author_erase, threads_erase
from matches.models import CalendarFeed, Evaluation, HoursEntry, Match, MatchEvent
from neighbourhoods.models import Organisation, StaffMembership
from neighbourhoods.selectors import may_read_care_files
from notifications.models import Notification
from notifications.services import notifications_erase
from privacy.models import InactivityWarning, RightsEvent
from privacy.selectors import last_admin_of
from volunteers.models import Volunteer
from volunteers.services import volunteer_erase

ERASED_EMAIL_DOMAIN = "gewist.invalid"
ERASED_WORD = "[gewist]"


@dataclass(frozen=True)
class ErasureResult:
    account: str  # "deleted", "deactivated" (a staff member's, without a person) or "" (none touched)


def rights_event_record(
    *, action: str, subject_kind: str, by, reason: str, subject_ref: int | None = None, organisation=None
) -> RightsEvent:
    if reason not in RightsEvent.Reason.values:
        raise DomainError(_("Kies waarom u dit doet."), field="reason")
    on_behalf = reason != RightsEvent.Reason.OWN
    return RightsEvent.objects.create(
        action=action,
        subject_kind=subject_kind,
        subject_ref=subject_ref,
        organisation=organisation,
        by=by if getattr(by, "is_authenticated", False) else None,
        on_behalf=on_behalf,
        reason=reason,
    )


def account_erase_check(*, user) -> None:
    """Refuse to erase the last admin of an organisation: someone must be left to
    manage its team (make someone else admin first)."""
    organisations = last_admin_of(user)
    if organisations:
        raise DomainError(
            _(
                "U bent de enige beheerder van %(names)s. Maak eerst iemand anders beheerder "
                "(op de pagina Team). Daarna kunt u uw gegevens wissen."
            )
            % {"names": ", ".join(org.name for org in organisations)}
        )


def account_erase(*, user, password: str) -> ErasureResult:
    """A person erases everything about themselves, after giving their password again."""
    if user is None or not user.is_authenticated or not user.is_active:
        raise DomainError(_("U moet ingelogd zijn om uw gegevens te wissen."))
    if not password or not user.check_password(password):
        raise DomainError(_("Dit wachtwoord klopt niet. Probeer het nog eens."), field="password")
    account_erase_check(user=user)
    from privacy.selectors import subject_for_user

    user = get_user_model().objects.get(pk=user.pk)  # the real row, not the request's lazy object
    with transaction.atomic():
        subject = subject_for_user(user)
        _erase_records(subject=subject, by=user)
        result = _account_remove(user)
        rights_event_record(
            action=RightsEvent.Action.ERASE,
            subject_kind=RightsEvent.SubjectKind.ACCOUNT,
            by=user if result.account == "deactivated" else None,
            reason=RightsEvent.Reason.OWN,
        )
    return result


def record_erase(*, record, organisation: Organisation, by, reason: str) -> ErasureResult:
    """A broker erases the records their organisation holds about someone who asked
    them (by phone, in person, by letter). A login the person has stays theirs: only
    they can remove it, from "Mijn gegevens"."""
    if not may_read_care_files(by, organisation.pk) or record.subject.organisation_id != organisation.pk:
        raise DomainError(_("U mag de gegevens van deze persoon niet wissen."))
    if reason not in RightsEvent.Reason.values or reason == RightsEvent.Reason.OWN:
        raise DomainError(_("Kies waarom u dit doet."), field="reason")
    if record.erased:
        raise DomainError(_("Deze gegevens zijn al gewist."))
    with transaction.atomic():
        _erase_records(subject=record.subject, by=by)
        rights_event_record(
            action=RightsEvent.Action.ERASE,
            subject_kind=record.kind,
            subject_ref=record.pk,
            organisation=organisation,
            by=by,
            reason=reason,
        )
    return ErasureResult(account="")


def _erase_records(*, subject: Subject, by) -> None:
    """Everything about ``subject`` in the apps, in one transaction (the caller's)."""
    # Up to here, mail and history were written before the erasure (and may name the
    # person); what the erasure itself writes names nobody.
    mail_mark = Notification.objects.aggregate(m=Max("pk"))["m"] or 0
    event_mark = MatchEvent.objects.aggregate(m=Max("pk"))["m"] or 0
    match_ids = list(
        Match.objects.filter(
            Q(volunteer_id__in=subject.volunteer_ids) | Q(request_id__in=subject.request_ids)
        ).values_list("pk", flat=True)
    )
    words = _identifying_words(subject)
    contacts = subject.contacts
    other_requests = list(
        Match.objects.filter(pk__in=match_ids)
        .exclude(request_id__in=subject.request_ids)
        .values_list("request_id", flat=True)
    )
    # Places at activities go to the next in line; the rows stay without the person.
    signups_erase(
        user_ids=[subject.user.pk] if subject.user is not None else [],
        volunteer_ids=subject.volunteer_ids,
        mantelzorger_ids=subject.mantelzorger_ids,
    )
    for volunteer in Volunteer.objects.filter(pk__in=subject.volunteer_ids).order_by("pk"):
        volunteer_erase(volunteer=volunteer, by=by)
    # The other side's request history names the volunteer ("Gekoppeld aan ..."): the
    # words that identify this person go from it, the rest of that file stays.
    for word in words:
        RequestEvent.objects.filter(request_id__in=other_requests, note__icontains=word).update(
            note=Replace(F("note"), Value(word), Value(ERASED_WORD))
        )
    requests_erase(request_ids=subject.request_ids, by=by)
    mantelzorgers_erase(mantelzorger_ids=subject.mantelzorger_ids)
    # Free texts about the matches: the history's notes, the hours' notes, the evaluation.
    MatchEvent.objects.filter(match_id__in=match_ids, pk__lte=event_mark).update(note="")
    HoursEntry.objects.filter(match_id__in=match_ids).update(note="")
    Evaluation.objects.filter(match_id__in=match_ids).update(note="")
    # The messages about the person's matches and responses (the receivers of the
    # erasure signals take most; this catches matches without an erasure signal), and the
    # text of what they wrote in other threads (as a broker or for a partner).
    threads_erase(match_ids=match_ids, volunteer_ids=subject.volunteer_ids)
    if subject.user is not None:
        messages_of_author_erase(user=subject.user)
    notifications_erase(emails=subject.emails, user=subject.user, match_ids=match_ids, before_pk=mail_mark)
    # Signals about the person nobody handled yet (no link to a record: found by the
    # e-mail address or phone number the signal gives to reach them).
    open_signals_erase(contacts=contacts, organisation_id=subject.organisation_id)
    _admin_log_erase(subject)


def _identifying_words(subject: Subject) -> list[str]:
    """Names, e-mail addresses and phone numbers of the person, as written in their
    records (longest first, so that a full name goes before its parts)."""
    words: set[str] = set(subject.emails)
    if subject.user is not None:
        words |= {subject.user.first_name, subject.user.last_name, subject.user.email}
    for first, last, phone in Volunteer.objects.filter(pk__in=subject.volunteer_ids).values_list(
        "first_name", "last_name", "phone"
    ):
        words |= {first, last, phone}
    for first, last, phone in Mantelzorger.objects.filter(pk__in=subject.mantelzorger_ids).values_list(
        "first_name", "last_name", "phone"
    ):
        words |= {first, last, phone}
    return sorted((w.strip() for w in words if w and len(w.strip()) >= 3), key=len, reverse=True)


def _admin_log_erase(subject: Subject) -> None:
    """The Django admin's history names the objects it changed (``object_repr``)."""
    objects = [
        (Volunteer, subject.volunteer_ids),
        (Mantelzorger, subject.mantelzorger_ids),
        (HelpRequest, subject.request_ids),
    ]
    if subject.user is not None:
        objects.append((get_user_model(), {subject.user.pk}))
    for model, ids in objects:
        if ids:
            LogEntry.objects.filter(
                content_type=ContentType.objects.get_for_model(model), object_id__in=[str(pk) for pk in ids]
            ).update(object_repr="–", change_message="")


def _account_remove(user) -> ErasureResult:
    """Delete the login, or, for someone who worked for an organisation, keep it
    without a person and switched off: the steps they took (events, proposals,
    approvals, who opened a care file) keep pointing at one anonymous colleague, so the
    organisation's figures and the access log stay whole."""
    from allauth.account.models import EmailAddress

    was_staff = StaffMembership.objects.filter(user=user).exists()
    CalendarFeed.objects.filter(user=user).delete()
    if not was_staff:
        user.delete()  # allauth's addresses and the mail record cascade
        return ErasureResult(account="deleted")
    StaffMembership.objects.filter(user=user).delete()
    EmailAddress.objects.filter(user=user).delete()
    InactivityWarning.objects.filter(user=user).delete()
    user.email = f"gewist-{user.pk}@{ERASED_EMAIL_DOMAIN}"
    user.first_name = ""
    user.last_name = ""
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.set_unusable_password()
    user.save()
    return ErasureResult(account="deactivated")
