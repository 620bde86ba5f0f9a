from django.db import migrations

# Counted again or for the first time: the roster as it stood in each year ("roster", new), reports to voters
# by that roster ("reports"), opinions handled on the spot ("opinions" gains a key) and leaders' visits to
# stations ("visits", new).
SOURCES = ("roster", "reports", "opinions", "visits")


def mark(apps, schema_editor):
    """An existing database gets these tallies counted by the next flush (or ``manage.py recount_tallies``)."""
    if apps.get_model("representatives", "Region").objects.exists():
        TallyMark = apps.get_model("representatives", "TallyMark")
        TallyMark.objects.bulk_create(TallyMark(source=name) for name in SOURCES)


class Migration(migrations.Migration):
    dependencies = [
        ("representatives", "0009_membership_term_ended"),
    ]

    operations = [migrations.RunPython(mark, migrations.RunPython.noop)]
