"""Staff navigation by role. Apps are named by URL only, so core imports none of them;
an entry whose URL does not exist yet is simply left out."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from django.conf import settings
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .models import Role


@dataclass(frozen=True)
class NavItem:
    url_name: str
    label: str | Promise
    description: str | Promise
    roles: frozenset[str]


DESK = frozenset({Role.OFFICER, Role.HANDLER, Role.HEAD, Role.INSPECTOR, Role.ADMIN})
LEADERS = frozenset({Role.HEAD, Role.LEADER_VIEWER, Role.INSPECTOR, Role.ADMIN})

NAV_ITEMS: tuple[NavItem, ...] = (
    NavItem(
        "reception:session_list",
        _("Citizen reception"),
        _("Log reception sessions and visits, delegations and follow-ups."),
        DESK,
    ),
    NavItem(
        "petitions:queue",
        _("Petitions"),
        _("Enter, classify and resolve complaints, denunciations and recommendations."),
        DESK,
    ),
    NavItem(
        "petitions:staff_map",
        _("Feedback map"),
        _("Your units' feedback on a map, by status, period and category."),
        DESK,
    ),
    NavItem(
        "adminreform:dossier_list",
        _("One-stop shop"),
        _("Receive dossiers, print appointment slips, return results."),
        DESK,
    ),
    NavItem(
        "reports:dashboard",
        _("Reports"),
        _("This period against the same period last year, by unit; exports."),
        LEADERS,
    ),
    NavItem(
        "admin:index",
        _("Administration"),
        _("Units, people and roles, calendar, deadline rules, audit log."),
        frozenset({Role.ADMIN}),
    ),
)


# Pages the staff home also lists (not in the menu), for the roles that may open them.
HOME_ITEMS: tuple[NavItem, ...] = (
    NavItem(
        "reception:frequency",
        _("Heads' reception days"),
        _("Each head's reception days, unit by unit, against the legal minimum."),
        LEADERS,
    ),
)


# What a citizen (not logged in) finds in the menu on every page: the four public services.
PUBLIC_NAV_ITEMS: tuple[tuple[str, str | Promise], ...] = (
    ("petitions:file", _("File a petition")),
    ("petitions:track", _("Track a petition")),
    ("reception:schedule", _("Reception schedule")),
    ("adminreform:lookup", _("Look up a dossier")),
    ("petitions:map", _("Map of feedback")),
)


@dataclass(frozen=True)
class ResolvedNavItem:
    url: str
    label: str | Promise
    description: str | Promise
    active: bool = False


def nav_items_for(
    roles: set[str], path: str = "", *, entries: tuple[NavItem, ...] = NAV_ITEMS
) -> list[ResolvedNavItem]:
    """The entries these roles may use; the one whose section holds `path` is marked active."""
    found = []
    for item in entries:
        if not roles & item.roles:
            continue
        url = _url(item.url_name)
        if url is not None:
            found.append((item, url))
    # An entry whose own address holds the page wins over its section's (the feedback map
    # is under /petitions/ like the queue); else the section's first entry (a petition's page
    # marks the queue, not the map): one entry is marked.
    exact = max((url for _item, url in found if path and path.startswith(url)), key=len, default=None)
    marked = exact or next((url for _item, url in found if path and path.startswith(_section(url))), None)
    items = []
    for item, url in found:
        items.append(ResolvedNavItem(url=url, label=item.label, description=item.description, active=url == marked))
    return items


def home_items_for(roles: set[str]) -> list[ResolvedNavItem]:
    """The staff home's cards: the menu's sections, then the pages only the home lists."""
    return nav_items_for(roles) + nav_items_for(roles, entries=HOME_ITEMS)


def public_nav_items(path: str = "") -> list[ResolvedNavItem]:
    """The public services, the one being used marked active (its exact page or below it).
    None on the home page itself: its four cards are already this menu."""
    if path == _url("core:home"):
        return []
    items = []
    for url_name, label in PUBLIC_NAV_ITEMS:
        url = _url(url_name)
        if url is None:
            continue
        items.append(ResolvedNavItem(url=url, label=label, description="", active=bool(path) and path.startswith(url)))
    return items


def _url(url_name: str) -> str | None:
    """The menu entry's address, None when the page does not exist. The menu is built on every
    page, so each address is reversed once per URLconf and script prefix (the mount point)."""
    return _reverse(url_name, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())


@functools.lru_cache(maxsize=256)
def _reverse(url_name: str, urlconf: str, prefix: str) -> str | None:
    try:
        return reverse(url_name, urlconf=urlconf)
    except NoReverseMatch:
        return None


def _section(url: str) -> str:
    """'/reports/dashboard/' -> '/reports/': every page of an app lights up its entry."""
    first = url.strip("/").split("/", 1)[0]
    return f"/{first}/" if first else "/"
