"""``{{ data|ld_json }}``: a ``<script type="application/ld+json">`` block with schema.org
data, escaped like Django's ``json_script`` (``<``, ``>`` and ``&`` as ``\\u003C`` ...),
so a text holding ``</script>`` or ``<!--`` can never end the block or open markup. The
block is data, not a script: the site's strict CSP does not apply to it."""

from __future__ import annotations

import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026", 0x2028: "\\u2028", 0x2029: "\\u2029"}


@register.filter(is_safe=True)
def ld_json(value) -> SafeString:
    text = json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_ESCAPES)
    # Safe: the JSON holds no "<", ">" or "&" after the translation above.
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))  # noqa: S308
