"""The access log of care data (NEN 7513): one row per read of a person's file.

Append-only. The rows form a hash chain: each row stores the hash of the row before it
(``prev_hash``) and the hash of its own canonical content (``hash``, see
:mod:`audit.chain`), so an edited, removed or inserted row breaks the chain and
``manage.py access_log_verify`` names the first bad row.

Nothing cascades the log away: the person the row is about is a pseudonymous key
(``mantelzorger:12``, ``user:5``, ``request:7``) plus plain ids without a foreign key,
so erasing a person or a user neither deletes nor blocks on log rows. The actor is a
foreign key with SET_NULL (erasing a staff account empties it) next to a frozen copy of
who they were at the time (``actor_key``, ``actor_label``, ``actor_role``), which the
hash covers.

Through the app a row can only be added: ``save()`` on a stored row, ``delete()`` and a
queryset's ``update()``/``delete()``/``bulk_create()`` raise. On PostgreSQL a trigger
refuses UPDATE and DELETE in the database itself (migration 0001); on SQLite a trigger
refuses UPDATE. The two exceptions are the actor's foreign key set to NULL when a user is
deleted (the trigger checks that nothing else changes) and
:func:`audit.services.access_log_prune`, the one way to delete (retention, 5 years).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    """An attempt to change or remove a row of the access log through the app."""


class AccessLogQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("The access log is append-only.")

    def delete(self):
        raise AppendOnlyError("The access log is append-only; audit.services.access_log_prune is the one way out.")

    def bulk_create(self, *args, **kwargs):
        raise AppendOnlyError("Rows are added one by one through audit.services.access_record (the hash chain).")

    def bulk_update(self, *args, **kwargs):
        raise AppendOnlyError("The access log is append-only.")


class AccessLogEntry(models.Model):
    """One read of care data: who, when, whose file, what, from which client."""

    class What(models.TextChoices):
        # The broker's desk.
        QUEUE = "queue", _("lijst met hulpvragen")
        REQUEST_DETAIL = "request_detail", _("hulpvraag met zorggegevens")
        REQUEST_INTAKE = "request_intake", _("intake van een hulpvraag")
        REQUEST_STEP = "request_step", _("stap bij een hulpvraag (doorverwijzen, intrekken)")
        SUGGESTIONS = "suggestions", _("voorstellen van vrijwilligers")
        SUGGESTIONS_API = "suggestions_api", _("voorstellen van vrijwilligers (API)")
        MATCH_DETAIL = "match_detail", _("koppeling")
        SIGNAL = "signal", _("signaal over iemand")
        MESSAGES = "messages", _("berichten bij een koppeling")
        # Django's admin.
        ADMIN_LIST = "admin_list", _("beheer: lijst")
        ADMIN_VIEW = "admin_view", _("beheer: gegevens")
        # The volunteer and the e-mail link.
        VOLUNTEER_MATCH = "volunteer_match", _("vrijwilliger: gegevens van de koppeling")
        LINK_PAGE = "link_page", _("link uit de e-mail met een voorstel")
        # The log itself.
        LOG_EXPORT = "log_export", _("export van het inzagelog")

    seq = models.PositiveBigIntegerField(unique=True, editable=False)
    at = models.DateTimeField(_("wanneer"), db_index=True, editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    # Frozen at the time: "user:5" (or "" for someone holding an e-mail link), the
    # e-mail address and the role.
    actor_key = models.CharField(max_length=40, blank=True, editable=False)
    actor_label = models.CharField(_("wie"), max_length=254, blank=True, editable=False)
    actor_role = models.CharField(_("rol"), max_length=40, blank=True, editable=False)
    # Never a constraint and never a cascade: the log outlives organisations' rows too.
    organisation = models.ForeignKey(
        "neighbourhoods.Organisation",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        editable=False,
    )
    subject_key = models.CharField(_("over wie"), max_length=64, db_index=True, editable=False)
    subject_mantelzorger_id = models.PositiveBigIntegerField(null=True, blank=True, db_index=True, editable=False)
    subject_user_id = models.PositiveBigIntegerField(null=True, blank=True, db_index=True, editable=False)
    subject_request_id = models.PositiveBigIntegerField(null=True, blank=True, db_index=True, editable=False)
    what = models.CharField(_("wat"), max_length=40, choices=What.choices, editable=False)
    object_ref = models.CharField(_("welk gegeven"), max_length=1000, blank=True, editable=False)
    client_ip = models.CharField(_("netwerk"), max_length=64, blank=True, editable=False)
    user_agent = models.CharField(_("browser"), max_length=200, blank=True, editable=False)
    prev_hash = models.CharField(max_length=64, editable=False)
    hash = models.CharField(max_length=64, unique=True, editable=False)

    objects = AccessLogQuerySet.as_manager()

    class Meta:
        ordering = ["-seq"]
        indexes = [models.Index(fields=["organisation", "at"], name="access_log_org_at")]
        verbose_name = _("inzage")
        verbose_name_plural = _("inzagelog")

    def __str__(self) -> str:
        return f"#{self.seq} {self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.what} {self.subject_key}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("A row of the access log cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("A row of the access log cannot be deleted; see audit.services.access_log_prune.")


class AccessLogAnchor(models.Model):
    """Where the chain starts after a prune: the last pruned row's number and hash.

    ``access_log_prune`` writes one per run; ``access_log_verify`` starts from the
    newest, so the remaining chain stays verifiable."""

    seq = models.PositiveBigIntegerField(unique=True)
    hash = models.CharField(max_length=64)
    pruned_before = models.DateTimeField()
    pruned_count = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-seq"]
        verbose_name = _("begin van het inzagelog na opschonen")
        verbose_name_plural = _("begin van het inzagelog na opschonen")

    def __str__(self) -> str:
        return f"#{self.seq} {self.hash[:12]}"
