"""The installable web app (issue #18, item 5): the manifest, the service worker at /sw.js
and the offline page it keeps (config/pwa.py). The worker itself runs in chromium in
tests/e2e/test_pwa.py."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import reverse
from PIL import Image

from config import pwa
from tests.login import log_in

pytestmark = pytest.mark.django_db


def _worker_config(response) -> dict:
    found = re.search(r"^const CONFIG = (\{.*\})$", response.content.decode(), re.MULTILINE)
    assert found, response.content.decode()[:500]
    return json.loads(found.group(1))


def test_every_page_links_the_manifest_the_icon_and_the_worker(client):
    html = client.get(reverse("home")).content.decode()
    assert f'<link rel="manifest" href="{reverse("web_manifest")}"' in html
    assert '<meta name="theme-color" content="#1f5f4a">' in html
    assert f'data-service-worker="{reverse("service_worker")}" data-scope="/"' in html


def test_the_manifest_makes_the_site_installable(client):
    response = client.get(reverse("web_manifest"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["name"] == manifest["short_name"] == "Buurtmakelaar"
    assert manifest["start_url"] == manifest["scope"] == "/"
    assert manifest["display"] == "standalone"
    assert manifest["theme_color"] == "#1f5f4a"
    assert manifest["lang"] == "nl"
    assert "vrijwilligers" in manifest["description"]

    by_purpose = {(icon["sizes"], icon["purpose"]): icon for icon in manifest["icons"]}
    assert set(by_purpose) == {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")}
    for (sizes, _purpose), icon in by_purpose.items():
        # The file is there and is the PNG of the size the manifest says.
        assert icon["type"] == "image/png"
        path = finders.find(icon["src"].removeprefix(settings.STATIC_URL))
        assert path, icon["src"]
        with Image.open(path) as image:
            assert image.format == "PNG"
            assert f"{image.width}x{image.height}" == sizes


def test_the_maskable_icon_fills_its_square(client):
    """A maskable icon has no transparent corners: the phone cuts its own shape from it."""
    with Image.open(finders.find("img/icons/icon-maskable-512.png")) as image:
        corners = [image.convert("RGBA").getpixel(xy) for xy in ((0, 0), (511, 0), (0, 511), (511, 511))]
    assert all(alpha == 255 for *_rgb, alpha in corners), corners
    with Image.open(finders.find("img/icons/icon-512.png")) as image:
        assert image.convert("RGBA").getpixel((0, 0))[3] == 0  # the rounded one does


def test_the_manifest_speaks_english_when_chosen(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    manifest = json.loads(client.get(reverse("web_manifest")).content)
    assert manifest["lang"] == "en"
    assert "volunteers" in manifest["description"]


def test_the_worker_is_javascript_from_the_root_and_never_stale(client):
    response = client.get(reverse("service_worker"))
    assert reverse("service_worker") == "/sw.js"  # its scope is then the whole site
    assert response.status_code == 200
    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    assert response["Cache-Control"] == "no-cache"
    assert response["Content-Security-Policy"]  # the worker runs under the same policy
    config = _worker_config(response)
    assert config["offline"] == reverse("offline")
    assert config["static"] == settings.STATIC_URL
    assert config["cache"] == pwa.CACHE_PREFIX + pwa.static_version()
    assert config["cache"].startswith(config["cachePrefix"])
    # It keeps the files every page loads (base.html), so the offline page has its look.
    html = client.get(reverse("home")).content.decode()
    for url in config["precache"]:
        assert finders.find(url.removeprefix(settings.STATIC_URL)), url
        assert f'"{url}"' in html, url


def test_the_worker_caches_static_files_only_and_cleans_up_older_caches(client):
    """What the worker keeps is in its code: static files (cache first), the offline page
    for a navigation that fails; every other request (pages, the API, POST) passes by."""
    code = client.get(reverse("service_worker")).content.decode()
    assert "url.pathname.startsWith(CONFIG.static)" in code
    assert "request.mode === 'navigate'" in code
    assert "request.method !== 'GET'" in code
    # A page is never put in the cache: the only cache.put is in staticFile().
    assert code.count("cache.put(") == 1
    assert code.index("cache.put(") > code.index("async function staticFile")
    assert code.index("cache.put(") < code.index("async function pageOrOffline")
    assert "name.startsWith(CONFIG.cachePrefix) && name !== CONFIG.cache" in code
    assert "caches.delete(name)" in code


def test_a_deploy_with_changed_static_files_gets_a_new_cache(client, tmp_path, settings):
    before = pwa.static_version()
    extra = tmp_path / "static"
    extra.mkdir()
    (extra / "new.css").write_text("body { color: black; }\n")
    settings.STATICFILES_DIRS = [*settings.STATICFILES_DIRS, extra]
    finders.get_finder.cache_clear()
    try:
        after = pwa.static_version()
        assert after != before
        assert _worker_config(client.get(reverse("service_worker")))["cache"] == pwa.CACHE_PREFIX + after
        (extra / "new.css").write_text("body { color: #111; }\n")
        assert pwa.static_version() != after
    finally:
        settings.STATICFILES_DIRS = settings.STATICFILES_DIRS[:-1]
        finders.get_finder.cache_clear()


def test_with_the_production_storage_the_version_is_the_manifests_hash(client, settings, tmp_path):
    """In production (a manifest storage after collectstatic) the worker and the manifest
    name the hashed files, and the cache is named after the manifest's hash."""
    from django.contrib.staticfiles.storage import staticfiles_storage
    from django.core.management import call_command

    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    call_command("collectstatic", "--noinput", verbosity=0)
    staticfiles_storage._setup()  # the storage reads the manifest that collectstatic wrote
    assert staticfiles_storage.manifest_hash
    assert pwa.static_version() == staticfiles_storage.manifest_hash[:16]

    config = _worker_config(client.get(reverse("service_worker")))
    assert config["cache"] == pwa.CACHE_PREFIX + staticfiles_storage.manifest_hash[:16]
    assert config["static"] == settings.STATIC_URL
    site_css = next(url for url in config["precache"] if "/css/site" in url)
    assert re.fullmatch(r"/static/css/site\.[0-9a-f]{12}\.css", site_css), site_css
    assert (tmp_path / site_css.removeprefix("/static/")).is_file()
    icons = json.loads(client.get(reverse("web_manifest")).content)["icons"]
    assert all(re.search(r"\.[0-9a-f]{12}\.png$", icon["src"]) for icon in icons), icons


