"""The public activity pages (``/activiteiten/``, namespace ``activities``): the list,
one activity (server-rendered, with Open Graph and schema.org ``Event``), signing
oneself up or off, and the page behind the link of a waiting-list offer."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from activities.forms import OfferAnswerForm, SignUpForm
from activities.models import SignUp
from activities.selectors import own_signup, places_left, public_activities, public_activity
from activities.seo import activity_structured_data, activity_summary
from activities.services import offer_answer, offer_for_token, signup_cancel, signup_create
from activities.views.common import add_domain_error
from caregivers.models import HelpRequest, Mantelzorger
from common.errors import DomainError
from volunteers.models import Volunteer

PAGE_SIZE = 50


def activity_list(request):
    activities = list(public_activities()[:PAGE_SIZE])
    return render(request, "activities/public/list.html", {"activities": activities, "page_size": PAGE_SIZE})


def _detail_context(request, activity, form=None) -> dict:
    url = request.build_absolute_uri(reverse("activities:detail", args=[activity.pk]))
    return {
        "activity": activity,
        "own": own_signup(activity=activity, user=request.user),
        "places_left": places_left(activity),
        "helper_places_left": places_left(activity, SignUp.Role.HELPER),
        "form": form or SignUpForm(),
        "canonical_url": url,
        "summary": activity_summary(activity),
        "structured_data": activity_structured_data(activity, url=url),
    }


def activity_detail(request, pk):
    activity = public_activity(pk=pk)
    return render(request, "activities/public/detail.html", _detail_context(request, activity))


def _profiles(user, activity) -> dict:
    organisation_id = activity.organisation_id
    return {
        "volunteer": Volunteer.objects.filter(user=user, organisation_id=organisation_id).first(),
        "mantelzorger": Mantelzorger.objects.filter(user=user, organisation_id=organisation_id).first(),
        "requester": HelpRequest.objects.filter(requester=user, organisation_id=organisation_id).exists(),
    }


@login_required
@require_POST
def activity_signup(request, pk):
    """Sign oneself up: a carer or someone who asked the centre for help as a
    participant, a volunteer of the centre as a helper."""
    activity = public_activity(pk=pk)
    form = SignUpForm(request.POST)
    if form.is_valid():
        role = form.cleaned_data["role"]
        profiles = _profiles(request.user, activity)
        try:
            if role == SignUp.Role.HELPER and profiles["volunteer"] is None:
                raise DomainError(_("Om te helpen meldt u zich eerst aan als vrijwilliger bij deze centrale."))
            if role == SignUp.Role.PARTICIPANT and not (profiles["mantelzorger"] or profiles["requester"]):
                raise DomainError(
                    _("Meedoen kan als u mantelzorger bent of hulp vroeg bij deze centrale. Bel of mail de centrale.")
                )
            signup = signup_create(
                activity=activity,
                role=role,
                by=request.user,
                user=request.user,
                mantelzorger=profiles["mantelzorger"] if role == SignUp.Role.PARTICIPANT else None,
                volunteer=profiles["volunteer"] if role == SignUp.Role.HELPER else None,
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            if signup.status == SignUp.Status.CONFIRMED:
                messages.success(request, _("U bent aangemeld. U heeft een plaats."))
            else:
                messages.info(
                    request,
                    _("De activiteit is vol. U staat op de wachtlijst. Krijgt u een plaats, dan mailen wij u."),
                )
            return redirect("activities:detail", pk=activity.pk)
    context = _detail_context(request, activity, form)
    return render(request, "activities/public/detail.html", context, status=400)


@login_required
@require_POST
def activity_cancel(request, pk):
    activity = public_activity(pk=pk)
    signup = own_signup(activity=activity, user=request.user)
    if signup is None:
        messages.error(request, _("U bent niet aangemeld voor deze activiteit."))
        return redirect("activities:detail", pk=activity.pk)
    try:
        signup_cancel(signup=signup, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("U bent afgemeld. Uw plaats gaat naar de volgende op de wachtlijst."))
    return redirect("activities:detail", pk=activity.pk)


def offer(request, token):
    """The link in the offer mail: take the place or pass it on. The secret in the
    address is the proof; an unknown, used or expired link says so (404/410)."""
    signup = offer_for_token(token)
    if signup is None:
        return render(request, "activities/public/offer_gone.html", status=404)
    form = OfferAnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            signup = offer_answer(token=token, accept=form.cleaned_data["answer"] == "accept")
        except DomainError as error:
            return render(request, "activities/public/offer_gone.html", {"reason": error.message}, status=410)
        return render(request, "activities/public/offer_done.html", {"signup": signup, "activity": signup.activity})
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "activities/public/offer.html",
        {"signup": signup, "activity": signup.activity, "form": form},
        status=status,
    )
