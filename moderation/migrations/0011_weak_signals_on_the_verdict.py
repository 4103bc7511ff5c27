"""The conversation-level weak signals move onto the verdict (ModerationRecord.weak_signals), found
once by the pipeline; ConversationSignal keeps the message's place and direction in the window.
Existing rows' signals are copied onto their messages' verdicts before the column goes."""

from django.db import migrations, models


def copy_signals(apps, schema_editor):
    ConversationSignal = apps.get_model("moderation", "ConversationSignal")
    ModerationRecord = apps.get_model("moderation", "ModerationRecord")
    rows = ConversationSignal.objects.exclude(signals=[]).values_list("message_id", "signals")
    for message_id, signals in rows.iterator(chunk_size=500):
        ModerationRecord.objects.filter(message_id=message_id).update(weak_signals=signals)


def copy_back(apps, schema_editor):
    ConversationSignal = apps.get_model("moderation", "ConversationSignal")
    ModerationRecord = apps.get_model("moderation", "ModerationRecord")
    for row in ConversationSignal.objects.all().iterator(chunk_size=500):
        record = ModerationRecord.objects.filter(message_id=row.message_id).first()
        row.signals = record.weak_signals if record else []
        row.save(update_fields=["signals"])


class Migration(migrations.Migration):
    dependencies = [("moderation", "0010_rename_verdict_moderationrecord")]

    operations = [
        migrations.AddField(
            model_name="moderationrecord",
            name="weak_signals",
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.RunPython(copy_signals, copy_back),
        migrations.RemoveField(model_name="conversationsignal", name="signals"),
    ]
