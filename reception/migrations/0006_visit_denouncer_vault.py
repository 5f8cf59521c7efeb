"""The denouncer vault at reception: a visit of kind denunciation keeps its identity (name,
identity number, address, representatives' names) in `VisitDenouncerIdentity`, encrypted, and
none of it on the visit row. Existing denunciation visits are moved into the vault in batches
(decrypted and re-encrypted in memory only) and their row fields emptied. Going back puts the
identities back on the rows."""

import json

import django.db.models.deletion
from django.db import migrations, models

import civicdesk.crypto

BATCH = 2000
FIELDS = ("citizen_name", "identity_number", "address", "representative_names")
KEYS = ("name", "id_number", "address", "representative_names")


def to_vault(apps, schema_editor):
    Visit = apps.get_model("reception", "Visit")
    Vault = apps.get_model("reception", "VisitDenouncerIdentity")
    family = civicdesk.crypto.IndexFamily.VISIT_DENOUNCER
    last = 0
    while True:
        visits = list(Visit.objects.filter(kind="denunciation", pk__gt=last).order_by("pk")[:BATCH])
        if not visits:
            return
        vaults, cleared = [], []
        for visit in visits:
            identity = {key: (getattr(visit, name) or "").strip() for key, name in zip(KEYS, FIELDS, strict=True)}
            if any(identity.values()):
                token = civicdesk.crypto.fernet().encrypt(json.dumps(identity, ensure_ascii=False).encode()).decode()
                index = civicdesk.crypto.blind_index(identity["id_number"], family=family)
                vaults.append(Vault(visit_id=visit.pk, ciphertext=token, identity_index=index))
                for name in FIELDS:
                    setattr(visit, name, "")
                visit.identity_number_index = ""
                cleared.append(visit)
        Vault.objects.bulk_create(vaults)
        Visit.objects.bulk_update(cleared, [*FIELDS, "identity_number_index"])
        last = visits[-1].pk


def from_vault(apps, schema_editor):
    Visit = apps.get_model("reception", "Visit")
    Vault = apps.get_model("reception", "VisitDenouncerIdentity")
    family = civicdesk.crypto.IndexFamily.VISITOR
    for vault in Vault.objects.select_related("visit").iterator(chunk_size=BATCH):
        identity = json.loads(civicdesk.crypto.fernet().decrypt(vault.ciphertext.encode()))
        visit = vault.visit
        for key, name in zip(KEYS, FIELDS, strict=True):
            setattr(visit, name, str(identity.get(key, "")))
        visit.identity_number_index = civicdesk.crypto.blind_index(visit.identity_number, family=family)
        visit.save(update_fields=[*FIELDS, "identity_number_index"])


class Migration(migrations.Migration):

    dependencies = [
        ('reception', '0005_visit_index_family'),
    ]

    operations = [
        migrations.CreateModel(
            name='VisitDenouncerIdentity',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                ('ciphertext', models.TextField(editable=False)),
                ('identity_index', models.CharField(blank=True, editable=False, max_length=64)),
                ('visit', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='denouncer', to='reception.visit')),
            ],
            options={
                'verbose_name': 'denouncer identity at reception',
                'verbose_name_plural': 'denouncer identities at reception',
                'indexes': [models.Index(condition=models.Q(('identity_index', ''), _negated=True), fields=['identity_index'], name='visit_denouncer_index_idx')],
            },
        ),
        migrations.RunPython(to_vault, from_vault, elidable=False),
    ]
