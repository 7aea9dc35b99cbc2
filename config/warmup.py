"""Start-up of a web worker (gunicorn's hooks in ``config/gunicorn.py``).

Python's cyclic garbage collector now and then walks *every* object the process holds
(a "full collection"). A worker holds about 230,000 objects after Django has loaded
(modules, views, URL patterns, translations, compiled templates), and walking them took
80-100 ms on our 2-core machine: a random request paid that on top of its own time, about
one in three views of the municipality dashboard (benchmarks/README.md, "Reports"). Those
objects live as long as the worker, so after loading we move them out of the collector's
sight (``gc.freeze``); a full collection then walks only what the requests made (about
5 ms). Garbage is still freed: by reference counting as before, and cycles made after
the freeze by the collector as before.
"""

from __future__ import annotations

import gc
import logging
from pathlib import Path

logger = logging.getLogger("buurtmakelaar.warmup")

# After this many requests a worker settles once more: what the first requests loaded
# lazily (templates not found by warm_up, caches of model metadata) is long-lived too.
SETTLE_AGAIN_AFTER_REQUESTS = 200


def settle_memory() -> None:
    """Collect the garbage there is now, then freeze every object left (see above)."""
    gc.collect()
    gc.freeze()


def warm_up() -> None:
    """Load now what the first requests would load one by one: every URL pattern (and
    so every view module), the translation catalogues of every language, and every
    template of the project's template folders."""
    from django.conf import settings
    from django.template import TemplateDoesNotExist, TemplateSyntaxError, engines
    from django.urls import get_resolver
    from django.utils import translation

    get_resolver().reverse_dict  # noqa: B018 - imports every URLconf and view, fills the reverse table
    for code, _name in settings.LANGUAGES:
        with translation.override(code):  # activating a language loads its catalogue
            pass
    engine = engines["django"]
    # The project's own folders (settings.TEMPLATES DIRS), not every installed app's.
    for folder in engine.engine.dirs:
        root = Path(folder)
        for path in sorted(root.rglob("*.html")):
            name = path.relative_to(root).as_posix()
            try:
                engine.get_template(name)
            except (TemplateDoesNotExist, TemplateSyntaxError) as error:
                # A broken template fails its own page (and the tests); never the worker.
                logger.warning("warm_up: template %s not loaded: %s", name, error)


def worker_ready() -> None:
    """What a web worker does once the application is loaded, before its first request."""
    warm_up()
    settle_memory()


def request_done(requests_handled: int) -> None:
    """After each request: settle once more after ``SETTLE_AGAIN_AFTER_REQUESTS``."""
    if requests_handled == SETTLE_AGAIN_AFTER_REQUESTS:
        settle_memory()
