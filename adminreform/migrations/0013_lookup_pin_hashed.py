"""The dossiers' lookup PINs stored as keyed digests (adminreform.pins), never as typed.

Every existing PIN is replaced by its digest in batches of 5,000 (one SELECT, one
`bulk_update` each), then the PIN column goes. One-way: a digest cannot give the PIN back, so
going back (`migrate adminreform 0012`) restores an empty `lookup_pin` column and those
dossiers cannot be looked up until the counter reissues their PIN.
"""

from django.db import migrations, models

BATCH = 5000


def hash_pins(apps, schema_editor):
    from adminreform.pins import pin_digest

    Dossier = apps.get_model("adminreform", "Dossier")
    last = 0
    while True:
        rows = list(
            Dossier.objects.filter(pk__gt=last)
            .exclude(lookup_pin="")
            .order_by("pk")
            .values_list("pk", "lookup_pin")[:BATCH]
        )
        if not rows:
            return
        Dossier.objects.bulk_update(
            [Dossier(pk=pk, lookup_pin_digest=pin_digest(pin)) for pk, pin in rows], ["lookup_pin_digest"]
        )
        last = rows[-1][0]


class Migration(migrations.Migration):
    dependencies = [
        ("adminreform", "0012_contacts_encrypted"),
    ]

    operations = [
        migrations.AddField(
            model_name="dossier",
            name="lookup_pin_digest",
            field=models.CharField(blank=True, editable=False, max_length=90, verbose_name="lookup PIN digest"),
        ),
        migrations.RunPython(hash_pins, migrations.RunPython.noop, elidable=False),
        migrations.RemoveField(
            model_name="dossier",
            name="lookup_pin",
        ),
    ]
