from django.db import migrations


def load(apps, schema_editor):
    from chinese_calendar import constants

    CalendarDay = apps.get_model("representatives", "CalendarDay")
    CalendarYear = apps.get_model("representatives", "CalendarYear")
    days = [CalendarDay(date=d, is_workday=False, name=n) for d, n in constants.holidays.items()]
    days += [CalendarDay(date=d, is_workday=True, name=n) for d, n in constants.workdays.items()]
    CalendarDay.objects.bulk_create(days, ignore_conflicts=True)
    years = sorted({d.date.year for d in days})
    CalendarYear.objects.bulk_create([CalendarYear(year=y, source="chinese-calendar") for y in years], ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [("representatives", "0002_calendar")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
