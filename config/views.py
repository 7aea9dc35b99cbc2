from django.shortcuts import render

from accounts.roles import roles_for
from neighbourhoods.forms import AddressForm


def home(request):
    """Anonymous visitors see what the platform does for whom; people who are
    logged in see the start of each of their roles."""
    if not request.user.is_authenticated:
        return render(request, "home.html", {"lookup_form": AddressForm()})
    roles = roles_for(request.user)
    return render(request, "accounts/home.html", {"roles": roles})
