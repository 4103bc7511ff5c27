"""Retention: closed matches' conversations are purged after the district's retention period;
open ones and recent ones are untouched; audit entries stay and the chain still verifies."""

import datetime

from django.core.management import call_command
from django.utils import timezone

from accounts.audit import audit_verify
from accounts.models import AuditEntry
from actions.messages import message_send
from messaging import services as messaging
from messaging.models import Conversation, Match, Message
from messaging.retention import conversations_purge_expired
from moderation.models import ReviewItem


def _talk(match, n=3):
    for i in range(n):
        message_send(
            sender=match.mentor if i % 2 == 0 else match.student,
            conversation_id=match.conversation.pk,
            client_id=f"m{match.pk}-{i}",
            body=f"secret words {i}",
        )


def _closed(match, days_ago):
    messaging.match_close(match=match, actor=None, reason="Program ended")
    Match.objects.filter(pk=match.pk).update(
        closed_at=timezone.now() - datetime.timedelta(days=days_ago)
    )


def test_purge_after_retention_keeps_audit_and_the_rest(district, program, make_user, active_match):
    district.retention_days = 30
    district.save()
    _talk(active_match)
    conversation = active_match.conversation
    message = Message.objects.filter(conversation=conversation).first()
    ReviewItem.objects.create(
        district=district,
        message=message,
        conversation=conversation,
        priority="low",
        priority_rank=0,
    )
    recent = messaging.match_activate(
        match=messaging.match_create(
            program=program,
            mentor=make_user("mentor", district),
            student=make_user("student", district),
        )
    )
    _talk(recent)
    still_open = messaging.match_activate(
        match=messaging.match_create(
            program=program,
            mentor=make_user("mentor", district),
            student=make_user("student", district),
        )
    )
    _talk(still_open)
    _closed(active_match, days_ago=31)
    _closed(recent, days_ago=29)
    audit_before = AuditEntry.objects.count()

    report = conversations_purge_expired()

    assert report.conversations == [conversation.pk]
    assert report.messages == 3
    assert Message.objects.filter(conversation=conversation).count() == 0
    assert ReviewItem.objects.filter(conversation=conversation).count() == 0
    conversation.refresh_from_db()
    assert conversation.title == ""
    assert conversation.last_seq == 3  # sequence numbers are never reused
    assert Match.objects.filter(pk=active_match.pk).exists()
    assert Message.objects.filter(conversation=recent.conversation).count() == 3
    assert Message.objects.filter(conversation=still_open.conversation).count() == 3
    assert AuditEntry.objects.count() == audit_before + 1
    entry = AuditEntry.objects.latest("pk")
    assert entry.action == "conversation.purged"
    assert entry.detail == {"reason": "retention", "messages": 3, "match": active_match.pk}
    assert "secret words" not in str(entry.detail)
    assert audit_verify() is None

    # Idempotent: nothing more to purge, nothing more recorded.
    again = conversations_purge_expired()
    assert again.conversations == []
    assert AuditEntry.objects.count() == audit_before + 1


def test_retention_is_per_district(make_district, make_program, make_user):
    short, long = make_district(retention_days=10), make_district(retention_days=400)
    matches = []
    for d in (short, long):
        program = make_program(d)
        match = messaging.match_activate(
            match=messaging.match_create(
                program=program,
                mentor=make_user("mentor", d),
                student=make_user("student", d),
            )
        )
        _talk(match, 2)
        _closed(match, days_ago=100)
        matches.append(match)
    report = conversations_purge_expired()
    assert report.conversations == [matches[0].conversation.pk]
    assert Message.objects.filter(conversation=matches[1].conversation).count() == 2


def test_command_and_periodic_job_are_registered(active_match, settings, capsys):
    _talk(active_match, 1)
    _closed(active_match, days_ago=active_match.program.school.district.retention_days + 1)
    call_command("purge_expired")
    assert "purged 1 conversation(s), 1 message(s)" in capsys.readouterr().out
    assert not Conversation.objects.get(pk=active_match.conversation.pk).messages.exists()
    jobs = {name: path for name, path, _ in settings.TRELLIS_PERIODIC}
    assert jobs["retention-purge"] == "messaging.retention.conversations_purge_expired"
    assert jobs["sessions-end-idle"] == "accounts.sessions.sessions_end_idle"
