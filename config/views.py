from django.shortcuts import render
from django.views import defaults

from accounts.roles import roles_for
from neighbourhoods.forms import AddressForm


def home(request):
    """Anonymous visitors see what the platform does for whom; people who are
    logged in see the start of each of their roles."""
    if not request.user.is_authenticated:
        return render(request, "home.html", {"lookup_form": AddressForm()})
    roles = roles_for(request.user)
    return render(request, "accounts/home.html", {"roles": roles})


def accessibility(request):
    """The accessibility statement: what we check, how, and what is not yet right."""
    return render(request, "accessibility.html")


def not_found(request, exception=None):
    """404: a problem document under /api/ (api.problems), the site's page elsewhere."""
    if request.path.startswith("/api/"):
        from api.problems import not_found as api_not_found

        return api_not_found(request, exception)
    return defaults.page_not_found(request, exception)


def server_error(request):
    if request.path.startswith("/api/"):
        from api.problems import server_error as api_server_error

        return api_server_error(request)
    return defaults.server_error(request)
