"""Messages between the people of one match or one vacancy response.

A :class:`Thread` is about exactly one subject: a match (the volunteer, the person who
asked or their mantelzorger, and the organisation's brokers) or a response to a vacancy
(the volunteer and the partner's accounts). A database constraint holds that exactly
one subject is set; a new kind of subject (an activity) is one more nullable foreign key
and one more branch of the constraint. The thread goes with its subject (cascade): every
message is kept with the match and erased with it.

Messages are plain text (no attachments, at most ``Message.MAX_LENGTH`` characters),
shown escaped. Who wrote a message is the account and the side they wrote as; their
name is looked up when the page is shown (first names only until both sides agreed)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Thread(models.Model):
    class Kind(models.TextChoices):
        MATCH = "match", _("koppeling")
        RESPONSE = "response", _("reactie op een vacature")

    organisation = models.ForeignKey(
        "neighbourhoods.Organisation", on_delete=models.CASCADE, related_name="conversation_threads"
    )
    match = models.OneToOneField(
        "matches.Match", null=True, blank=True, on_delete=models.CASCADE, related_name="conversation"
    )
    response = models.OneToOneField(
        "partners.Response", null=True, blank=True, on_delete=models.CASCADE, related_name="conversation"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_message_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-last_message_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(match__isnull=False) & Q(response__isnull=True))
                | (Q(match__isnull=True) & Q(response__isnull=False)),
                name="conversation_thread_one_subject",
            ),
        ]
        verbose_name = _("gesprek")
        verbose_name_plural = _("gesprekken")

    def __str__(self) -> str:
        return f"{self.kind}:{self.match_id or self.response_id}"

    @property
    def kind(self) -> str:
        return self.Kind.MATCH if self.match_id else self.Kind.RESPONSE


class Message(models.Model):
    MAX_LENGTH = 2000

    class Side(models.TextChoices):
        VOLUNTEER = "volunteer", _("vrijwilliger")
        REQUESTER = "requester", _("hulpvrager")
        BROKER = "broker", _("makelaar")
        PARTNER = "partner", _("partnerorganisatie")

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="messages")
    # Empty once the author's login is removed: the side still says who wrote it.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    side = models.CharField(_("als"), max_length=20, choices=Side.choices)
    body = models.TextField(_("bericht"), max_length=MAX_LENGTH)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["thread", "created_at"])]
        verbose_name = _("bericht")
        verbose_name_plural = _("berichten")

    def __str__(self) -> str:
        return f"{self.thread_id}: {self.side} {self.created_at:%Y-%m-%d %H:%M}"


class ThreadRead(models.Model):
    """Until when one person has read a thread (for the unread count)."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="reads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    read_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["thread", "user"], name="conversation_read_once")]
        verbose_name = _("gelezen tot")
        verbose_name_plural = _("gelezen tot")

    def __str__(self) -> str:
        return f"{self.thread_id}/{self.user_id}: {self.read_at:%Y-%m-%d %H:%M}"
