from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views import defaults
from django.views.decorators.http import require_GET

from accounts.roles import roles_for
from neighbourhoods.forms import AddressForm


def home(request):
    """Anonymous visitors see what the platform does for whom; people who are
    logged in see the start of each of their roles."""
    if not request.user.is_authenticated:
        return render(request, "home.html", {"lookup_form": AddressForm()})
    from conversations.selectors import unread_count

    roles = roles_for(request.user)
    return render(request, "accounts/home.html", {"roles": roles, "unread_messages": unread_count(request.user)})


def accessibility(request):
    """The accessibility statement: what we check, how, and what is not yet right."""
    return render(request, "accessibility.html")


@require_GET
def robots_txt(request):
    """Crawlers may read the public pages only (``config.sitemaps``), and find the sitemap."""
    from config.sitemaps import robots_lines

    lines = robots_lines(sitemap_url=request.build_absolute_uri(reverse("sitemap")))
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


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
