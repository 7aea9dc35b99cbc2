"""``{% load reasons %}``: stored reasons as text in the reader's language.

``{{ reason|reason_text }}`` for one, ``{{ reasons|reasons_text|join:"; " }}`` for a
list (``matches.reasons`` renders both).
"""

from django import template

from matches import reasons

register = template.Library()


@register.filter
def reason_text(reason) -> str:
    return reasons.reason_text(reason)


@register.filter
def reasons_text(items) -> list[str]:
    return reasons.reasons_text(items)
