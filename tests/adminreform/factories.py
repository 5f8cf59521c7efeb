import factory
from factory.django import DjangoModelFactory

from adminreform.models import Dossier, Procedure, ProcedureDocument
from adminreform.text import fold


class ProcedureFactory(DjangoModelFactory):
    class Meta:
        model = Procedure
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"1.{n:06d}")
    name = "Đăng ký khai sinh"
    field = "Hộ tịch"
    level = "commune"
    processing_days = 3
    online_service = "fully"
    search_text = factory.LazyAttribute(lambda p: fold(f"{p.code} {p.name} {p.field}"))


class ProcedureDocumentFactory(DjangoModelFactory):
    class Meta:
        model = ProcedureDocument

    procedure = factory.SubFactory(ProcedureFactory)
    name = factory.Sequence(lambda n: f"Giấy tờ số {n}")


class DossierFactory(DjangoModelFactory):
    class Meta:
        model = Dossier

    ref = factory.Sequence(lambda n: f"00070-250101-{n:04d}")
    procedure = factory.SubFactory(ProcedureFactory)
    received_on = factory.Faker("date_between", start_date="-30d", end_date="today")
    clock_started_on = factory.LazyAttribute(lambda d: d.received_on)
    due_on = factory.LazyAttribute(lambda d: d.received_on)
    handling_unit = factory.LazyAttribute(lambda d: d.unit)
    applicant_name = "Nguyễn Văn Dân"
    applicant_phone = "0912345678"
    applicant_id_number = "001099012345"
    lookup_pin = "123456"
