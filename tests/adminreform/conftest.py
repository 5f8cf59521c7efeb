from datetime import date

import pytest

from adminreform.services import Applicant, dossier_receive
from tests.adminreform.factories import ProcedureDocumentFactory, ProcedureFactory


@pytest.fixture
def procedure(db):
    p = ProcedureFactory(code="1.001193", name="Đăng ký khai sinh", processing_days=3)
    ProcedureDocumentFactory(procedure=p, name="Tờ khai đăng ký khai sinh", position=1)
    ProcedureDocumentFactory(procedure=p, name="Giấy chứng sinh", position=2)
    return p


@pytest.fixture
def receive(commune, officer, procedure):
    def make(on: date = date(2026, 3, 2), **kwargs):
        return dossier_receive(
            unit=kwargs.pop("unit", commune),
            procedure=kwargs.pop("procedure", procedure),
            applicant=Applicant(name="Nguyễn Văn Dân", phone="0912345678", id_number="001099012345"),
            documents=list(procedure.documents.all()),
            actor=officer,
            received_on=on,
            **kwargs,
        )

    return make
