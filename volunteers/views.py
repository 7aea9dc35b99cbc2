from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from common.errors import DomainError
from volunteers.forms import VolunteerStartForm
from volunteers.models import Volunteer
from volunteers.services import volunteer_register


@login_required
def volunteer_start(request):
    if Volunteer.objects.filter(user=request.user).exists():
        return redirect("volunteers:home")
    form = VolunteerStartForm(request.POST or None, initial={"first_name": request.user.first_name})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            volunteer_register(
                user=request.user,
                first_name=data["first_name"],
                last_name=data["last_name"],
                location=form.location,
                postcode=data["postcode"],
                house_number=data["house_number"],
                max_distance_km=data["max_distance_km"],
                skills=data["skills"],
            )
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, _("Welkom! U staat nu ingeschreven als vrijwilliger."))
            return redirect("volunteers:home")
    return render(request, "volunteers/start.html", {"form": form})


@login_required
def volunteer_home(request):
    volunteer = (
        Volunteer.objects.filter(user=request.user)
        .select_related("organisation", "neighbourhood__municipality")
        .prefetch_related("skills")
        .first()
    )
    if volunteer is None:
        return redirect("volunteers:start")
    return render(request, "volunteers/home.html", {"volunteer": volunteer})
