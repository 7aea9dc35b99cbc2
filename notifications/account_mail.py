"""Account e-mail (sign-up, password reset) from django-allauth, sent through the outbox."""

import uuid

from allauth.account.adapter import DefaultAccountAdapter

from notifications.models import Category
from notifications.services import notification_queue


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix, email, context):
        message = self.render_mail(template_prefix, email, context)
        html = ""
        for content, mimetype in getattr(message, "alternatives", []):
            if mimetype == "text/html":
                html = content
        # Through the outbox: queued with the sign-up (and its confirmation key) and
        # sent after the commit; kept and retried when the broker or mail server is away.
        for address in message.to:
            notification_queue(
                key=f"account:{template_prefix.rsplit('/', 1)[-1]}:{uuid.uuid4().hex}",
                kind=template_prefix.rsplit("/", 1)[-1],
                category=Category.ACCOUNT,
                to_email=address,
                subject=message.subject,
                body=message.body,
                html=html,
            )
