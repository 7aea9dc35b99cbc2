"""The API app listens to the rows that record a change below it (connected in
``ApiConfig.ready``): a ``MatchEvent`` or a new ``CareSignal`` becomes webhook deliveries
in the same transaction (``api.webhooks``). No import of those apps' code: the models
are looked up by name."""

from __future__ import annotations

from api.webhooks import match_event_record, signal_event_record


def match_event_saved(sender, instance, created, raw=False, **kwargs):
    if not created or raw:
        return
    match_event_record(
        matches=[instance.match], from_status=instance.from_status, to_status=instance.to_status, at=instance.at
    )


def match_events_inserted(sender, matches, from_status, to_status, at=None, **kwargs):
    match_event_record(matches=matches, from_status=from_status, to_status=to_status, at=at)


def care_signal_saved(sender, instance, created, raw=False, **kwargs):
    if not created or raw:
        return
    signal_event_record(signal=instance)
