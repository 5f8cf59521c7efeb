"""Legal bases as people read them: "Luật Khiếu nại art. 9" is stored (rules, reports) and
shown as "Điều 9 Luật Khiếu nại" in Vietnamese, as stored in English."""

from __future__ import annotations

import re

from django.utils.translation import pgettext

# One citation: the act, then "art." and its articles ("26(2), 28(1)", "17–21", "15(2)(d)"),
# then what follows the articles (", sửa đổi bởi …", ", Luật 136/2025").
_CITATION = re.compile(
    r"^(?P<act>.+?)\s+art\.\s*(?P<articles>\d[\w()–\-]*(?:,\s*\d[\w()–\-]*)*)(?P<rest>.*)$", re.DOTALL
)
_ARTICLE = re.compile(r"^(?P<article>\d[\d–\-]*)(?:\((?P<clause>\d+)\))?(?:\((?P<point>[a-zđ])\))?$")


def _article(ref: str) -> str:
    found = _ARTICLE.match(ref.strip())
    if found is None:
        return pgettext("legal citation", "art. %(article)s") % {"article": ref.strip()}
    parts = found.groupdict()
    if parts["point"]:
        return pgettext("legal citation", "art. %(article)s(%(clause)s)(%(point)s)") % parts
    if parts["clause"]:
        return pgettext("legal citation", "art. %(article)s(%(clause)s)") % parts
    return pgettext("legal citation", "art. %(article)s") % parts


def legal_basis_text(basis: str) -> str:
    """`basis` with each citation ("<act> art. <articles>") in the active language's order;
    anything else is kept as written. Citations are separated by "; "."""
    shown = []
    for part in basis.split(";"):
        part = part.strip()
        found = _CITATION.match(part)
        if found is None:
            shown.append(part)
            continue
        articles = ", ".join(_article(ref) for ref in found["articles"].split(","))
        shown.append(
            pgettext("legal citation", "%(act)s %(articles)s") % {"act": found["act"], "articles": articles}
            + found["rest"]
        )
    return "; ".join(p for p in shown if p)
