"""Petitions' identity digests get keys of their own (civicdesk.crypto.IndexFamily):
petitioners' and denouncers' apart, and both apart from visits and dossiers, so a
denouncer's digest never equals the one the same person carries in a complaint or anywhere
else. Every digest is recomputed from the decrypted number (a denouncer's from the vault),
in memory only. Going back leaves the new digests."""

import json

from django.db import migrations

import civicdesk.crypto

BATCH = 2000


def redigest(apps, schema_editor):
    Petition = apps.get_model("petitions", "Petition")
    DenouncerIdentity = apps.get_model("petitions", "DenouncerIdentity")
    family = civicdesk.crypto.IndexFamily
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
            if kind == "denunciation":
                token = vault.get(pk)
                number = str(json.loads(civicdesk.crypto.fernet().decrypt(token.encode())).get("id_number", "")) if token else ""
                digest = civicdesk.crypto.blind_index(number, family=family.DENOUNCER)
            else:
                digest = civicdesk.crypto.blind_index(number or "", family=family.PETITIONER)
            objects.append(Petition(pk=pk, id_number_digest=digest))
        Petition.objects.bulk_update(objects, ["id_number_digest"])
        last = rows[-1][0]


class Migration(migrations.Migration):
    dependencies = [
        ("petitions", "0013_complaint_decision_sending_rule"),
    ]

    operations = [
        migrations.RunPython(redigest, migrations.RunPython.noop, elidable=False),
    ]
