"""Account e-mail (sign-up, password reset) from django-allauth, sent through the outbox."""

import uuid

from allauth.account.adapter import DefaultAccountAdapter

from notifications.models import Category
from notifications.services import notification_queue

# allauth's flash message "we sent an e-mail to …" after a sign-up. It is left out:
# allauth skips it when it sends no mail (the address was tried moments ago), which
# told a known address from a new one. The page after a sign-up says the same for all.
_SIGNUP_SENT_MESSAGE = "account/messages/email_confirmation_sent.txt"


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix, email, context):
        # allauth's own send_mail gives every template the address ({{ email }}).
        ctx = {"email": email, **context}
        message = self.render_mail(template_prefix, email, ctx)
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

    def add_message(self, request, level, message_template=None, message_context=None, extra_tags="", message=None):
        if message_template == _SIGNUP_SENT_MESSAGE and (message_context or {}).get("signup"):
            return
        super().add_message(
            request,
            level,
            message_template=message_template,
            message_context=message_context,
            extra_tags=extra_tags,
            message=message,
        )
