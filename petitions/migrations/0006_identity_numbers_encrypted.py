"""Petitioners' identity numbers encrypted at rest, with blind indexes.

- `petitioner_id_number` (complainants, petitioners; empty for denouncers, whose identity
  stays in the vault) becomes a Fernet token (CIVICDESK_FIELD_ENCRYPTION_KEY).
- `id_number_digest` was an HMAC keyed with the env key itself; it becomes the project's
  blind index (civicdesk.crypto.blind_index, a key derived from the env key per family:
  petitioners and denouncers apart). Denouncers' digests are recomputed from the vault,
  decrypted in memory only.

Reversible: going back decrypts the numbers and restores the old digests (same key).
"""

import hashlib
import hmac
import json

from django.conf import settings
from django.db import migrations, models

import civicdesk.crypto

BATCH = 2000


def _old_digest(number: str, kind: str) -> str:
    normalised = "".join(number.split()).upper()
    if not normalised:
        return ""
    return hmac.new(settings.FIELD_ENCRYPTION_KEY.encode(), f"id:{normalised}".encode(), hashlib.sha256).hexdigest()


def _family_digest(number: str, kind: str) -> str:
    # Today's families (petitions 0014 recomputes digests made by an older version of this migration).
    family = (
        civicdesk.crypto.IndexFamily.DENOUNCER if kind == "denunciation" else civicdesk.crypto.IndexFamily.PETITIONER
    )
    return civicdesk.crypto.blind_index(number, family=family)


def _redigest(apps, digest) -> None:
    Petition = apps.get_model("petitions", "Petition")
    DenouncerIdentity = apps.get_model("petitions", "DenouncerIdentity")
    last = 0
    while True:
        rows = list(
            Petition.objects.exclude(id_number_digest="")
            .filter(pk__gt=last)
            .order_by("pk")
            .values_list("pk", "kind", "petitioner_id_number")[:BATCH]
        )
        if not rows:
            return
        vault = dict(
            DenouncerIdentity.objects.filter(
                petition_id__in=[pk for pk, kind, _ in rows if kind == "denunciation"]
            ).values_list("petition_id", "ciphertext")
        )
        objects = []
        for pk, kind, number in rows:
            if kind == "denunciation" and pk in vault:
                number = str(json.loads(civicdesk.crypto.fernet().decrypt(vault[pk].encode())).get("id_number", ""))
            objects.append(Petition(pk=pk, id_number_digest=digest(number or "", kind)))
        Petition.objects.bulk_update(objects, ["id_number_digest"])
        last = rows[-1][0]


def forward(apps, schema_editor):
    civicdesk.crypto.constraints_immediate(schema_editor)
    # Digests first, while the numbers are still readable in the column.
    _redigest(apps, _family_digest)
    civicdesk.crypto.encrypt_existing_rows(apps.get_model("petitions", "Petition"), "petitioner_id_number")


def backward(apps, schema_editor):
    civicdesk.crypto.constraints_immediate(schema_editor)
    civicdesk.crypto.encrypt_existing_rows(
        apps.get_model("petitions", "Petition"), "petitioner_id_number", reverse=True
    )
    _redigest(apps, _old_digest)


class Migration(migrations.Migration):
    dependencies = [
        ("petitions", "0005_seed_petition_rules"),
    ]

    operations = [
        migrations.AlterField(
            model_name="petition",
            name="petitioner_id_number",
            field=models.TextField(blank=True, verbose_name="identity document number"),
        ),
        migrations.RunPython(forward, backward, elidable=False),
        migrations.AlterField(
            model_name="petition",
            name="petitioner_id_number",
            field=civicdesk.crypto.EncryptedCharField(
                blank=True, max_length=20, verbose_name="identity document number"
            ),
        ),
    ]
