"""Links that leave the portal (e-mail, SMS, exports, the API) are absolute: the public
address `SITE_URL` (required in production) followed by the page's path."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse


def absolute_url(viewname: str, *args: Any, **kwargs: Any) -> str:
    """`absolute_url("petitions:track")` → "https://tiepdan.example.gov.vn/petitions/track/"."""
    return absolute(reverse(viewname, args=args or None, kwargs=kwargs or None))


def absolute(path: str) -> str:
    """A path of the portal ("/petitions/track/") as an absolute address."""
    return settings.SITE_URL + path
