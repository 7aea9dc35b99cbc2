"""The installable web app (issue #18, item 5): the web manifest, the service worker and
the page it shows when there is no network.

The service worker (``templates/pwa/sw.js``, served from the site's root so that its
scope is the whole site) keeps the static files in a cache named after the static files'
version (:func:`static_version`): a deploy with changed files changes the worker's bytes,
the browser installs the new worker, and that one deletes the caches of older versions.
It never keeps a page: a navigation goes to the network, and only when the network is
down does it answer with the offline page, the one page it keeps. That page is rendered
without the request, so nothing of whoever installed the worker can end up in it.
"""

from __future__ import annotations

import hashlib
import json
import os

from django.conf import settings
from django.contrib.staticfiles.finders import get_finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

NAME = "Buurtmakelaar"
THEME_COLOUR = "#1f5f4a"  # --c-primary in static/css/site.css
BACKGROUND_COLOUR = "#f7f6f2"  # --c-bg
# What every page needs (base.html) and what the offline page shows, fetched when the
# worker installs; other static files are kept the first time a page asks for them.
PRECACHE = (
    "css/site.css",
    "js/menu.js",
    "js/pwa.js",
    "vendor/htmx-2.0.11.min.js",
    "img/logo.svg",
    "img/favicon.svg",
)
ICONS = (
    ("img/icons/icon-192.png", "192x192", "any"),
    ("img/icons/icon-512.png", "512x512", "any"),
    ("img/icons/icon-maskable-512.png", "512x512", "maskable"),
)
CACHE_PREFIX = "buurtmakelaar-static-"


def static_version() -> str:
    """A short fingerprint of the static files as deployed.

    In production (``ManifestStaticFilesStorage``) the hash of ``staticfiles.json``, which
    changes with any file's content. Without a manifest (development) the name, size and
    modification time of every file the finders see: a changed file changes it too."""
    manifest_hash = getattr(staticfiles_storage, "manifest_hash", "")
    if manifest_hash:
        return manifest_hash[:16]
    digest = hashlib.sha256()
    for finder in get_finders():
        for path, storage in finder.list(["CVS", ".*", "*~"]):
            stat = os.stat(storage.path(path))
            digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:16]


@require_GET
def web_manifest(request):
    """The web app manifest: what a phone needs to put Buurtmakelaar on its home screen."""
    home = reverse("home")
    manifest = {
        "id": home,
        "name": NAME,
        "short_name": NAME,
        "description": _(
            "Buurtmakelaar brengt vrijwilligers en mensen die een hand nodig hebben bij elkaar, in uw eigen buurt."
        ),
        "lang": get_language(),
        "dir": "ltr",
        "start_url": home,
        "scope": home,
        "display": "standalone",
        "theme_color": THEME_COLOUR,
        "background_color": BACKGROUND_COLOUR,
        "icons": [
            {"src": static(path), "sizes": sizes, "type": "image/png", "purpose": purpose}
            for path, sizes, purpose in ICONS
        ],
    }
    response = JsonResponse(
        manifest, content_type="application/manifest+json", json_dumps_params={"ensure_ascii": False}
    )
    # The description follows the language: ask again each time (a 304 when unchanged).
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def service_worker(request):
    """``/sw.js``: the service worker, with the static files' version and what to keep."""
    config = {
        "cache": CACHE_PREFIX + static_version(),
        "cachePrefix": CACHE_PREFIX,
        # Not static(""): a manifest storage has no hashed name for "" (ValueError).
        "static": settings.STATIC_URL,
        "offline": reverse("offline"),
        "precache": [static(path) for path in PRECACHE],
    }
    body = render_to_string("pwa/sw.js", {"config": json.dumps(config, sort_keys=True)})
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    # Browsers look for a new worker on every visit; a stale copy from a cache would
    # keep an old version's files in use after a deploy.
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def offline(request):
    """The page the service worker shows when a page cannot load for want of a network.

    Rendered without the request (no user, no session, no CSRF token): the worker keeps
    it, so it must be the same for everybody. Only the language is the visitor's."""
    body = render_to_string("pwa/offline.html")
    response = HttpResponse(body)
    response["Cache-Control"] = "no-cache"
    return response
