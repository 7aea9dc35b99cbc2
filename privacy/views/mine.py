"""The person's own page "Mijn gegevens": download everything (JSON, a readable page)
and erase the account. No view here takes an id: it is always the logged-in person."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import roles_for
from common.errors import DomainError
from privacy.export import personal_data_collect, personal_data_json, readable
from privacy.forms import EraseAccountForm
from privacy.selectors import last_admin_of, subject_for_user
from privacy.services import account_erase


def json_download(data: dict, filename: str) -> HttpResponse:
    response = HttpResponse(personal_data_json(data), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def my_data(request):
    return render(request, "privacy/mine.html", {"roles": roles_for(request.user)})


@login_required
def my_data_json(request):
    data = personal_data_collect(subject_for_user(request.user))
    return json_download(data, f"mijn-gegevens-{timezone.localdate():%Y-%m-%d}.json")


@login_required
def my_data_page(request):
    data = personal_data_collect(subject_for_user(request.user))
    return render(request, "privacy/export.html", {"data": data, "tree": readable(data["parts"]), "own": True})


@login_required
def my_data_erase(request):
    blocked = last_admin_of(request.user)
    form = EraseAccountForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            account_erase(user=request.user, password=form.cleaned_data["password"])
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            logout(request)
            messages.success(request, _("Uw gegevens en uw account zijn gewist. U bent uitgelogd."))
            return redirect("home")
    return render(
        request,
        "privacy/erase.html",
        {"form": form, "roles": roles_for(request.user), "blocked": blocked},
    )
