"""What the reports app sends (core.outbox): a unit's head learns that the scheduled draft of
a closed period is compiled. The row is written with the figures (reports.services), sent once
after commit; the address is read at send time."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils.http import urlencode

from civicdesk.db import OutboxBase
from core import outbox
from core.links import absolute
from core.models import Membership, Role

from .models import CompiledReport, ReportNotice


def draft_notices(report: CompiledReport) -> list[ReportNotice]:
    """One notice per head of the report's unit (once per report and head)."""
    heads = Membership.objects.filter(unit=report.unit, role=Role.HEAD).values_list("user_id", flat=True)
    return [
        ReportNotice(report=report, user_id=user_id, dedupe_key=f"report-draft:{report.pk}:{user_id}")
        for user_id in sorted(set(heads))
    ]


def send(row: OutboxBase) -> None:
    assert isinstance(row, ReportNotice)
    user, report = row.user, row.report
    if not user.email:
        return
    query = {"unit": report.unit.code, "kind": "range"}
    query |= {"date_from": report.period_from.isoformat(), "date_to": report.period_to.isoformat()}
    link = absolute(reverse("reports:dashboard") + "?" + urlencode(query))
    period = f"{report.period_from:%d/%m/%Y} – {report.period_to:%d/%m/%Y}"
    # Filed documents and their notices are in Vietnamese whatever the interface language.
    subject = f"Dự thảo báo cáo {report.unit.name} kỳ {period} đã được tổng hợp"
    body = (
        f"Kính gửi đồng chí {user.get_full_name() or user.get_username()},\n\n"
        f"Kỳ báo cáo {period} đã kết thúc. CivicDesk đã tổng hợp dự thảo báo cáo của {report.unit.name} "
        f"(phiên bản {report.version}). Đồng chí xem, kiểm tra và ban hành tại:\n{link}\n"
    )
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])


OUTBOX = outbox.Outbox(model=ReportNotice, send=send, related=("report__unit", "user"))
