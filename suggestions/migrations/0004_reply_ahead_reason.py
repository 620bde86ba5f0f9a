from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("suggestions", "0003_supervision_acceptance"),
    ]

    operations = [
        migrations.AddField(
            model_name="reply",
            name="ahead_reason",
            field=models.TextField(blank=True, max_length=2000, verbose_name="未等协办意见先行答复的理由"),
        ),
    ]
