"""Parts of a page rendered once per what they show, then reused by the worker process.

`{% site_header %}`: the header is the same for every request that shows the same menu,
language, address and account name; only the CSRF token of its forms (the language switch,
the log-out button) differs from one visitor to the next. Rendering it was a large share of
a small public page's template work (the figures: docs/performance.md). Everything the header
shows is in the key (the account's name and the menu its roles give), so a change of role or
of name shows at once, and no visitor is shown another's header
(tests/core/test_layout.py). A visitor who is not signed in sees the public menu, which the
address and the language decide: their key is those two, and the menu is not even built
when the header is found kept.

`{% blank_form "template" %}`: a public form with nothing typed in it and no error (the
lookup form under a found petition) is the same for every visitor of a language.

`{% per_language %}…{% end_per_language %}`: markup that shows nothing but the language's
translations and static addresses (the layout's style sheets, skip link and footer), rendered
once per language by each worker.

Each rendering is kept with a placeholder where the CSRF token goes; the visitor's own token
is put in per request."""

from __future__ import annotations

from typing import Any

from django import template
from django.middleware.csrf import get_token
from django.template import Engine
from django.template.context import RequestContext
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from core.kept import TOKEN_PLACEHOLDER, KeptMarkup

register = template.Library()

HEADER = "includes/header.html"
# Renderings per worker (languages × pages × menus): a bound, not a tuning knob.
_rendered: KeptMarkup[str] = KeptMarkup(size=512)


def _engine(context: RequestContext) -> Engine:
    assert context.template is not None  # set while a template renders
    return context.template.engine


@register.simple_tag(takes_context=True)
def site_header(context: RequestContext) -> SafeString:
    request = context["request"]
    user = context.get("user")
    if user is None or not user.is_authenticated:
        # A visitor's menu is the public one, which follows from the address and the language.
        return _kept(context, HEADER, (get_language(), request.get_full_path()))
    key = (
        get_language(),
        request.get_full_path(),
        user.get_full_name() or user.get_username(),
        *((str(item.label), item.url, item.active) for item in context.get("staff_nav") or ()),
        *((str(item.label), item.url, item.active) for item in context.get("public_nav") or ()),
    )
    return _kept(context, HEADER, key)


@register.simple_tag(takes_context=True)
def blank_form(context: RequestContext, template_name: str) -> SafeString:
    """`template_name` showing the context's `form`: kept per language while the form is
    unbound and has no initial values; rendered anew once it carries what a visitor typed."""
    form = context.get("form")
    if form is None or form.is_bound or form.initial:
        return mark_safe(_engine(context).get_template(template_name).render(context))  # noqa: S308 (a template)
    return _kept(context, template_name, (template_name, get_language()))


class PerLanguageNode(template.Node):
    """Its contents rendered once per language, kept on the node (which the cached template
    loader keeps for the worker's life): one entry per language, never per visitor."""

    def __init__(self, nodelist: template.NodeList) -> None:
        self.nodelist = nodelist
        self.rendered: dict[str, SafeString] = {}

    def render(self, context: template.Context) -> SafeString:
        language = get_language()
        html = self.rendered.get(language)
        if html is None:
            html = self.rendered[language] = mark_safe(self.nodelist.render(context))  # noqa: S308 (a template)
        return html


@register.tag
def per_language(parser: template.base.Parser, token: template.base.Token) -> PerLanguageNode:
    """`{% per_language %}…{% end_per_language %}`: only translations, `{% static %}` and
    `{% url %}` inside, nothing of the request, the visitor or the page's data."""
    nodelist = parser.parse(("end_per_language",))
    parser.delete_first_token()
    return PerLanguageNode(nodelist)


def _kept(context: RequestContext, template_name: str, key: tuple[Any, ...]) -> SafeString:
    def render() -> str:
        with context.push(csrf_token=TOKEN_PLACEHOLDER):
            return _engine(context).get_template(template_name).render(context)

    html = _rendered.get(key, render)
    # The page's own token (the csrf context processor's, computed once for the whole page):
    # each get_token() call masks the secret anew, which costs as much as a small template.
    token = context.get("csrf_token") or get_token(context["request"])
    return mark_safe(html.replace(TOKEN_PLACEHOLDER, str(token)))  # noqa: S308 (our own rendering)
