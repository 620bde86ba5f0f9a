from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("suggestions", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="supervision",
            name="result",
            field=models.CharField(
                blank=True,
                choices=[("passed", "验收通过"), ("failed", "验收未通过")],
                max_length=8,
                verbose_name="验收结果",
            ),
        ),
        migrations.AlterField(
            model_name="supervision",
            name="kind",
            field=models.CharField(
                choices=[
                    ("visit", "实地督办"),
                    ("meeting", "督办会议"),
                    ("unannounced", "暗访"),
                    ("review", "回头看"),
                    ("acceptance", "二次验收"),
                ],
                max_length=12,
                verbose_name="方式",
            ),
        ),
        migrations.AddConstraint(
            model_name="supervision",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("kind", "acceptance"), models.Q(("result", ""), _negated=True)),
                    models.Q(models.Q(("kind", "acceptance"), _negated=True), ("result", "")),
                    _connector="OR",
                ),
                name="supervision_result_iff_acceptance",
            ),
        ),
    ]
