# One name per concept: `Verdict` is the pipeline's result (moderation.policy); the stored row is
# a ModerationRecord (`message.verdict` still reaches it).

from django.conf import settings
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("messaging", "0005_weekly_prompt_translations"),
        ("moderation", "0009_district_moderation_version_triggers"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameModel(old_name="Verdict", new_name="ModerationRecord"),
    ]
