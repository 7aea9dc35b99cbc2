"""The conversation pages.

* ``/berichten/`` (``conversations:inbox``): the person's threads with the unread ones marked;
* ``/berichten/koppeling/<pk>/`` (``conversations:match``): the volunteer and the requester
  (or their mantelzorger) of a match;
* ``/berichten/reactie/<pk>/`` (``conversations:response``): the volunteer and the
  partner of a response to a vacancy;
* ``/organisatie/<slug>/koppelingen/<pk>/berichten/`` (``conversations_broker:thread``):
  the organisation's broker; every view of it is recorded in the access log.

GET shows the thread (and marks it read); POST adds a message, then sends the browser
back to the thread (no JS), or, for htmx, answers the thread's fragment to swap in.
Bad input (empty, too long, a closed thread) shows the form again with the reason (400).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from audit.models import AccessLogEntry
from caregivers.access import request_read
from common.errors import DomainError
from conversations.forms import MessageForm
from conversations.models import Message
from conversations.selectors import (
    agreed,
    inbox_of,
    is_open,
    match_for_broker,
    match_for_participant,
    messages_shown,
    response_for_participant,
    thread_of,
)
from conversations.services import message_post, thread_mark_read
from matches.models import Match
from neighbourhoods.models import StaffMembership
from neighbourhoods.selectors import staff_organisation

Side = Message.Side


@login_required
@require_GET
def inbox(request) -> HttpResponse:
    return render(request, "conversations/inbox.html", {"rows": inbox_of(request.user)})


def _thread_page(request, *, subject, side: str, action: str, back: str, log=None) -> HttpResponse:
    form = MessageForm()
    status = 200
    if request.method == "POST":
        form = MessageForm(request.POST)
        if form.is_valid():
            try:
                message = message_post(subject=subject, user=request.user, side=side, body=form.cleaned_data["body"])
            except DomainError as error:
                form.add_error("body" if error.field == "body" else None, error.message)
            else:
                if not request.headers.get("HX-Request"):
                    return redirect(f"{action}#bericht-{message.pk}")
                form = MessageForm()
        # A refusal is a 400 with the form; htmx does not swap a 4xx in, so its fragment
        # (the same form with the same reason) comes with a 200.
        if form.errors and not request.headers.get("HX-Request"):
            status = 400
    if log is not None:
        log()
    thread = thread_of(subject)
    if request.method == "GET":
        thread_mark_read(thread=thread, user=request.user)
    context = {
        "subject": subject,
        "is_match": isinstance(subject, Match),
        "messages_shown": messages_shown(thread=thread, subject=subject, user=request.user),
        "form": form,
        "open": is_open(subject),
        "agreed": agreed(subject),
        "action": action,
        "back": back,
        "side": side,
    }
    template = "conversations/_thread.html" if request.headers.get("HX-Request") else "conversations/thread.html"
    return render(request, template, context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def match_thread(request, pk: int) -> HttpResponse:
    match, side = match_for_participant(user=request.user, pk=pk)
    back = reverse("matching_people:mine") if side == Side.VOLUNTEER else reverse("matching_people:requester")
    return _thread_page(
        request, subject=match, side=side, action=reverse("conversations:match", kwargs={"pk": match.pk}), back=back
    )


@login_required
@require_http_methods(["GET", "POST"])
def response_thread(request, pk: int) -> HttpResponse:
    response, side = response_for_participant(user=request.user, pk=pk)
    if side == Side.PARTNER:
        back = reverse("partners:responses", kwargs={"vacancy_pk": response.vacancy_id})
    else:
        back = reverse("vacancies:mine")
    return _thread_page(
        request,
        subject=response,
        side=side,
        action=reverse("conversations:response", kwargs={"pk": response.pk}),
        back=back,
    )


@login_required
@require_http_methods(["GET", "POST"])
def broker_thread(request, slug: str, pk: int) -> HttpResponse:
    organisation = staff_organisation(user=request.user, slug=slug, roles=set(StaffMembership.CARE_FILE_ROLES))
    match = match_for_broker(organisation=organisation, pk=pk, user=request.user)
    return _thread_page(
        request,
        subject=match,
        side=Side.BROKER,
        action=reverse("conversations_broker:thread", kwargs={"slug": organisation.slug, "pk": match.pk}),
        back=reverse("matching_broker:detail", kwargs={"slug": organisation.slug, "pk": match.pk}),
        log=lambda: request_read(request=request, help_request=match.request, what=AccessLogEntry.What.MESSAGES),
    )
