"""Demo data: Hà Nội's communes, demo users for every role, and each app's records.

`seed_demo` calls `seed(context)` in every installed app's `demo.py`, in
INSTALLED_APPS order, so each app adds its own part without core importing it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.utils import timezone

from .models import Role, Unit
from .services import membership_grant, units_load_official

DEMO_PASSWORD = "CivicDesk@2026"  # noqa: S105  # printed by make run; demo only
HANOI = "01"
# Two wards of Hà Nội with a full demo staff each.
DEMO_COMMUNES = ("00070", "00004")  # Phường Hoàn Kiếm, Phường Ba Đình


@dataclass
class DemoContext:
    city: Unit
    communes: list[Unit]
    users: dict[str, User]
    today: date
    rng: random.Random = field(default_factory=lambda: random.Random(2026))

    def user(self, name: str) -> User:
        return self.users[name]


def demo_users(city: Unit, communes: list[Unit]) -> dict[str, User]:
    User = get_user_model()
    users: dict[str, User] = {}

    def make(username: str, full_name: str, unit: Unit, roles: list[str], *, superuser: bool = False) -> None:
        user = User.objects.filter(username=username).first()
        if user is None:
            # Django shows "first last"; a Vietnamese name reads family, middle, given.
            family_middle, _, given = full_name.rpartition(" ")
            user = User.objects.create_user(
                username=username, password=DEMO_PASSWORD, first_name=family_middle, last_name=given
            )
            user.is_staff = superuser
            user.is_superuser = superuser
            user.save()
        for role in roles:
            membership_grant(user=user, unit=unit, role=role, actor=None, reason="demo data")
        users[username] = user

    make("admin", "Quản Trị Viên", city, [Role.ADMIN], superuser=True)
    make("lanhdao.hanoi", "Nguyễn Văn Thành", city, [Role.LEADER_VIEWER])
    make("thanhtra.hanoi", "Trần Thị Minh", city, [Role.INSPECTOR])
    make("chutich.hanoi", "Lê Quang Hà", city, [Role.HEAD])
    for commune, slug, names in zip(  # noqa: B905  # two demo communes, two name sets
        communes,
        ("hoankiem", "badinh"),
        (
            ("Phạm Thu Hằng", "Đỗ Văn Nam", "Vũ Đức Long", "Bùi Thị Lan"),
            ("Hoàng Thị Mai", "Ngô Văn Tùng", "Đặng Minh Quân", "Lý Thị Hoa"),
        ),
    ):
        make(f"canbo.{slug}", names[0], commune, [Role.OFFICER])
        make(f"xuly.{slug}", names[1], commune, [Role.HANDLER])
        make(f"chutich.{slug}", names[2], commune, [Role.HEAD])
        make(f"lanhdao.{slug}", names[3], commune, [Role.LEADER_VIEWER])
    return users


def seed_core() -> DemoContext:
    units_load_official()
    city = Unit.objects.get(code=HANOI)
    communes = list(Unit.objects.filter(code__in=DEMO_COMMUNES).order_by("code").reverse())
    return DemoContext(city=city, communes=communes, users=demo_users(city, communes), today=timezone.localdate())
