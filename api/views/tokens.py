"""The admin's page of the organisation's API tokens: make one (its secret shown once),
see when each was last used, revoke one. Admins of the organisation only; 404 for others."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from api.forms import TokenForm
from api.selectors import organisation_tokens
from api.services import token_create, token_revoke
from common.errors import DomainError
from neighbourhoods.models import StaffMembership
from neighbourhoods.selectors import staff_organisation

ADMIN_ROLES = {StaffMembership.Role.ADMIN}


def _page(request, organisation, *, form=None, secret=None, status=200):
    context = {
        "organisation": organisation,
        "tokens": organisation_tokens(organisation=organisation),
        "form": form or TokenForm(),
        "secret": secret,
    }
    # The token shown once is kept by no browser or proxy: config.middleware's
    # NoStoreForPersonalPagesMiddleware sends "no-store, private" on every logged-in page.
    return render(request, "api/tokens.html", context, status=status)


@login_required
@require_safe
def token_list(request, slug):
    organisation = staff_organisation(user=request.user, slug=slug, roles=ADMIN_ROLES)
    return _page(request, organisation)


@login_required
@require_POST
def token_new(request, slug):
    organisation = staff_organisation(user=request.user, slug=slug, roles=ADMIN_ROLES)
    form = TokenForm(request.POST)
    if form.is_valid():
        try:
            made = token_create(
                organisation=organisation,
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
                days=form.cleaned_data["days"],
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
def token_revoke_view(request, slug, pk):
    organisation = staff_organisation(user=request.user, slug=slug, roles=ADMIN_ROLES)
    token = get_object_or_404(organisation_tokens(organisation=organisation), pk=pk)
    if token_revoke(token=token):
        messages.success(request, _("De sleutel %(name)s is ingetrokken.") % {"name": token.name})
    return redirect("api_tokens:list", slug=organisation.slug)
