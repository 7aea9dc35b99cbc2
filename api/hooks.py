"""drf-spectacular hooks."""


def only_v1(endpoints, **kwargs):
    """The description covers /api/v1/ only (not the suggestions' old alias)."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/v1/")]
