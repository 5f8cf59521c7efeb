import factory
from django.contrib.auth import get_user_model
from factory.django import DjangoModelFactory

from core.models import Membership, Role, Unit, UnitLevel


class UnitFactory(DjangoModelFactory):
    class Meta:
        model = Unit
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"U{n:05d}")
    name = factory.Sequence(lambda n: f"Phường Thử Nghiệm {n}")
    level = UnitLevel.COMMUNE
    parent = None
    path = factory.LazyAttribute(lambda u: f"{u.parent.path if u.parent else '/'}{u.code}/")


class UserFactory(DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Nguyễn Văn"  # shown first: family and middle names, then the given name
    last_name = factory.Sequence(lambda n: f"An {n}")
    password = factory.django.Password("Secret-pass-2026")


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    unit = factory.SubFactory(UnitFactory)
    role = Role.OFFICER
