"""A mentor's offer in two fields: `offers` (career fields and lived experience in one list)
becomes `careers`, keeping its tags, and `lived_experience` is added, empty. Tags that were
lived experience stay under careers until staff move them; both still meet a student's needs."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("programs", "0004_labels"),
    ]

    operations = [
        migrations.RenameField(model_name="mentorprofile", old_name="offers", new_name="careers"),
        migrations.AlterField(
            model_name="mentorprofile",
            name="careers",
            field=models.JSONField(
                blank=True, default=list, help_text="Career fields, e.g. law, nursing."
            ),
        ),
        migrations.AddField(
            model_name="mentorprofile",
            name="lived_experience",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text="Lived experience, e.g. first-generation student, grew up bilingual.",
            ),
        ),
    ]