@pytest.mark.parametrize("name", ["web_manifest", "service_worker", "offline"])
def test_only_get(client, name):
    response = client.post(reverse(name))
    assert response.status_code == 405


def test_the_offline_page_is_the_same_for_everybody(client, personas):
    anonymous = client.get(reverse("offline"))
    assert anonymous.status_code == 200
    html = anonymous.content.decode()
    assert "<h1>Geen verbinding met internet</h1>" in html
    assert 'href=""' in html  # "Opnieuw proberen": the address that was asked for
    assert "csrfmiddlewaretoken" not in html

    log_in(client, personas["volunteer"])
    mine = client.get(reverse("offline"))
    assert mine.status_code == 200
    # The worker keeps it: nothing of the person who installed it may be in it.
    assert mine.content == anonymous.content
    assert "Uitloggen" not in mine.content.decode()
    assert personas["volunteer"].email not in mine.content.decode()
    assert mine["Cache-Control"] == "no-cache"


def test_the_offline_page_in_english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(reverse("offline"))
    assert response["Content-Language"] == "en"
    assert "<h1>No internet connection</h1>" in response.content.decode()


def test_the_privacy_page_says_what_the_browser_keeps(client):
    """What it promises (static files and the offline page, none of the person's pages) is
    what tests/e2e/test_pwa.py finds in the worker's cache after a logged-in visit."""
    html = client.get(reverse("privacy")).content.decode()
    assert "Uw browser bewaart ook de opmaak en de plaatjes van Buurtmakelaar" in html
    assert "gegevens bewaart de browser niet" in html
    e2e = (Path(settings.BASE_DIR) / "tests/e2e/test_pwa.py").read_text(encoding="utf-8")
    assert 'path.startswith("/static/") or path == "/offline/"' in e2e
