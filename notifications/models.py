"""The e-mail outbox and people's mail preferences.

Every e-mail the platform sends is first written as a :class:`Notification` row, in
the same transaction as the change it tells about (a proposal, a yes, a reminder).
A Celery task delivers it after the commit; a periodic task delivers whatever is
still waiting (the broker was down, a worker died). The row's unique ``key`` makes
queueing idempotent (the same reminder is never queued twice) and its state makes
delivery idempotent (a retried or redelivered task never sends a row that was sent).
After sending, the body is cleared: what stays is the record of what was sent, to
whom and when, kept for ``NOTIFICATION_RETENTION_DAYS``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    """What a person can switch off. ``account`` mail (verify your address, reset your
    password) is always sent."""

    ACCOUNT = "account", _("account (altijd)")
    PROPOSALS = "proposals", _("nieuwe voorstellen om te helpen")
    UPDATES = "updates", _("nieuws over mijn koppelingen")
    REMINDERS = "reminders", _("herinneringen")
    BROKER = "broker", _("meldingen voor makelaars")
    DIGEST = "digest", _("dagelijks overzicht voor makelaars")


OPTIONAL_CATEGORIES = [c for c in Category if c != Category.ACCOUNT]


class Notification(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("wacht")
        SENDING = "sending", _("wordt verstuurd")
        SENT = "sent", _("verstuurd")
        FAILED = "failed", _("mislukt")

    key = models.CharField(_("sleutel"), max_length=200, unique=True)
    kind = models.CharField(_("soort"), max_length=50)
    category = models.CharField(_("categorie"), max_length=20, choices=Category.choices)
    to_email = models.EmailField(_("aan"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    organisation = models.ForeignKey(
        "neighbourhoods.Organisation", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    match = models.ForeignKey("matches.Match", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    subject = models.CharField(_("onderwerp"), max_length=300)
    # Cleared once sent (links in it may be secrets).
    body = models.TextField(blank=True)
    html = models.TextField(blank=True)
    message_id = models.CharField(max_length=200)
    status = models.CharField(_("stand"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("verstuurd op"), null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(_("aangemaakt"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "created_at"])]
        verbose_name = _("bericht")
        verbose_name_plural = _("berichten")

    def __str__(self) -> str:
        return f"{self.kind} → {self.to_email} ({self.status})"


class MailPreferences(models.Model):
    """Which optional e-mails a person wants. Keyed by e-mail address, so that people
    without an account (imported volunteers, requesters entered by a broker) can also
    say no, through the link at the bottom of every e-mail. No row = everything on."""

    email = models.EmailField(_("e-mailadres"), unique=True)
    proposals = models.BooleanField(_("nieuwe voorstellen om te helpen"), default=True)
    updates = models.BooleanField(_("nieuws over mijn koppelingen"), default=True)
    reminders = models.BooleanField(_("herinneringen"), default=True)
    broker = models.BooleanField(_("meldingen voor makelaars"), default=True)
    digest = models.BooleanField(_("dagelijks overzicht voor makelaars"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("e-mailvoorkeuren")
        verbose_name_plural = _("e-mailvoorkeuren")

    def __str__(self) -> str:
        return self.email

    def wants(self, category: str) -> bool:
        if category == Category.ACCOUNT:
            return True
        return bool(getattr(self, category, True))


class MailLinkKey(models.Model):
    """The opaque id that stands for an address in the one-click 'switch this off'
    link of every optional e-mail, so that the link never carries the address itself.
    One per address, made when the first such mail is written; erasure removes it
    (old links then stop working)."""

    email = models.EmailField(_("e-mailadres"), unique=True)
    key = models.CharField(max_length=32, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("sleutel voor afmeldlinks")
        verbose_name_plural = _("sleutels voor afmeldlinks")

    def __str__(self) -> str:
        return self.email
