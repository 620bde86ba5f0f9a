from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("liaison_stations", "0005_station_visit"),
    ]

    operations = [
        migrations.AddField(
            model_name="opinion",
            name="resolution",
            field=models.CharField(
                blank=True,
                choices=[
                    ("solved", "问题已解决"),
                    ("in_progress", "正在解决或已列入计划"),
                    ("explained", "已解释说明，暂不能解决"),
                ],
                max_length=12,
                verbose_name="办理结果",
            ),
        ),
    ]
