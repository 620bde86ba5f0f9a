from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("representatives", "0012_report_rating"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="notify_by_sms",
            field=models.BooleanField(default=False, verbose_name="短信通知"),
        ),
        migrations.AddField(
            model_name="user",
            name="notify_by_email",
            field=models.BooleanField(default=False, verbose_name="邮件通知"),
        ),
    ]
