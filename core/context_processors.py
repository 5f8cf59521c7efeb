from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from .navigation import nav_items_for, public_nav_items
from .selectors import user_roles


def staff_navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        # Built only if the header is rendered: a visitor's kept header is found by the address
        # alone (core.templatetags.layout.site_header), so most pages never read it.
        return {"staff_nav": [], "public_nav": SimpleLazyObject(lambda: public_nav_items(request.path))}
    return {"staff_nav": nav_items_for(user_roles(user=user), path=request.path), "public_nav": []}
