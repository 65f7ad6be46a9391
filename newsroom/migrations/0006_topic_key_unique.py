from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("newsroom", "0005_fold_topic_keys")]

    operations = [
        migrations.AlterField(
            model_name="topic",
            name="key",
            field=models.CharField(
                editable=False,
                help_text="The name without case, accents or extra spaces; no two topics share it.",
                max_length=100,
                unique=True,
                verbose_name="folded name",
            ),
        ),
    ]
