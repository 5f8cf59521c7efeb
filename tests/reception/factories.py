from datetime import date, time

import factory
from factory.django import DjangoModelFactory

from reception.models import FollowUpItem, ReceivedBy, ReceptionSession, SessionKind, Visit
from tests.factories import UnitFactory, UserFactory


class SessionFactory(DjangoModelFactory):
    class Meta:
        model = ReceptionSession

    unit = factory.SubFactory(UnitFactory)
    kind = SessionKind.REGULAR
    date = date(2026, 3, 12)
    start_time = time(8, 0)
    place = "Trụ sở UBND phường"
    received_by = ReceivedBy.STAFF

    class Params:
        head_day = factory.Trait(kind=SessionKind.HEAD_PERIODIC, received_by=ReceivedBy.HEAD)


class VisitFactory(DjangoModelFactory):
    class Meta:
        model = Visit

    unit = factory.SubFactory(UnitFactory)
    ref = factory.Sequence(lambda n: f"TCD-T-{n:05d}")
    received_on = date(2026, 3, 12)
    citizen_name = "Nguyễn Văn An"
    content = "Khiếu nại việc thu hồi đất"


class FollowUpFactory(DjangoModelFactory):
    class Meta:
        model = FollowUpItem

    session = factory.SubFactory(SessionFactory)
    unit = factory.SelfAttribute("session.unit")
    description = "Kiểm tra hiện trường"
    owner = factory.SubFactory(UserFactory)
    due_on = date(2026, 4, 1)
