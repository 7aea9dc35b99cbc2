"""A web worker's start-up (config.warmup, hooked into gunicorn by config/gunicorn.py):
it loads the views and templates, then freezes what it holds, so that the collector's
full runs no longer walk every long-lived object during a request."""

import gc
import runpy
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.template import engines

from config import warmup

GUNICORN_CONFIG = Path(__file__).resolve().parents[2] / "config" / "gunicorn.py"


@pytest.fixture
def unfrozen():
    gc.unfreeze()
    yield
    gc.unfreeze()


def test_worker_ready_loads_templates_and_freezes(unfrozen):
    assert gc.get_freeze_count() == 0
    warmup.worker_ready()
    assert gc.get_freeze_count() > 10_000
    # Every template of the project's folders is compiled and cached by now.
    loader = engines["django"].engine.template_loaders[0]
    loader.reset()
    warmup.warm_up()
    assert {"base.html", "reports/_tables.html", "caregivers/broker/queue.html"} <= set(loader.get_template_cache)


def test_the_gunicorn_hooks_call_the_warm_up(unfrozen, monkeypatch):
    calls = []
    monkeypatch.setattr(warmup, "worker_ready", lambda: calls.append("ready"))
    monkeypatch.setattr(warmup, "settle_memory", lambda: calls.append("settle"))
    config = runpy.run_path(str(GUNICORN_CONFIG))
    config["post_worker_init"](SimpleNamespace(nr=0))
    assert calls == ["ready"]
    for handled in range(1, warmup.SETTLE_AGAIN_AFTER_REQUESTS + 5):
        config["post_request"](SimpleNamespace(nr=handled), None, {}, None)
    # Once more after the first requests, not after every request.
    assert calls == ["ready", "settle"]


def test_a_broken_template_is_logged_not_fatal(unfrozen, tmp_path, settings, caplog):
    (tmp_path / "broken.html").write_text("{% if %}", encoding="utf-8")
    engine = engines["django"].engine
    original = list(engine.dirs)
    engine.dirs = [*original, str(tmp_path)]
    try:
        warmup.warm_up()
    finally:
        engine.dirs = original
    assert "broken.html" in caplog.text
