"""`seed_demo` is the first thing a newcomer runs: what it prints must match the README."""

import logging
import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from reception.models import ReceptionSession

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.long]

README = Path(__file__).resolve().parents[2] / "README.md"


def readme_logins() -> list[str]:
    return re.findall(r"^\| `([a-z.]+)` \|", README.read_text(encoding="utf-8"), flags=re.MULTILINE)


@pytest.fixture
def deadline_rules(transactional_db):
    """Transactional tests flush the tables between tests, seeded rules included: seed them again."""
    from importlib import import_module

    from django.apps import apps

    import_module("core.migrations.0002_seed_deadline_rules").seed(apps, None)
    import_module("petitions.migrations.0005_seed_petition_rules").seed(apps, None)
    import_module("petitions.migrations.0013_complaint_decision_sending_rule").seed(apps, None)


def test_seed_demo_prints_the_readme_logins_and_no_celery_noise(
    caplog: pytest.LogCaptureFixture, deadline_rules
) -> None:
    out = StringIO()
    with caplog.at_level(logging.INFO):
        call_command("seed_demo", stdout=out)
    printed = out.getvalue().split("Logins", 1)[1].splitlines()[1:]
    assert [line.strip() for line in printed if line.strip()] == readme_logins()
    assert len(readme_logins()) == 12
    noise = [r for r in caplog.records if r.name.startswith(("celery", "kombu"))]
    assert noise == []
    # names read in Vietnamese order on the public schedule: family, middle, given
    titles = set(ReceptionSession.objects.values_list("receiver_title", flat=True))
    assert "Vũ Đức Long, Chủ tịch UBND" in titles and not any(t.startswith("Long ") for t in titles)
