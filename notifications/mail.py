"""Render an e-mail from one Dutch text template into subject, plain text and HTML.

A template ``<name>.txt`` holds the subject on its first line, then a blank line,
then the body. The HTML part wraps the same text in ``notifications/email/base.html``
(paragraphs, clickable links, one button for ``action_url``), unless ``<name>.html``
exists. Optional mail gets a footer with a link to switch that kind of mail off.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.template import TemplateDoesNotExist
from django.template.loader import get_template, render_to_string
from django.urls import reverse
from django.utils import translation

from notifications.links import absolute, unsubscribe_url
from notifications.models import Category


@dataclass(frozen=True)
class RenderedMail:
    subject: str
    body: str
    html: str


def render_mail(template: str, context: dict, *, to_email: str, category: str) -> RenderedMail:
    context = dict(context)
    if category != Category.ACCOUNT and to_email:
        context.setdefault("unsubscribe_url", unsubscribe_url(to_email, category))
        context.setdefault("preferences_url", absolute(reverse("notifications:preferences")))
        context.setdefault("category_label", Category(category).label)
    with translation.override("nl"):
        text = render_to_string(f"{template}.txt", context)
        first, _sep, rest = text.lstrip().partition("\n")
        subject = " ".join(first.split())
        body = rest.strip("\n") + "\n"
        footer = render_to_string("notifications/email/footer.txt", context).strip()
        if footer:
            body = f"{body}\n-- \n{footer}\n"
        try:
            html_template = get_template(f"{template}.html")
        except TemplateDoesNotExist:
            html_template = get_template("notifications/email/base.html")
        html = html_template.render({**context, "subject": subject, "text": rest.strip("\n")})
    return RenderedMail(subject=subject, body=body, html=html)
