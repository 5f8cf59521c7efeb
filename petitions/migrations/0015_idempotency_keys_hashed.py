"""Filings' idempotency keys stored as keyed digests (petitions.text.idempotency_digest), with
the digest of who sent them next to them (`idempotency_owner`). Existing keys are hashed in
place; they have no owner, so a resend of an old form gets nothing back (the citizen files it
again). Going back is not possible (a digest cannot be turned back into the key): the old
code then treats the digests as keys that no form will send again, which is harmless."""

from django.db import migrations, models
from django.utils.crypto import salted_hmac

BATCH = 2000


def hash_keys(apps, schema_editor):
    Petition = apps.get_model("petitions", "Petition")
    last = 0
    while True:
        rows = list(
            Petition.objects.filter(idempotency_key__isnull=False, pk__gt=last)
            .order_by("pk")
            .values_list("pk", "idempotency_key")[:BATCH]
        )
        if not rows:
            return
        Petition.objects.bulk_update(
            [
                Petition(
                    pk=pk,
                    idempotency_key=salted_hmac(
                        "civicdesk.petitions.idempotency-key", key, algorithm="sha256"
                    ).hexdigest(),
                )
                for pk, key in rows
            ],
            ["idempotency_key"],
        )
        last = rows[-1][0]


class Migration(migrations.Migration):
    dependencies = [
        ("petitions", "0014_index_families"),
    ]

    operations = [
        migrations.AddField(
            model_name="petition",
            name="idempotency_owner",
            field=models.CharField(blank=True, default="", editable=False, max_length=64),
        ),
        migrations.RunPython(hash_keys, migrations.RunPython.noop, elidable=False),
    ]
