"""Fixtures for the broker's intake desk: org-a's broker and a way to make requests
of a given age."""

import datetime

import pytest
from django.utils import timezone

from caregivers.models import HelpRequest
from demo.factories import HelpRequestFactory
from tests.login import log_in


@pytest.fixture
def org_a(region):
    return region["org_a"]


@pytest.fixture
def broker(personas):
    return personas["broker_a"]


@pytest.fixture
def broker_client(client, broker):
    log_in(client, broker)
    return client


@pytest.fixture
def make_request(org_a):
    """A request of org-a (by default) that came in ``days_ago`` days ago."""

    def make(*, days_ago: float = 0, **kwargs):
        kwargs.setdefault("organisation", org_a)
        help_request = HelpRequestFactory(**kwargs)
        if days_ago:
            created = timezone.now() - datetime.timedelta(days=days_ago)
            HelpRequest.objects.filter(pk=help_request.pk).update(created_at=created)
            help_request.refresh_from_db()
        return help_request

    return make
