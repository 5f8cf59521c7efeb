"""Dossiers that existed before the workflow (imported registers) get the status their
contract fields imply: resolved ones are closed, the others stay received."""

from django.db import migrations
from django.db.models import F

BY_OUTCOME = {"granted": "returned", "refused": "refused", "withdrawn": "withdrawn"}


def backfill(apps, schema_editor):
    Dossier = apps.get_model("adminreform", "Dossier")
    for outcome, status in BY_OUTCOME.items():
        Dossier.objects.filter(resolved_on__isnull=False, outcome=outcome, status="received").update(status=status)
    Dossier.objects.filter(clock_started_on__isnull=True).update(clock_started_on=F("received_on"))


class Migration(migrations.Migration):
    dependencies = [("adminreform", "0002_dossier_workflow")]
    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
