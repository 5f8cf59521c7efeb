from django.http import HttpRequest

from .navigation import ResolvedNavItem, nav_items_for, public_nav_items
from .selectors import user_roles


def staff_navigation(request: HttpRequest) -> dict[str, list[ResolvedNavItem]]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"staff_nav": [], "public_nav": public_nav_items(request.path)}
    return {"staff_nav": nav_items_for(user_roles(user=user), path=request.path), "public_nav": []}
