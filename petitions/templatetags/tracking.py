"""`{% tracking_answer tracking secret %}`: the public lookup's answer, drawn by
`petitions.fastpath.tracking_html` with the page's CSRF token."""

from __future__ import annotations

from django import template
from django.template.context import RequestContext
from django.utils.safestring import SafeString

from petitions.fastpath import tracking_html
from petitions.selectors import PublicTracking

register = template.Library()


@register.simple_tag(takes_context=True)
def tracking_answer(context: RequestContext, tracking: PublicTracking, secret: str) -> SafeString:
    # The page's own token (the csrf context processor's, masked once for the whole page).
    return tracking_html(tracking, secret=secret, csrf_token=str(context.get("csrf_token") or ""))
