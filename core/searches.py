"""Search text typed on a staff list goes by POST and waits in the session, never in a URL.

A queue's search box takes names, identity numbers and phone numbers; in a query string they
would land in the web server's and the proxy's access logs and in the browser's history. So
the filter form posts (CSRF-checked), `search_redirect` keeps the typed text in the session
under a random key and answers with a redirect to the same page by GET, the other filters in
its query string and only that key (`?search=…`); `with_search` puts the text back when the
page (or its next page) is read. Back, reload and paging work as before; the key means
nothing outside the official's own session.
"""

from __future__ import annotations

import secrets

from django.http import HttpRequest, HttpResponseRedirect, QueryDict

SESSION_KEY = "civicdesk_searches"
PARAM = "search"
KEEP = 20  # the official's last searches; an older key finds nothing and the list is unfiltered


def search_redirect(request: HttpRequest, *, fields: tuple[str, ...] = ("q",)) -> HttpResponseRedirect:
    """The answer to a filter form's POST: the same page by GET, `fields` kept in the session."""
    query = QueryDict(mutable=True)
    typed: dict[str, str] = {}
    for key, values in request.POST.lists():
        if key in ("csrfmiddlewaretoken", PARAM):
            continue
        if key in fields:
            if values[-1].strip():
                typed[key] = values[-1]
        else:
            query.setlist(key, values)
    if typed:
        token = secrets.token_urlsafe(9)
        kept = dict(request.session.get(SESSION_KEY, {}))
        kept[token] = typed
        request.session[SESSION_KEY] = dict(list(kept.items())[-KEEP:])
        query[PARAM] = token
    return HttpResponseRedirect(f"{request.path}?{query.urlencode()}" if query else request.path)


def with_search(request: HttpRequest) -> QueryDict:
    """The page's GET parameters, with the text kept under `?search=` put back in its fields."""
    token = request.GET.get(PARAM)
    if not token:
        return request.GET
    data = request.GET.copy()
    del data[PARAM]
    for key, value in request.session.get(SESSION_KEY, {}).get(token, {}).items():
        data[key] = value
    return data
