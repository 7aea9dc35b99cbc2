"""The public API's activities: the open activities of one centre, no sign-ups or names."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from activities.models import Activity
from activities.services import signup_create
from tests.activities.conftest import make_activity

pytestmark = pytest.mark.django_db


def test_the_open_activities_of_the_centre_with_free_places(client, scene):
    activity = make_activity(scene, participant_places=2)
    signup_create(activity=activity, role="participant", by=scene.broker, mantelzorger=scene.carers[0])
    ended = make_activity(scene, title="Afgelopen")
    Activity.objects.filter(pk=ended.pk).update(until=timezone.localdate() - datetime.timedelta(days=1))
    response = client.get(f"/api/v1/organisations/{scene.org.slug}/activities/")
    assert response.status_code == 200
    [row] = response.json()["results"]
    assert row["id"] == activity.pk and row["places_left"] == 1
    assert row["dates"][0]["start"] == "14:00:00"
    assert row["url"].endswith(f"/activiteiten/{activity.pk}/")
    assert scene.carers[0].first_name not in response.content.decode()
    assert client.get(f"/api/v1/organisations/{scene.org.slug}/activities/{ended.pk}/").status_code == 404
    assert client.get(f"/api/v1/organisations/org-b/activities/{activity.pk}/").status_code == 404
