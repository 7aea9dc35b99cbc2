"""Small builders for the outbox tests (tests/notifications/)."""

from __future__ import annotations

from notifications.models import Category, Notification
from notifications.services import notification_queue

SECRET_LINK = "https://buurt.example/koppelingen/link/accept/geheim-geheim-geheim-123/"
BODY = f"Beste Vera,\n\nWilt u helpen? Klik hier:\n{SECRET_LINK}\n"
HTML = f'<p>Beste Vera,</p><p><a href="{SECRET_LINK}">Ja, ik help</a></p>'


def queue(key: str = "test:1", *, category: str = Category.UPDATES, to_email: str = "vera@example.nl", **fields):
    """Queue one e-mail with a secret link in its body (as a proposal has)."""
    values = {"kind": "test", "subject": "Wilt u helpen?", "body": BODY, "html": HTML, **fields}
    return notification_queue(key=key, category=category, to_email=to_email, **values)


def waiting(count: int, *, prefix: str = "row") -> list[Notification]:
    return [queue(f"{prefix}:{i}", to_email=f"persoon{i}@example.nl") for i in range(count)]


def fresh(row: Notification) -> Notification:
    return Notification.objects.get(pk=row.pk)
