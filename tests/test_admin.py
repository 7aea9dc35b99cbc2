"""Django admin works for superusers and only for them."""

import pytest
from django.contrib import admin
from django.urls import reverse

from tests.login import log_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser(email="root@example.nl", password="x-Very-secret-1")


@pytest.mark.parametrize("model", [m for m in admin.site._registry if m._meta.app_label != "auth"], ids=str)
def test_every_admin_changelist_and_add_page_loads(client, superuser, personas, model):
    log_in(client, superuser)
    opts = model._meta
    assert client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")).status_code == 200
    add = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add")).status_code
    # The outbox, the unsubscribe link keys, the record of privacy requests and the
    # access log are written by the platform only: their admins are read-only.
    read_only = {
        "notifications.Notification",
        "notifications.MailLinkKey",
        "privacy.RightsEvent",
        "audit.AccessLogEntry",
    }
    assert add == (403 if model._meta.label in read_only else 200)


def test_broker_cannot_use_admin(client, personas):
    log_in(client, personas["broker_a"])
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]
