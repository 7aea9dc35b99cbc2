"""A few sample conversations on the demo's running matches (issue #16): the broker's
"Berichten bij deze koppeling" and inbox show something at once. Idempotent: a match
that has a conversation already is left alone."""

from __future__ import annotations

import datetime

from django.utils import timezone

from conversations.models import Message, Thread
from conversations.services import message_import
from matches.models import Match

Side = Message.Side

# (side, text, hours before now): the broker's words are written by the demo broker.
SAMPLES = (
    (
        (Side.VOLUNTEER, "Hallo! Zullen we dinsdag om twee uur kennismaken? Ik neem koffie mee.", 50),
        (Side.REQUESTER, "Dat is goed. Ik zie u dinsdag. Bel maar aan bij de achterdeur.", 48),
        (Side.BROKER, "Fijn dat het gelukt is! Laat u weten hoe de kennismaking ging?", 30),
    ),
    (
        (Side.REQUESTER, "Kunnen we deze week ook op donderdag in plaats van vrijdag?", 20),
        (Side.VOLUNTEER, "Donderdag past mij prima, dezelfde tijd.", 18),
    ),
    (
        (Side.BROKER, "Hoe gaat het met de boodschappen? Is alles naar wens?", 72),
        (Side.VOLUNTEER, "Het gaat goed. We doen elke week samen de boodschappen en drinken daarna koffie.", 60),
        (Side.REQUESTER, "Ik ben er heel blij mee.", 58),
    ),
)


def demo_conversations_load(*, organisation, broker) -> int:
    """Sample messages on up to three running matches of ``organisation``; returns how
    many matches got a conversation now."""
    existing = Thread.objects.filter(organisation=organisation, match__isnull=False).count()
    if existing >= len(SAMPLES):
        return 0
    matches = list(
        Match.objects.filter(organisation=organisation, status=Match.Status.ACTIVE, conversation__isnull=True).order_by(
            "pk"
        )[: len(SAMPLES) - existing]
    )
    now = timezone.now()
    for match, sample in zip(matches, SAMPLES[existing:], strict=False):
        for side, text, hours in sample:
            message_import(
                subject=match,
                side=side,
                body=text,
                at=now - datetime.timedelta(hours=hours),
                author=broker if side == Side.BROKER else None,
            )
    return len(matches)
