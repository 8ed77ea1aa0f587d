from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="Counter",
            fields=[
                ("key", models.CharField(max_length=128, primary_key=True, serialize=False)),
                ("value", models.PositiveIntegerField()),
                ("expires_ms", models.BigIntegerField(db_index=True)),
            ],
            options={"db_table": "ratelimit_counter"},
        ),
    ]
