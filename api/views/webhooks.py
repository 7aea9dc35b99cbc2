"""The admin's page of the organisation's webhooks: make one (its secret shown once),
switch one off, remove one, and read the delivery log. Admins of the organisation only
(as the API keys page); 404 for others."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from api.forms import WebhookForm
from api.selectors import organisation_webhook_deliveries, organisation_webhooks
from api.views.tokens import ADMIN_ROLES
from api.webhooks import (
    LOG_SIZE,
    webhook_subscription_create,
    webhook_subscription_deactivate,
    webhook_subscription_delete,
)
from common.errors import DomainError
from neighbourhoods.selectors import staff_organisation


def _page(request, organisation, *, form=None, secret=None, status=200):
    context = {
        "organisation": organisation,
        "subscriptions": organisation_webhooks(organisation=organisation),
        "form": form or WebhookForm(),
        "secret": secret,
    }
    # The secret shown once is kept by no browser or proxy: config.middleware's
    # NoStoreForPersonalPagesMiddleware sends "no-store, private" on every logged-in page.
    return render(request, "api/webhooks.html", context, status=status)


@login_required
@require_safe
def webhook_list(request, slug):
    organisation = staff_organisation(user=request.user, slug=slug, roles=ADMIN_ROLES)
    return _page(request, organisation)


@login_required
@require_POST
def webhook_new(request, slug):
    organisation = staff_organisation(user=request.user, slug=slug, roles=ADMIN_ROLES)
    form = WebhookForm(request.POST)
    if form.is_valid():
        try:
            made = webhook_subscription_create(
                organisation=organisation,
                target_url=form.cleaned_data["target_url"],
                events=form.cleaned_data["events"],
                by=request.user,
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            # Shown on this answer only (never in a redirect, the session or a mail).
            return _page(request, organisation, secret=made.secret, status=201)
    return _page(request, organisation, form=form, status=400)


@login_required
@require_POST
def webhook_deactivate(request, slug, pk):
    organisation = staff_organisation(user=request.user, slug=slug, roles=ADMIN_ROLES)
    subscription = get_object_or_404(organisation_webhooks(organisation=organisation), pk=pk)
    if webhook_subscription_deactivate(subscription=subscription):
        messages.success(request, _("De webhook naar %(url)s staat uit.") % {"url": subscription.target_url})
    return redirect("api_webhooks:list", slug=organisation.slug)


@login_required
@require_POST
def webhook_delete(request, slug, pk):
    organisation = staff_organisation(user=request.user, slug=slug, roles=ADMIN_ROLES)
    subscription = get_object_or_404(organisation_webhooks(organisation=organisation), pk=pk)
    url = subscription.target_url
    webhook_subscription_delete(subscription=subscription)
    messages.success(request, _("De webhook naar %(url)s is verwijderd.") % {"url": url})
    return redirect("api_webhooks:list", slug=organisation.slug)


@login_required
@require_safe
def webhook_deliveries(request, slug):
    organisation = staff_organisation(user=request.user, slug=slug, roles=ADMIN_ROLES)
    context = {
        "organisation": organisation,
        "deliveries": organisation_webhook_deliveries(organisation=organisation, limit=LOG_SIZE),
        "log_size": LOG_SIZE,
    }
    return render(request, "api/webhook_deliveries.html", context)
